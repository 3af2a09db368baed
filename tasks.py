#!/usr/bin/env python3
"""The two commands a new machine needs, with nothing but Python 3.11 installed.

    python3 tasks.py run     install into .venv, create/upgrade the schema, seed a console admin,
                             start web + worker (console at /console/, phone simulator at /simulator/)
    python3 tasks.py test    install into .venv, lint the flows, run the tests (pytest args pass on)

Standard library only: this runs before anything is installed.
"""

import hashlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"


def ensure_environment(requirements):
    """Create .venv and install `requirements` into it, unless that was done for these exact files."""
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    print(f"installing {requirements} into {VENV}", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(pip + ["install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(pip + ["install", "--quiet", "-r", str(ROOT / requirements)], check=True)
    stamp.write_text(digest.hexdigest())


def flask(*args, env=None):
    return subprocess.run([str(BIN / "flask"), "--app", "sms_service", *args], cwd=ROOT, env=env)


def run(_args):
    ensure_environment("requirements.txt")
    if flask("db", "upgrade").returncode != 0:
        return 1
    # The Procfile names bare `gunicorn` and `python`: they must be the ones in .venv.
    env = dict(os.environ, PYTHONUNBUFFERED="1", VIRTUAL_ENV=str(VENV))
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PORT", "5000")
    # Without AT credentials every process (the worker too, which honcho gives another PORT)
    # sends SMS to the web's local gateway.
    env.setdefault("LOCAL_GATEWAY_BASE_URL", f"http://127.0.0.1:{env['PORT']}/local-at")
    url = f"http://127.0.0.1:{env['PORT']}"
    # A first run makes an admin account and prints its password (once: it is stored hashed).
    account = subprocess.run([str(BIN / "flask"), "--app", "sms_service", "console", "seed-admin"],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    banner = "\n".join([
        "=" * 72,
        f"web on {url} (POST /ussd, GET /healthz); Ctrl-C stops",
        f"staff console:   {url}/console/",
        f"phone simulator: {url}/simulator/ (while AT_API_KEY is unset)",
        (account.stdout or account.stderr).strip(),
        "=" * 72,
    ])
    print(banner, flush=True)
    # honcho gives each Procfile line its own PORT; pin the web's to the one printed above.
    processes = subprocess.Popen([str(BIN / "honcho"), "start", "--port", env["PORT"]], cwd=ROOT, env=env)
    try:
        if _answers(url + "/healthz", processes):
            print(banner, flush=True)  # again, below the start-up logs, where it is seen
        return processes.wait()
    except KeyboardInterrupt:  # honcho got the Ctrl-C too and stops its processes
        return processes.wait()


def _answers(url, processes, seconds=60):
    """Wait until `url` answers (any status) while `processes` runs; True if it did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and processes.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.5)
    return False


def test(args):
    ensure_environment("requirements-dev.txt")
    if flask("flows", "check").returncode != 0:
        return 1
    return subprocess.run([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT).returncode


COMMANDS = {"run": run, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__.strip())
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
