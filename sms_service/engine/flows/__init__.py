"""The flow definitions in flows/, read into plain objects."""
