import pytest

from sms_service.config import database_url, load_config


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
