"""Channels: the wire formats of the gateways the service talks to."""
