"""Gunicorn settings for the Procfile's web process; each can be overridden from the environment."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Hops are short and mostly wait on Redis: a few sync workers per core keep both cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
backlog = 2048
# AT gives a USSD hop a few seconds at most; a request running longer than this is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
