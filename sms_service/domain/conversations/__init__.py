"""The conversations inbox: one thread per number that texted (threads.py), what staff do in it
(staff_actions.py), and how the inbox lists and counts threads (inbox.py)."""
