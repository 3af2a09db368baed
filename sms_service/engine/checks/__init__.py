"""`flask flows check`: what can be wrong with the definitions."""
