"""Core: what every part of the service builds on, knowing nothing of the rest of it."""
