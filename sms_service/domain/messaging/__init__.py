"""Messaging: every SMS the service sends, one send path."""
