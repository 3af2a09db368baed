"""One round trip to Redis without redis-py's per-command machinery.

A USSD hop makes two round trips, and redis-py's pipeline and Script objects spend more worker
CPU on each (argument encoding, response callbacks, retry and observability wrappers) than the
hop's own logic. Here the commands are packed by hand into one buffer and sent on a connection
taken from the client's pool, whose checks (reconnect a connection the server closed) still apply.
"""

import hashlib

from redis.exceptions import NoScriptError, ResponseError


def pack(*commands):
    """The RESP bytes of `commands`, each a tuple of str, bytes or int arguments."""
    out = []
    for command in commands:
        out.append(b"*%d\r\n" % len(command))
        for argument in command:
            if not isinstance(argument, bytes):
                argument = str(argument).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(argument), argument))
    return b"".join(out)


def exchange(redis, packed, reply_count):
    """Send `packed` and read `reply_count` replies; an error reply comes back as its ResponseError.

    Error replies are returned, not raised, so that every reply is read and the connection goes
    back to the pool clean. Any other failure may leave a reply half read: that connection is
    disconnected, so the pool opens a fresh one instead of handing it out again.
    """
    pool = redis.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_packed_command([packed])
        replies = []
        for _ in range(reply_count):
            try:
                replies.append(connection.read_response())
            except ResponseError as error:
                replies.append(error)
        return replies
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)


def raise_errors(replies):
    """`replies`, unless one of them is an error reply: then that error is raised."""
    for reply in replies:
        if isinstance(reply, ResponseError):
            raise reply
    return replies


class LuaScript:
    """A Lua script run by EVALSHA, sent whole (EVAL, which also caches it) when Redis lacks it."""

    def __init__(self, source):
        self.source = source.encode()
        self.sha = hashlib.sha1(self.source).hexdigest().encode()

    def __call__(self, redis, keys, args):
        tail = (len(keys), *keys, *args)
        (reply,) = exchange(redis, pack((b"EVALSHA", self.sha, *tail)), 1)
        if isinstance(reply, NoScriptError):  # a restarted or flushed Redis: the cache is empty
            (reply,) = exchange(redis, pack((b"EVAL", self.source, *tail)), 1)
        return raise_errors([reply])[0]
