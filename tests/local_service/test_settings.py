"""What `tasks.py run` reads before anything is installed: HOST, PORT, INSTANCE_PATH, REDIS_URL and
the local gateway's URL, from the environment or `.env`, and the URLs derived from HOST."""

import pytest
from dotenv import dotenv_values

from local_service import embedded_redis
from local_service.settings import SettingsError, read_dotenv, read_settings, url_host
from sms_service.core.redis_connection import embedded_socket_path

DOTENV_LINES = [
    "HOST=0.0.0.0",
    "export PORT=8080",
    "PORT = 8080  ",
    "REDIS_URL='redis://127.0.0.1:6379/2'",
    'INSTANCE_PATH="/srv/haki yetu/instance"',
    "HOST=127.0.0.1 # this machine only",
    'HOST="::1" # quoted, then a comment',
    "SECRET_KEY=a#b",
    "# a comment",
    "",
    "EMPTY=",
]


@pytest.mark.parametrize("line", DOTENV_LINES)
def test_dotenv_lines_read_as_python_dotenv_reads_them(tmp_path, line):
    (tmp_path / ".env").write_text(line + "\n")
    assert read_dotenv(tmp_path / ".env") == dotenv_values(tmp_path / ".env")


def test_no_dotenv_file_is_no_settings(tmp_path):
    assert read_dotenv(tmp_path / ".env") == {}


@pytest.mark.parametrize(
    "environ, dotenv, host, port, gateway",
    [
        ({}, "", "127.0.0.1", 5000, "http://127.0.0.1:5001"),
        ({}, "HOST=0.0.0.0\nPORT=8000\n", "0.0.0.0", 8000, "http://127.0.0.1:8001"),
        ({"HOST": "::"}, "HOST=0.0.0.0\n", "::", 5000, "http://127.0.0.1:5001"),
        ({"HOST": "", "PORT": ""}, "", "127.0.0.1", 5000, "http://127.0.0.1:5001"),
        ({"HOST": "192.168.1.20"}, "LOCAL_GATEWAY_BASE_URL=http://gw:9/local-at\n", "192.168.1.20", 5000,
         "http://gw:9/local-at"),
    ],
)
def test_host_and_port_and_the_urls_that_follow_them(tmp_path, environ, dotenv, host, port, gateway):
    (tmp_path / ".env").write_text(dotenv)
    settings = read_settings(tmp_path, environ)
    assert (settings.host, settings.port, settings.local_gateway_url) == (host, port, gateway)


@pytest.mark.parametrize(
    "host, in_url, bind",
    [
        ("127.0.0.1", "127.0.0.1", "127.0.0.1:5000"),
        ("0.0.0.0", "127.0.0.1", "0.0.0.0:5000"),
        ("::", "[::1]", "[::]:5000"),
        ("::1", "[::1]", "[::1]:5000"),
        ("fe80::1", "[fe80::1]", "[fe80::1]:5000"),
        ("haki.local", "haki.local", "haki.local:5000"),
    ],
)
def test_a_url_reaches_what_the_host_binds(tmp_path, host, in_url, bind):
    settings = read_settings(tmp_path, {"HOST": host})
    assert (url_host(host), settings.base_url, settings.bind_address) == (in_url, f"http://{in_url}:5000", bind)


@pytest.mark.parametrize(
    "environ, dotenv, instance, redis_url",
    [
        ({}, "", "instance", ""),
        ({"INSTANCE_PATH": "var/here"}, "", "var/here", ""),  # relative to the project, where the processes run
        ({}, "INSTANCE_PATH=/srv/haki\nREDIS_URL=redis://r:6379/0\n", "/srv/haki", "redis://r:6379/0"),
        ({"REDIS_URL": ""}, "REDIS_URL=redis://r:6379/0\n", "instance", ""),  # set empty: embedded, as config.py
    ],
)
def test_the_instance_folder_and_redis_as_the_service_reads_them(tmp_path, environ, dotenv, instance, redis_url):
    (tmp_path / ".env").write_text(dotenv)
    settings = read_settings(tmp_path, environ)
    assert (settings.instance_path, settings.redis_url) == ((tmp_path / instance).resolve(), redis_url)


@pytest.mark.parametrize("port", ["http", "0", "65536", "-1"])
def test_a_port_that_is_no_port_is_refused_by_name(tmp_path, port):
    with pytest.raises(SettingsError, match=f"PORT must be a TCP port number \\(1-65535\\), not '{port}'"):
        read_settings(tmp_path, {"PORT": port})


def test_the_embedded_redis_socket_is_where_the_service_puts_it(tmp_path):
    for instance in (str(tmp_path), "relative/instance"):
        assert embedded_redis.socket_path(instance) == embedded_socket_path(instance)
