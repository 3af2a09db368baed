#!/usr/bin/env python3
"""The commands a new machine needs, with nothing but Python 3.11 installed.

    python3 tasks.py run          install into .venv, create/upgrade the schema, seed a console admin,
                                  start web + worker (console at /console/, phone simulator at /simulator/)
    python3 tasks.py stop         stop the run serving this instance folder (as Ctrl-C does)
    python3 tasks.py test [ARGS]  install into .venv, lint the flows, run the tests (ARGS go to pytest)
    python3 tasks.py flask ARGS   `flask --app sms_service ARGS` in .venv (`flask db upgrade`, ...)

`python3 tasks.py COMMAND --help` tells more about one command, installing nothing.
Standard library only (local_service/ too): this runs before anything is installed.
"""

import hashlib
import inspect
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from local_service import embedded_redis, own_web
from local_service.pid_file import AlreadyRunning, PidFile, RunRecord
from local_service.process_tree import command_line
from local_service.settings import SettingsError, read_settings
from local_service.stopping import (
    FORWARD,
    GRACE_SECONDS,
    Stopped,
    finish_despite_stops,
    ignore_stop_signals,
    raise_on_stop_signals,
    stop_tree,
)

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
FLASK = [str(BIN / "flask"), "--app", "sms_service"]
# `stop` waits for a run's own stop (GRACE_SECONDS, then the embedded Redis) and a little more.
STOP_WAIT_SECONDS = GRACE_SECONDS + 7


def ensure_environment(requirements):
    """Create .venv and install `requirements` into it, unless that was done for these exact files."""
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if is_installed(requirements):
        return
    print(f"installing {requirements} into {VENV}", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(pip + ["install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(pip + ["install", "--quiet", "-r", str(ROOT / requirements)], check=True)
    _stamp(requirements).write_text(_digest(requirements))


def is_installed(requirements):
    """True if .venv holds `requirements` as they are now, on their own or inside a file that
    includes them (`-r requirements.txt` in requirements-dev.txt: `test` installed `run`'s too)."""
    for name in sorted(path.name for path in ROOT.glob("requirements*.txt")):
        covers = name == requirements or f"-r {requirements}" in (ROOT / name).read_text().splitlines()
        if covers and _stamp(name).exists() and _stamp(name).read_text() == _digest(name):
            return True
    return False


def _stamp(requirements):
    return VENV / f".installed-{Path(requirements).stem}"


def _digest(requirements):
    """sha256 of requirements.txt and `requirements`: what the stamp of an install holds."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def flask(*args, **options):
    """`flask --app sms_service ARGS` in .venv, to its end; `options` go to subprocess.run."""
    return subprocess.run([*FLASK, *args], cwd=ROOT, **options)


def run(_args):
    """python3 tasks.py run

    Install requirements.txt into .venv (once per change of the file), create or upgrade the
    schema, create a console admin on a database without accounts, and start Procfile.demo's
    processes (the Procfile's gunicorn web and `python -m workers`, and the local SMS gateway on
    127.0.0.1:LOCAL_GATEWAY_PORT, PORT + 1 by default) under honcho, in DEMO_MODE, the web
    listening on HOST:PORT (127.0.0.1:5000 unless the environment or .env says otherwise).

    Ctrl-C, SIGTERM or SIGHUP (or `python3 tasks.py stop`) stops web, worker and the embedded
    Redis this run started, within 10 s; the exit status is then 128 + the signal's number.
    A second run on the same instance folder (INSTANCE_PATH) refuses at once, exit status 1,
    as does a run whose port another program holds. The pid file is INSTANCE_PATH/run.pid.
    """
    settings = read_settings(ROOT)
    pid_file = PidFile(settings.instance_path)
    try:
        pid_file.lock()
    except AlreadyRunning as running:
        pid, port = (running.record.pid, running.record.port) if running.record else ("?", settings.port)
        print(f"already running (pid {pid}) on :{port}\n`python3 tasks.py stop` stops it")
        return 1
    left = pid_file.read()  # by a run that died, if any
    refusal = _port_refusal(settings, left)
    if refusal:
        print(refusal)
        if left is None:
            pid_file.release()
        else:  # what a killed run left in the file stays there, for `stop`
            pid_file.unlock()
        return 1
    # This run stops the embedded Redis at its end if it starts it, or adopts the one a killed run
    # started and left; one that ran before any run is someone else's.
    owns_redis = not embedded_redis.answers(settings.instance_path) or (left is not None and left.started_redis)
    record = RunRecord(pid=os.getpid(), host=settings.host, port=settings.port, nonce=secrets.token_hex(8),
                       started_redis=not settings.redis_url and owns_redis)
    try:
        raise_on_stop_signals()
        pid_file.write(record)
        return _serve(settings, record, pid_file)
    except Stopped as stop:
        return 128 + stop.signum
    finally:
        ignore_stop_signals()  # a stop asked for twice must not cut the clean-up short
        if record.started_redis:
            embedded_redis.shut_down(settings.instance_path)
        pid_file.release()


def _port_refusal(settings, left):
    """Why the web could not listen on HOST:PORT, or None if it can. `left`: the RunRecord a
    dead run left in the pid file, if any (its processes may be what holds the port)."""
    try:
        web_free = own_web.port_is_free(settings.host, settings.port)
        gateway_free = own_web.port_is_free("127.0.0.1", settings.local_gateway_port)
    except OSError as error:
        return f"cannot listen on {settings.bind_address} (HOST, PORT): {error.strerror or error}"
    if web_free and gateway_free:
        return None
    if left is not None and left.honcho_left_running():
        return (f"port {settings.port} is taken by what an earlier run (pid {left.pid}), killed without "
                f"stopping it, left running: `python3 tasks.py stop` stops it")
    if web_free:  # the local gateway's port (Procfile.demo), on this machine only
        return (f"port {settings.local_gateway_port} on 127.0.0.1 (LOCAL_GATEWAY_PORT, the local SMS gateway) is taken by "
                f"another program; stop it, or choose another: LOCAL_GATEWAY_PORT={settings.local_gateway_port + 1} "
                f"python3 tasks.py run")
    return (f"port {settings.port} on {settings.host} is taken by another program; stop it, "
            f"or choose another port: PORT={settings.port + 1} python3 tasks.py run")


def _serve(settings, record, pid_file):
    """Install, migrate, seed, then run honcho until it ends (its exit status) or a stop signal
    raises Stopped (after stopping honcho and everything below it)."""
    ensure_environment("requirements.txt")
    env = _stack_environment(settings, record.nonce)
    # A migration cut short could leave SQLite's schema half changed (its DDL is not transactional).
    if finish_despite_stops([*FLASK, "db", "upgrade"], cwd=ROOT, env=env):
        return 1
    banner = _banner(settings, env, record.started_redis)
    print(banner, flush=True)
    # honcho gives each Procfile line its own PORT; pin the web's to the one printed above. Its
    # own session: a stop reaches it from this process only, forwarded, never twice.
    honcho = None
    try:
        # Procfile.demo: the Procfile's web and worker, and the local gateway on its own port.
        honcho = subprocess.Popen([str(BIN / "honcho"), "start", "-f", "Procfile.demo", "--port", str(settings.port)],
                                  cwd=ROOT, env=env, start_new_session=True)
        record.honcho = honcho.pid
        pid_file.write(record)
        if own_web.wait_for_run(settings.base_url, record.nonce, lambda: honcho.poll() is None):
            print(banner, flush=True)  # again, below the start-up logs, where it is seen
        return honcho.wait()
    except Stopped as stop:
        if honcho is not None:
            stop_tree(honcho.pid, FORWARD[stop.signum], reap=honcho.poll)
        raise


def _stack_environment(settings, nonce):
    """The environment of every process of the stack: the settings as tasks.py resolved them."""
    # DEMO_MODE: a development stack (local gateway, phone simulator); the Procfile alone is production.
    env = dict(os.environ, PYTHONUNBUFFERED="1", VIRTUAL_ENV=str(VENV), HOST=settings.host, DEMO_MODE="1",
               PORT=str(settings.port), INSTANCE_PATH=str(settings.instance_path), RUN_NONCE=nonce,
               # Every process (the worker too, which honcho gives another PORT) sends SMS to the
               # local gateway (Procfile.demo), and it sends delivery reports to the web's PORT.
               LOCAL_GATEWAY_BASE_URL=settings.local_gateway_url, LOCAL_GATEWAY_PORT=str(settings.local_gateway_port),
               LOCAL_GATEWAY_DLR_URL=f"{settings.base_url}/sms/delivery-reports")
    # The Procfile names bare `gunicorn` and `python`: they must be the ones in .venv.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def _banner(settings, env, started_redis):
    # A first run makes an admin account and prints its password (once: it is stored hashed).
    account = flask("console", "seed-admin", env=env, capture_output=True, text=True)
    url = settings.base_url
    stopped = "web, worker and the embedded Redis this run started" if started_redis else "web and worker"
    return "\n".join([
        "=" * 72,
        f"web on {url}/ (listening on {settings.bind_address}; POST /ussd, GET /healthz)",
        f"staff console:   {url}/console/",
        f"phone simulator: {url}/simulator/ (demo mode; SMS go to the local gateway on {settings.local_gateway_url})",
        (account.stdout or account.stderr).strip(),
        f"Ctrl-C (or python3 tasks.py stop) stops {stopped}",
        "=" * 72,
    ])


def stop(_args):
    """python3 tasks.py stop

    Stop the `python3 tasks.py run` serving this instance folder (INSTANCE_PATH, default
    instance/) as SIGTERM would: web, worker and the embedded Redis that run started, within
    10 s. It also stops what a run killed without a chance to clean up (kill -9) left running.
    Nothing running is no error (exit status 0); a run that does not stop in time is (1).
    """
    settings = read_settings(ROOT)
    pid_file = PidFile(settings.instance_path)
    if not pid_file.path.exists():  # a run writes it first thing, and no folder is made here
        print("not running")
        return 0
    try:
        pid_file.lock()
    except AlreadyRunning as running:
        return _stop_live_run(running.record, pid_file)
    try:  # no live run: clean up after one that died without doing it itself
        left = pid_file.read()
        if left is None:
            print("not running")
            return 0
        stopped = []
        if left.honcho_left_running():
            stop_tree(left.honcho, signal.SIGTERM)
            stopped.append("web and worker")
        if left.started_redis and embedded_redis.answers(settings.instance_path):
            embedded_redis.shut_down(settings.instance_path)
            stopped.append("the embedded Redis")
        print(f"not running; stopped what run {left.pid} left behind: {', '.join(stopped)}" if stopped
              else "not running")
        return 0
    finally:
        pid_file.release()


def _stop_live_run(record, pid_file):
    """SIGTERM to the run, then wait for it to let go of the pid file (it stops all it started)."""
    # The lock's holder may also be another `stop` cleaning up, under a dead run's record.
    if record is None or "tasks.py" not in command_line(record.pid):
        print(f"{pid_file.path} is held, but not by a running `tasks.py run`; try again in a moment")
        return 1
    try:
        os.kill(record.pid, signal.SIGTERM)
    except ProcessLookupError:  # it ended just now
        pass
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            pid_file.lock()
        except AlreadyRunning:
            time.sleep(0.1)
            continue
        pid_file.release()
        print(f"stopped the run (pid {record.pid}) on :{record.port}")
        return 0
    print(f"the run (pid {record.pid}) did not stop within {STOP_WAIT_SECONDS} s")
    return 1


def test(args):
    """python3 tasks.py test [PYTEST ARGUMENTS]

    Install requirements-dev.txt into .venv (once per change), lint flows/ (`flask flows check`),
    the layers of the code (`lint-imports`, .importlinter) and the code itself (`ruff check`,
    ruff.toml), then run pytest with the arguments given (`python3 tasks.py test -k petition -x`).
    REDIS_URL and TEST_DATABASE_URL point the tests at servers instead of the embedded defaults.
    The tests run in TEST_PROCESSES parallel processes (pytest-xdist; default: one per core),
    unless the arguments choose (`-n 0` runs them in this one process, as `pdb` needs).
    TEST_FAKETIME="2026-11-29 22:30:00" (UTC) runs pytest, and only pytest, under Debian's
    faketime from that moment on, in TZ=UTC (.ci/run does, at 01:30 in Nairobi).
    """
    ensure_environment("requirements-dev.txt")
    if flask("flows", "check").returncode != 0:
        return 1
    if subprocess.run([str(BIN / "lint-imports")], cwd=ROOT).returncode != 0:
        return 1
    if subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT).returncode != 0:
        return 1
    command, env = [str(BIN / "python"), "-m", "pytest", *_parallel(args), *args], None
    if os.environ.get("TEST_FAKETIME"):
        if not shutil.which("faketime"):
            print("TEST_FAKETIME needs Debian's faketime: apt-get install faketime", file=sys.stderr)
            return 2
        command, env = faketime(os.environ["TEST_FAKETIME"], command)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def _parallel(args):
    """pytest-xdist's options, unless `args` set the number of processes or turn xdist off.
    Tests are handed out as processes finish (worksteal): a few take 20 s, most take 0.1 s."""
    if any(arg.startswith(("-n", "--numprocesses", "--dist")) or arg == "no:xdist" for arg in args):
        return []
    return ["--numprocesses", os.environ.get("TEST_PROCESSES") or "auto", "--dist", "worksteal"]


def faketime(moment, command):
    """`command` under libfaketime from `moment` (UTC) on, and its environment.

    Only the wall clock is set: monotonic time stays real (FAKETIME_DONT_FAKE_MONOTONIC), as
    Python's timed waits (threads, Redis and database clients) compute their deadlines from it
    and would hang on a faked one. libfaketime 0.9.10 then fails Python's time.sleep (its
    clock_nanosleep wrapper refuses an absolute monotonic deadline with EINVAL), so every Python
    process of the run loads tests/faketime/sitecustomize.py, which sleeps on a timed wait.
    TZ=UTC: naive local-time code is caught, not hidden by a machine set to Nairobi time.
    """
    shim = str(ROOT / "tests" / "faketime")
    env = dict(os.environ, TZ="UTC", FAKETIME_DONT_FAKE_MONOTONIC="1",
               PYTHONPATH=os.pathsep.join(filter(None, [shim, os.environ.get("PYTHONPATH")])))
    return ["faketime", "-m", moment, *command], env


def flask_command(args):
    """python3 tasks.py flask COMMAND [ARGUMENTS]

    Run `flask --app sms_service COMMAND ...` with .venv's flask (installing requirements.txt
    first if need be), from the directory you are in; its exit status is passed on. Examples:
    `python3 tasks.py flask db upgrade`, `python3 tasks.py flask console set-password admin`,
    `python3 tasks.py flask broadcasts --help`.
    """
    ensure_environment("requirements.txt")
    # The project root on the path: `--app sms_service` then imports from any directory, and
    # relative paths (`-o att.csv`) stay relative to where the command was typed.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    os.execve(FLASK[0], [*FLASK, *args], env)


COMMANDS = {"run": run, "stop": stop, "test": test, "flask": flask_command}
TAKE_NO_ARGUMENTS = {"run", "stop"}
HELP = ("-h", "--help")


def show_help(name):
    """Print a command's help without installing anything; for `flask`, also flask's own list
    of commands when .venv already has it."""
    print(inspect.cleandoc(COMMANDS[name].__doc__))
    if name == "flask" and is_installed("requirements.txt"):
        print("\nflask's own help:", flush=True)
        flask("--help")
    return 0


def _usage_error(name):
    print(f"`{name}` takes no arguments\n\n{inspect.cleandoc(COMMANDS[name].__doc__)}")
    return 2


def main(argv):
    """Run the command `argv` names; its exit status."""
    if argv[:1] and argv[0] in HELP:
        print(__doc__.strip())
        return 0
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip())
        return 2
    name, args = argv[0], argv[1:]
    if args[:1] and args[0] in HELP:
        return show_help(name)
    if args and name in TAKE_NO_ARGUMENTS:
        return _usage_error(name)
    try:
        return COMMANDS[name](args)
    except SettingsError as error:  # HOST, PORT, ... as tasks.py read them
        print(error)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
