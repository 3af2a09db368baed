import shutil
import sys

import pytest
import yaml

from sms_service.core.config import PROJECT_ROOT
from sms_service.engine.flows.definitions import FlowDefinitionError
from sms_service.engine.flows.reading import parse_flow_yaml


def test_healthy_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok", "checks": {"redis": "ok", "database": "ok", "flows": "ok"}
    }


def test_the_answer_names_the_run_that_tasks_py_started(make_app):
    response = make_app(RUN_NONCE="f00d").test_client().get("/healthz")
    assert response.get_json() == {
        "status": "ok", "checks": {"redis": "ok", "database": "ok", "flows": "ok"}, "run": "f00d"
    }


@pytest.mark.parametrize(
    "overrides, check, state",
    [
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "redis", "down: ConnectionError"),
        ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "database", "down: OperationalError"),
    ],
)
def test_503_names_what_is_down(make_app, overrides, check, state):
    response = make_app(**overrides).test_client().get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks.pop(check) == state
    assert set(checks.values()) == {"ok"}
    assert "127.0.0.1" not in response.get_data(as_text=True)  # no internals on a public page


def test_503_when_the_schema_was_never_created(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/empty.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "down: schema is old, run python3 tasks.py flask db upgrade"


@pytest.fixture
def broken_flows(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(PROJECT_ROOT / "flows", target)
    menu = target / "ussd" / "menu.yaml"
    data = parse_flow_yaml(menu.read_text())
    data["screens"]["about"]["text"].pop("sw")
    menu.write_text(yaml.safe_dump(data, allow_unicode=True))
    return str(target)


def test_flask_commands_load_with_broken_flows_but_report_unhealthy(make_app, broken_flows, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.setattr(sys, "argv", ["flask", "--app", "sms_service", "routes"])
    app = make_app(FLOWS_PATH=broken_flows)
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["flows"] == "broken: run python3 tasks.py flask flows check"
    assert client.post("/ussd").status_code == 404


def test_flask_run_refuses_broken_flows(make_app, broken_flows, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.setattr(sys, "argv", ["flask", "--app", "sms_service", "run"])
    with pytest.raises(FlowDefinitionError, match="screen 'about': no sw text"):
        make_app(FLOWS_PATH=broken_flows)
