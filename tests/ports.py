"""Ports on 127.0.0.1 for the servers tests start.

- In this process: `listening_socket()`, bound and listening from the start, so nothing can take
  the port between choosing it and serving on it (a probed-then-released port once failed a run
  with "Address already in use").
- For a subprocess (gunicorn, `tasks.py run`), which must bind the port itself: `free_port()`,
  a port free a moment ago.
"""

import socket


def listening_socket():
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(128)
    return listening


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
