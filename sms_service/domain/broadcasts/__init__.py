"""Broadcasts: staff send campaign messages to subscribers; workers deliver them in batches."""
