"""The SMS router: what an inbound text asks for, and what it does."""
