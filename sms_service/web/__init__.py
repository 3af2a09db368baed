"""Web: the HTTP edge. Health, the landing page, the public petition pages, the webhooks (AT's
callbacks), the staff console and the phone simulator, each registered on the app here; each
calls inward."""

import logging

from flask import Response, abort, request
from flask.sessions import SecureCookieSessionInterface
from redis.exceptions import RedisError
from werkzeug.middleware.proxy_fix import ProxyFix

from sms_service.channels.africastalking.guard import MAX_BODY_BYTES
from sms_service.core.wsgi import PathDispatcher
from sms_service.web import health, landing, petition, simulator, sms_webhooks, ussd_events, ussd_webhook
from sms_service.web.console import register_console
from sms_service.web.csrf import init_csrf

log = logging.getLogger(__name__)
REDIS_DOWN = "unavailable: Redis is not answering, try again shortly"


def register_web(app):
    """Mount every HTTP surface on `app` (a ServiceApp), as its configuration says."""
    services, config = app.services, app.config
    app.session_interface = WebhookSessionInterface()
    init_csrf(app)
    app.register_error_handler(RedisError, _redis_down)
    app.before_request(_refuse_nul)
    if config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None: no limit at all
        config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # AT's callbacks are a few hundred bytes
    app.register_blueprint(health.blueprint)
    app.register_blueprint(landing.blueprint)
    app.register_blueprint(petition.blueprint)
    if services.conversation is not None:  # the flows are sound
        # Every hop of every caller: served outside Flask, whose per-request work costs more.
        ussd = ussd_webhook.UssdWebhook(config, services.conversation, services.flow_book)
        app.wsgi_app = PathDispatcher(app.wsgi_app, {ussd_webhook.PATH: ussd})
        app.register_blueprint(sms_webhooks.blueprint)
        app.register_blueprint(ussd_events.blueprint)
        if config["DEMO_MODE"]:  # the simulator's inbox is the local gateway's; no real phone is reached
            app.register_blueprint(simulator.blueprint)
    register_console(app)
    app.after_request(security_headers)
    trust_proxies(app)


def trust_proxies(app):
    """Believe the X-Forwarded-For, -Proto and -Host of TRUSTED_PROXIES proxies in front of the
    app (werkzeug's ProxyFix), and only theirs: `request.remote_addr` is then the client's address
    as the nearest trusted proxy saw it, and URLs built for the outside world (the petition's share
    line) use the scheme and host the client asked for. With 0, the headers are ignored, so a
    client cannot pick the address it is counted under (the petition page's pace per address).

    The one place the setting is read; it wraps everything, the USSD dispatcher included."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


# No inline script or style anywhere (the pages load console.js / simulator.js and their CSS),
# and no page may be framed (clickjacking a console button).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Pages and exports with people's data: kept by no browser or proxy cache.
PRIVATE_PATHS = ("/console/", "/simulator/")
STATIC_PARTS = ("/static/",)


def security_headers(response):
    """Headers on every answer Flask gives (AT's USSD callback is answered outside Flask, in plain text)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    path = request.path
    if path.startswith(PRIVATE_PATHS) and not any(part in path for part in STATIC_PARTS):
        headers["Cache-Control"] = "no-store"
    return response


def _refuse_nul():
    """A NUL (U+0000) in a staff or simulator form or query: 400 with the reason. PostgreSQL cannot
    store one, and no person types one. (AT's webhooks replace it instead, channels/africastalking/
    guard.py, so that no message is refused for it; the public petition form reads control
    characters as spaces, so that a supporter's typing is kept; an uploaded CSV with one is refused
    by core/csv_io.py, which reads uploads after the console has raised their size limit.)"""
    if request.path.startswith(WebhookSessionInterface.WEBHOOK_PATHS + (petition.PATH_PREFIX,)) or request.path == "/ussd":
        return None
    fields = [request.args]
    if request.mimetype == "application/x-www-form-urlencoded":
        fields.append(request.form)
    if any("\x00" in value for multidict in fields for values in multidict.listvalues() for value in values):
        abort(400, "A form field or query holds a NUL character (U+0000): remove it and try again.")
    return None


def _redis_down(error):
    """Any page or webhook that needs Redis while it is away: 503 with the reason (AT retries a
    delivery report it got a 5xx for), never a 500 page."""
    log.error("Redis error on %s: %s", request.path, type(error).__name__)
    return Response(REDIS_DOWN + "\n", status=503, mimetype="text/plain", headers={"Retry-After": "30"})


class WebhookSessionInterface(SecureCookieSessionInterface):
    """No cookie session for AT's webhooks (they carry none, and building one costs every hop),
    nor for the public landing page, its icon and the petition pages, which need none (and a
    cached petition page must not carry anyone's cookie)."""

    WEBHOOK_PATHS = ("/sms/", "/healthz", "/ussd/")

    def get_cookie_secure(self, app):
        """Secure whenever the request came over HTTPS (as ProxyFix says behind a proxy), or always
        with CONSOLE_SECURE_COOKIE: a cookie set over HTTPS is never sent back in the clear."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app, request_):
        if request_.path.startswith(self.WEBHOOK_PATHS + (petition.PATH_PREFIX,)) or request_.path in landing.PATHS:
            return self.make_null_session(app)
        return super().open_session(app, request_)
