"""tasks.py's checks on its web: is the port free before the start, and is the web answering
on it this run's own (its /healthz shows this run's RUN_NONCE), not another program?"""

import errno
import json
import socket
import time
import urllib.error
import urllib.request

# Our own web on this machine: never through an http_proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def port_is_free(host, port):
    """True if a server could listen on host:port now, False if a program listens there.

    Binds as gunicorn does (SO_REUSEADDR), so a connection of a stopped run still closing does
    not count. Other failures raise OSError: a HOST that is no address here (EADDRNOTAVAIL, or
    socket.gaierror if it does not resolve), a port below 1024 without privileges (EACCES).
    """
    family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                            flags=socket.AI_PASSIVE)[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def wait_for_run(base_url, nonce, still_running, seconds=60):
    """Poll `base_url`/healthz until it shows `nonce`, while `still_running()`; True if it did.

    Any status counts (503 while a store is down still comes from our web); only the nonce
    tells our web from whatever else might answer on the port.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and still_running():
        if _run_shown(base_url + "/healthz") == nonce:
            return True
        time.sleep(0.25)
    return False


def _run_shown(url):
    try:
        with _DIRECT.open(url, timeout=2) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
    except OSError:  # not listening yet
        return None
    try:
        return json.loads(body).get("run")
    except (ValueError, AttributeError):
        return None
