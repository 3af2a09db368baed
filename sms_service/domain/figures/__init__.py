"""Figures over time: per Nairobi day and campaign, kept in `daily_figures` by the workers' clock
(rollup.py), read by the console's charts (reading.py); which campaign a message or an action
belongs to is attribution.py's one rule."""
