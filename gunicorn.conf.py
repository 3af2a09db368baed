"""Gunicorn settings for the Procfile's web process; each can be overridden from the environment."""

import os

# Every interface unless HOST says otherwise: a platform (Heroku and the like) routes to the
# container's own address. `tasks.py run` sets HOST (127.0.0.1 unless told otherwise).
_host, _port = os.environ.get("HOST") or "0.0.0.0", os.environ.get("PORT", "8000")
bind = f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"  # an IPv6 address in brackets
# Hops are short and mostly wait on Redis: a few sync workers per core keep both cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
# Requests are read whole by each worker's event loop before a thread runs them, so clients that
# send slowly cannot stall USSD (sms_service/web/buffering_worker.py); one thread per worker, as sync.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sms_service.web.buffering_worker.BufferingWorker")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
backlog = 2048
# AT gives a USSD hop a few seconds at most; a request running longer than this is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def on_starting(server):
    """Every line of gunicorn's error and access logs is redacted (sms_service/core/log_redaction.py):
    no `token=` and no full phone number from a request line, attacker text capped. Set here, in
    the master before it forks, so that every worker inherits it."""
    import logging

    from sms_service.core.log_redaction import install

    install(logging.getLogger("gunicorn.error"), logging.getLogger("gunicorn.access"))
