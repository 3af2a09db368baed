import os

import pytest

from sms_service.core import config as config_module
from sms_service.core.config import ConfigError, database_url, load_config


@pytest.mark.parametrize(
    "url, expected",
    [
        ("", "sqlite:////srv/instance/sms_service.sqlite3"),
        ("postgres://u:p@db:5432/sms", "postgresql+psycopg://u:p@db:5432/sms"),
        ("postgresql://u@db/sms", "postgresql+psycopg://u@db/sms"),
        ("postgresql+psycopg://u@db/sms", "postgresql+psycopg://u@db/sms"),
        ("sqlite:///other.db", "sqlite:///other.db"),
    ],
)
def test_database_url(url, expected):
    assert database_url(url, "/srv/instance") == expected


def test_environment_is_read_and_overrides_win(monkeypatch):
    monkeypatch.setenv("WEBHOOK_TOKEN", "from-env")
    monkeypatch.setenv("USSD_SESSION_TTL", "240")
    config = load_config({"USSD_SERVICE_CODE": "*384*1#"})
    assert (config["WEBHOOK_TOKEN"], config["USSD_SESSION_TTL"], config["USSD_SERVICE_CODE"]) == (
        "from-env", 240, "*384*1#"
    )


@pytest.fixture
def dotenv_file(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("REDIS_URL=redis://127.0.0.1:6379/12\nWEBHOOK_TOKEN=from-dotenv\n")
    monkeypatch.setattr(config_module, "PROJECT_ROOT", tmp_path)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("WEBHOOK_TOKEN", raising=False)


def test_dotenv_is_read_without_changing_the_environment(dotenv_file):
    config = load_config()
    assert (config["REDIS_URL"], config["WEBHOOK_TOKEN"]) == ("redis://127.0.0.1:6379/12", "from-dotenv")
    assert "REDIS_URL" not in os.environ  # so nothing else (a test, a child process) picks it up


def test_tests_never_read_dotenv(dotenv_file):
    config = load_config({"TESTING": True})
    assert (config["REDIS_URL"], config["WEBHOOK_TOKEN"]) == ("", "")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"USSD_SESSION_TTL": "120"}, "USSD_SESSION_TTL must be over 180 seconds"),
        ({"USSD_RESUME_TTL": "soon"}, "USSD_RESUME_TTL must be a number"),
        ({"USSD_JOURNEY_RETENTION_DAYS": "0"}, "USSD_JOURNEY_RETENTION_DAYS must be 1 or more"),
        ({"EVENT_NAME_RETENTION_DAYS": "-5"}, "EVENT_NAME_RETENTION_DAYS must be 1 or more"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_config({"TESTING": True, **overrides})
