"""Staff: console accounts and their roles."""
