"""The Procfile's processes, started as a platform would start them."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sms_service.config import PROJECT_ROOT


def procfile_command(name):
    for line in Path(PROJECT_ROOT, "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise KeyError(name)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def web(instance_path, migrated_database_url):
    port = free_port()
    env = dict(os.environ, PORT=str(port), WEB_CONCURRENCY="2", INSTANCE_PATH=instance_path,
               DATABASE_URL=migrated_database_url, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
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
    hop = requests.post(web + "/ussd", data=form, timeout=5)
    assert hop.status_code == 200 and hop.text.startswith("CON Haki Yetu")
    hop = requests.post(web + "/ussd", data={**form, "text": "4"}, timeout=5)
    assert "Type your full name" in hop.text
