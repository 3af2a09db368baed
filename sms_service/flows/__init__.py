"""Flow definitions (menus as data) and the checks that keep them sound."""
