"""The hand-packed Redis round trip: its wire bytes, error replies, broken connections, Lua fallback."""

import pytest
from redis import exceptions as redis_errors
from redis.connection import Connection
from redis.exceptions import NoScriptError, ResponseError

from sms_service.core.redis_exchange import LuaScript, exchange, pack, raise_errors


@pytest.mark.parametrize(
    "commands",
    [
        [(b"GET", "ussd:session:ATUid_16bd6c5e4a3f")],
        [(b"SET", "ussd:lock:ATUid_1", "9f86d081884c7d65", b"NX", b"PX", 10_000)],
        [(b"GET", "ussd:resume:+254712345678"), (b"GET", "ussd:session:ATUid_1")],
        [(b"SET", "ussd:session:Ñandú ✓", '{"text": "1*Wanjiku Kamau"}')],  # multi-byte UTF-8
        [(b"SET", "key:with\r\nnewline", b"")],
    ],
)
def test_packed_commands_match_redis_py(commands):
    expected = b"".join(b"".join(Connection().pack_command(*command)) for command in commands)
    assert pack(*commands) == expected


@pytest.fixture
def redis(app):
    return app.services.redis


def test_replies_come_back_in_order(redis):
    replies = exchange(redis, pack((b"SET", "k", "v"), (b"GET", "k"), (b"GET", "missing")), 3)
    assert replies == [b"OK", b"v", None]


def test_an_error_reply_is_returned_and_the_connection_stays_usable(redis):
    redis.set("name", "Wanjiku")
    replies = exchange(redis, pack((b"INCR", "name"), (b"GET", "name")), 2)
    assert isinstance(replies[0], ResponseError) and replies[1] == b"Wanjiku"
    with pytest.raises(ResponseError):
        raise_errors(replies)
    assert exchange(redis, pack((b"GET", "name"),), 1) == [b"Wanjiku"]


def test_a_failed_read_disconnects_so_no_stale_reply_is_read_later(redis):
    redis.connection_pool.connection_kwargs["socket_timeout"] = 0.2
    redis.connection_pool.disconnect()
    redis.set("name", "Wanjiku")
    with pytest.raises(redis_errors.TimeoutError):
        exchange(redis, pack((b"BLPOP", "empty-list", 1),), 1)  # no reply before the socket times out
    # Kept, the connection would hand the next caller BLPOP's late reply instead of this one.
    assert exchange(redis, pack((b"GET", "name"),), 1) == [b"Wanjiku"]


def test_connections_go_back_to_the_pool(redis):
    pool = redis.connection_pool
    for _ in range(5):
        exchange(redis, pack((b"PING",),), 1)
        exchange(redis, pack((b"INCR", "not-a-number-yet"), (b"LPUSH", "not-a-number-yet", "x")), 2)
    assert not pool._in_use_connections


SET_AND_ECHO = LuaScript("redis.call('set', KEYS[1], ARGV[1]) return ARGV[1]")


def test_a_script_runs_after_redis_forgot_it(redis):
    redis.script_flush()
    assert SET_AND_ECHO(redis, keys=["k"], args=["first"]) == b"first"
    assert redis.get("k") == b"first"
    assert redis.script_exists(SET_AND_ECHO.sha.decode()) == [True]  # EVAL cached it for EVALSHA
    assert SET_AND_ECHO(redis, keys=["k"], args=["second"]) == b"second"


def test_a_script_error_is_raised(redis):
    failing = LuaScript("return redis.call('incr', KEYS[1])")
    redis.set("k", "not a number")
    with pytest.raises(ResponseError) as raised:
        failing(redis, keys=["k"], args=[])
    assert not isinstance(raised.value, NoScriptError)
