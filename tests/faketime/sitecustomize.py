"""Loaded by every Python process of a test run under faketime (tasks.py test with TEST_FAKETIME).

libfaketime 0.9.10 (Debian 12) fails Python's time.sleep with EINVAL when the monotonic clock is
left real: its clock_nanosleep wrapper mistranslates the absolute monotonic deadline Python
passes. A timed wait on an event computes the same deadline but reaches the kernel unwrapped, so
it sleeps exactly as long. Outside a faketime run this file is not on the path.
"""

import os
import threading
import time

if os.environ.get("FAKETIME"):

    def _sleep(seconds):
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        threading.Event().wait(seconds)

    time.sleep = _sleep
