"""Background work on RQ: plain, idempotent job functions that take ids, importable by dotted path.

Broadcasts and quiz prompts land here in later issues; for now this holds the worker runner.
"""
