"""The Procfile's processes, started as a platform would start them."""

import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sms_service.core.config import PROJECT_ROOT
from tests.ports import free_port


def procfile_command(name):
    for line in Path(PROJECT_ROOT, "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise KeyError(name)


TOKEN = "procfile-t0ken"


@pytest.fixture
def web(instance_path, migrated_database_url):
    port = free_port()
    # Production, as a platform runs it: no DEMO_MODE, so a token and a secret key of its own.
    env = dict(os.environ, PORT=str(port), WEB_CONCURRENCY="2", INSTANCE_PATH=instance_path,
               DATABASE_URL=migrated_database_url, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               DEMO_MODE="", WEBHOOK_TOKEN=TOKEN, SECRET_KEY="the-secret-key-of-this-deployment")
    env.pop("HOST", None)  # the platform default: every interface
    # exec: gunicorn replaces the shell, so stopping the process stops the server itself.
    server = subprocess.Popen("exec " + procfile_command("web"), shell=True, cwd=PROJECT_ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(url + "/healthz", timeout=5)
                break
            except requests.RequestException:  # not listening yet, or workers still booting
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        yield url
    finally:  # even when start-up failed: no server may outlive the test
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def test_the_web_process_serves_health_and_ussd(web):
    health = requests.get(web + "/healthz", timeout=5)
    assert (health.status_code, health.json()["status"]) == (200, "ok")
    form = {"sessionId": "procfile-1", "serviceCode": "*384*123#", "phoneNumber": "0712345678", "text": ""}
    assert requests.post(web + "/ussd", data=form, timeout=5).status_code == 403  # no token
    hop = requests.post(web + f"/ussd?token={TOKEN}", data=form, timeout=5)
    assert hop.status_code == 200 and hop.text.startswith("CON Haki Yetu")
    hop = requests.post(web + f"/ussd?token={TOKEN}", data={**form, "text": "4"}, timeout=5)
    assert "Type your full name" in hop.text


@pytest.mark.parametrize(
    "environ, bind",
    [
        ({}, "0.0.0.0:8000"),  # a platform routes to the container's own address
        ({"HOST": "127.0.0.1", "PORT": "5000"}, "127.0.0.1:5000"),  # as tasks.py run sets it
        ({"HOST": "::", "PORT": "5000"}, "[::]:5000"),
    ],
)
def test_the_web_binds_where_host_and_port_say(monkeypatch, environ, bind):
    for key in ("HOST", "PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    assert runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["bind"] == bind


def test_the_web_process_refuses_to_start_open(instance_path, migrated_database_url):
    env = dict(os.environ, PORT=str(free_port()), WEB_CONCURRENCY="1", INSTANCE_PATH=instance_path,
               DATABASE_URL=migrated_database_url, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               DEMO_MODE="", WEBHOOK_TOKEN="", SECRET_KEY="")
    done = subprocess.run("exec " + procfile_command("web"), shell=True, cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "refusing to start" in done.stderr and "WEBHOOK_TOKEN" in done.stderr and "SECRET_KEY" in done.stderr


def test_a_flask_command_on_an_open_configuration_warns_and_goes_on(instance_path, migrated_database_url):
    """`tasks.py flask flows check` on a fresh machine (no token, no secret): a command serves
    nothing, so it runs, with a warning that says so, not "refusing to start"."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DEMO_MODE", "WEBHOOK_TOKEN", "SECRET_KEY", "PEOPLE_KEY")}  # as on a fresh machine
    env.update(INSTANCE_PATH=instance_path, DATABASE_URL=migrated_database_url)
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "sms_service", "flows", "check"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "flows OK" in done.stdout
    assert "refusing to start" not in done.stderr and " ERROR " not in done.stderr
    assert "WARNING" in done.stderr and "WEBHOOK_TOKEN is not set" in done.stderr
    assert "this command serves nothing, so it goes on; the web process would refuse to start" in done.stderr
