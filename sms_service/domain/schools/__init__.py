"""Schools taking part in the programmes, registered by a teacher or school contact."""
