"""USSD journeys: each ended session's screens and outcome (records.py), their retention
(retention.py), and the figures the console shows (report.py)."""
