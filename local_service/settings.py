"""Where `tasks.py run` listens and keeps its instance, read from the environment or the
project's `.env` (the environment wins, as in sms_service/config.py) before anything is installed.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

# This machine only, unless HOST says otherwise: a development stack has a known admin password
# in its terminal and a phone simulator that needs no account.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = "5000"
# Wildcard addresses listen everywhere but are not addresses to send a request to.
LOOPBACK_FOR = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


class SettingsError(ValueError):
    """A setting tasks.py cannot use; the message names it."""


@dataclass(frozen=True)
class RunSettings:
    host: str  # what the web binds to
    port: int
    instance_path: Path  # absolute
    redis_url: str  # empty: the embedded Redis in instance_path
    local_gateway_url: str  # where every process sends SMS (demo mode)
    local_gateway_port: int  # where the local gateway listens, on 127.0.0.1

    @property
    def bind_address(self):
        """`host:port` as a server binds it: '127.0.0.1:5000', '[::]:5000'."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def base_url(self):
        """`http://host:port`, reachable from this machine, for the banner and the health check."""
        return f"http://{url_host(self.host)}:{self.port}"


def read_settings(project_root, environ=os.environ):
    """The settings `tasks.py run` uses for `project_root`; SettingsError if PORT is no port."""
    project_root = Path(project_root)
    dotenv = read_dotenv(project_root / ".env")

    def setting(key, default=""):  # exactly as sms_service/config.py's load_config reads one
        return environ.get(key, dotenv.get(key) or default)

    host = setting("HOST") or DEFAULT_HOST
    port = setting("PORT") or DEFAULT_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"PORT must be a TCP port number (1-65535), not {port!r}")
    # The processes run in the project root, so a relative folder is relative to it.
    instance_path = project_root / setting("INSTANCE_PATH", str(project_root / "instance"))
    # The local gateway is its own server, on this machine only, next to the web's port.
    gateway_port = setting("LOCAL_GATEWAY_PORT") or str(int(port) + 1)
    if not gateway_port.isdigit() or not 0 < int(gateway_port) < 65536:
        raise SettingsError(f"LOCAL_GATEWAY_PORT must be a TCP port number (1-65535), not {gateway_port!r}")
    return RunSettings(
        host=host, port=int(port), instance_path=instance_path.resolve(), redis_url=setting("REDIS_URL"),
        local_gateway_url=setting("LOCAL_GATEWAY_BASE_URL") or f"http://127.0.0.1:{gateway_port}",
        local_gateway_port=int(gateway_port),
    )


def url_host(host):
    """The host part of a URL that reaches a server bound to `host`: a wildcard address is reached
    on loopback, an IPv6 address goes in brackets. '0.0.0.0' -> '127.0.0.1', '::' -> '[::1]'."""
    host = LOOPBACK_FOR.get(host, host)
    return f"[{host}]" if ":" in host else host


_LINE = re.compile(r"""^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:(['"])(.*?)\2|(.*?))\s*(?:\s#.*)?$""")


def read_dotenv(path):
    """A `.env` file's `KEY=value` lines as a dict ({} without a file): the part of
    python-dotenv's format these settings need (comments, `export`, quotes); no ${expansion}."""
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return {}
    values = {}
    for line in text.splitlines():
        found = _LINE.match(line.strip())
        if found:
            key, _, quoted, bare = found.groups()
            values[key] = quoted if quoted is not None else bare
    return values
