"""The gunicorn worker of the Procfile's web process: gunicorn's threaded worker, except that a
request is read whole (headers and body) by the worker's event loop before it runs.

Why: a sync worker (and gthread too, once a request has begun) blocks a whole worker on a client
that sends its body slowly; four such sockets stopped all web traffic for about 30 s. Here a slow
client costs one socket in the event loop, not a thread, so a USSD hop behind 50 slow clients is
answered at once. The application runs in an ordinary thread: blocking calls (SQLite's writer
lock, psycopg) behave exactly as under the sync worker; nothing is monkey-patched. A request
that is whole runs at once, in the worker's own thread, as under a sync worker.

A request not complete within REQUEST_READ_SECONDS is dropped (a slowloris), and a body larger
than BUFFER_LIMIT_BYTES is handed on as it is, for the application's own size limit to refuse.
Chunked bodies (AT never sends them) are also handed on at once.
"""

import errno
import re
import selectors
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

REQUEST_READ_SECONDS = 30
BUFFER_LIMIT_BYTES = 6 * 1024 * 1024  # the console's upload limit, and a little more
_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:.*chunked", re.IGNORECASE | re.MULTILINE)
_EXPECTS_CONTINUE = re.compile(rb"^expect[ \t]*:[ \t]*100-continue", re.IGNORECASE | re.MULTILINE)


def request_is_whole(data):
    """True when `data` (bytes read so far on a connection) holds a whole request, or as much as
    this worker buffers: headers, and the body its Content-Length announces."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) >= BUFFER_LIMIT_BYTES
    head = data[:end]
    if _CHUNKED.search(head):
        return True
    found = _CONTENT_LENGTH.search(head)
    length = int(found.group(1)) if found else 0
    return len(data) - (end + 4) >= min(length, BUFFER_LIMIT_BYTES)


class BufferingWorker(ThreadWorker):
    """gunicorn's ThreadWorker, reading each request whole in its event loop first."""

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._read_request(TConn(self.cfg, client_sock, client_addr, listener.getsockname()))

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection sends its next request: read it whole too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_request(conn)

    def _read_request(self, conn):
        conn.sock.setblocking(False)
        conn.received = bytearray()
        state = self._receive(conn)  # most requests are whole in their first packet
        if state == "wait":
            conn.timeout = time.monotonic() + REQUEST_READ_SECONDS
            self.pending_conns.append(conn)  # dropped by murder_pending() when it runs out of time
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_request_bytes, conn))
        else:
            self._dispatch(conn, state)

    def _on_request_bytes(self, conn, client):
        state = self._receive(conn)
        if state == "wait":
            return
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        self._dispatch(conn, state)

    def _receive(self, conn):
        """Read what the socket holds: "whole" (the request is), "wait" (not yet) or "gone"."""
        try:
            data = conn.sock.recv(256 * 1024)
        except (BlockingIOError, InterruptedError):
            return "wait"
        except OSError:
            return "gone"
        if not data:
            return "gone"
        conn.received += data
        if request_is_whole(conn.received):
            return "whole"
        self._continue_if_expected(conn)
        return "wait"

    def _dispatch(self, conn, state):
        """Run a whole request here, in the event loop, as a sync worker runs its one request (no
        hand-off to a thread: that cost a third of the hops per second); the loop's other
        sockets keep receiving meanwhile, in the kernel. The client is never waited on here."""
        if state == "gone":
            self.nr_conns -= 1
            conn.close()
            return
        conn.data_ready = True
        done = futures.Future()
        done.set_result(self.handle(conn))
        self.finish_request(conn, done)

    def _continue_if_expected(self, conn):
        """A client that asked (`Expect: 100-continue`) waits for our go-ahead before its body."""
        end = conn.received.find(b"\r\n\r\n")
        if end < 0 or getattr(conn, "continued", False) or not _EXPECTS_CONTINUE.search(conn.received[:end]):
            return
        conn.continued = True
        try:
            conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        except OSError:
            pass  # the client is gone: the next read says so

    def handle(self, conn):
        """Runs in a thread: the parser reads the buffered request first, then the socket."""
        received = getattr(conn, "received", None)
        if received:
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(bytes(received))
            conn.received = None
        return super().handle(conn)
