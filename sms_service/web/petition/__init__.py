"""The public petition page, `/petition/<name>` (README "Petition page"): what the petition asks,
in every language of the catalogue, the live count across USSD, SMS and the web, and a form to
sign from any browser, anywhere.

The page is light (under 30 KB, no script needed, no cookie) and may be cached by browsers and
proxies for a minute; answers to a signature are never cached. No signer's name is ever shown.
Abuse is guarded without a CAPTCHA: a honeypot field (form.py), a pace per client address
(domain/campaigns/signing_pace.py) and duplicate detection on name and email (petitions.py).
"""

import base64
import hashlib
import logging
from pathlib import Path

from babel.numbers import format_decimal
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from sms_service.domain.campaigns import petitions
from sms_service.web.petition.form import HONEYPOT, SignatureForm

log = logging.getLogger(__name__)

blueprint = Blueprint("petition", __name__, template_folder="templates", url_prefix="/petition")
PATH_PREFIX = "/petition/"  # served without a cookie session

ASSETS = Path(__file__).resolve().parent / "assets"
# Inline, to spare a 2G phone a second and third request; allowed by their hashes, nothing else.
STYLE = (ASSETS / "page.css").read_text(encoding="utf-8")
SCRIPT = (ASSETS / "page.js").read_text(encoding="utf-8")


def _sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = (f"default-src 'none'; style-src {_sha256(STYLE)}; script-src {_sha256(SCRIPT)}; "
                           "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
PAGE_MAX_AGE_SECONDS = 60  # how stale a cached count may be
PRIVACY_MAX_AGE_SECONDS = 3600
NOT_CACHED = "no-store"
# The form's fields, each with the text shown when it is wrong.
FIELD_ERRORS = {"name": "error_name", "country": "error_country", "email": "error_email", "consent": "error_consent"}


def _petition(name):
    """(title, asks) of the petition `name` in the catalogue, or a 404 that says so."""
    book = current_app.services.flow_book
    if name not in book.petitions or name not in book.petition_page.asks:
        abort(404, f"There is no petition called {name!r} here.")
    return book.petitions[name], book.petition_page.asks[name]


def _language():
    """The page's language: ?lang= when it is one of the catalogue's, else the default."""
    book = current_app.services.flow_book
    chosen = request.args.get("lang", "")
    return chosen if chosen in book.languages else book.default_language


def _texts(language):
    page = current_app.services.flow_book.petition_page

    def text(key, **values):
        return page.text(key, language).format(**values)
    return text


def _counts(name, language):
    """The figures the page shows: total, then each channel, formatted for `language`; None while
    the database does not answer (the page still shows the petition and its form)."""
    try:
        with current_app.services.database.transaction() as session:
            counts = petitions.signature_counts(session, name, current_app.config["SIMULATOR_PREFIX"])
    except SQLAlchemyError:
        log.exception("The signatures of %s could not be counted", name)
        return None
    shown = {channel: format_decimal(count, locale=language) for channel, count in counts.items()}
    shown["total"] = format_decimal(sum(counts.values()), locale=language)
    return shown


def _paragraphs(text):
    return Markup("".join(f"<p>{escape(' '.join(part.split()))}</p>" for part in text.split("\n\n") if part.strip()))


def _render(template, name, language, status=200, cache=NOT_CACHED, **context):
    book = current_app.services.flow_book
    title, asks = _petition(name)
    text = _texts(language)
    context.setdefault("counts", _counts(name, language))
    html = render_template(
        f"petition/{template}.html", name=name, language=language, title=title[language], asks=_paragraphs(asks[language]),
        text=text, paragraphs=_paragraphs, languages=[(code, book.language_names.get(code, code)) for code in book.languages],
        share_url=url_for("petition.page", name=name, _external=True), ussd_code=current_app.config["USSD_SERVICE_CODE"],
        honeypot=HONEYPOT, field_errors=FIELD_ERRORS, style=Markup(STYLE), script=Markup(SCRIPT), **context,
    )
    return html, status, {"Cache-Control": cache, "Content-Language": language,
                          "Content-Security-Policy": CONTENT_SECURITY_POLICY}


@blueprint.get("/<name>")
def page(name):
    language = _language()
    form = SignatureForm.for_language(language, formdata=None)
    counts = _counts(name, language)
    cache = f"public, max-age={PAGE_MAX_AGE_SECONDS}" if counts is not None else NOT_CACHED
    return _render("page", name, language, cache=cache, form=form, counts=counts)


@blueprint.post("/<name>")
def sign(name):
    """Validate, guard, sign; a signature (new or already there) is answered by a redirect to the
    thank-you page, anything else by the form again with what the person typed and what to do."""
    _petition(name)
    language = _language()
    form = SignatureForm.for_language(language)
    if not form.validate():
        return _render("page", name, language, status=422, form=form, problem="error_summary")
    if form.caught_a_program():
        return _render("page", name, language, status=422, form=form, problem="error_honeypot", show_honeypot=True)
    services = current_app.services
    try:
        wait = services.signing_pace.wait_seconds(request.remote_addr)
    except RedisError:  # the pace is a guard, not a gate: a signature is not lost for it
        log.warning("Redis did not answer: a web signature was taken without counting its address")
        wait = 0
    if wait:
        page_html, status, headers = _render("page", name, language, status=429, form=form, problem="error_busy", wait=wait)
        return page_html, status, dict(headers, **{"Retry-After": str(wait)})
    try:
        with services.database.write_transaction() as session:  # it reads (a duplicate?), then writes
            outcome = petitions.sign_on_the_web(session, petition=name, full_name=form.name.data, country=form.country.data,
                                                email=form.email.data or None, now=services.clock.now())
    except SQLAlchemyError:
        log.exception("A web signature could not be stored")
        return _render("page", name, language, status=503, form=form, problem="error_unavailable", counts=None)
    log.info("web signature for %s: %s", name, outcome)
    return redirect(url_for("petition.thanks", name=name, lang=language, outcome=outcome), 303)


@blueprint.get("/<name>/thanks")
def thanks(name):
    language = _language()
    already = request.args.get("outcome") == petitions.ALREADY_SIGNED
    return _render("thanks", name, language, message="already" if already else "thanks")


@blueprint.get("/<name>/privacy")
def privacy(name):
    language = _language()
    contact = current_app.services.flow_book.petition_page.privacy_contact
    return _render("privacy", name, language, cache=f"public, max-age={PRIVACY_MAX_AGE_SECONDS}", contact=contact,
                   counts=None)
