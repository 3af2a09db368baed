"""The public front door: `GET /` (a landing page linking to what this server offers) and
`GET /favicon.ico` (so that no browser tab logs a 404 for it).

Neither needs a cookie session (see WebhookSessionInterface in sms_service/__init__.py) or an
account: they say nothing a visitor could not learn by trying the URLs they link to.
"""

from pathlib import Path

from flask import Blueprint, current_app, render_template, send_from_directory

# No static_folder: that would mount a /static/<file> route for one icon.
blueprint = Blueprint("landing", __name__, template_folder="templates")
ICON_FOLDER = Path(__file__).resolve().parent / "static"

PATHS = ("/", "/favicon.ico")  # served without a cookie session
# Browsers ask for the icon on every page; a day's caching spares them asking again.
FAVICON_MAX_AGE_SECONDS = 24 * 3600


@blueprint.get("/")
def index():
    simulator_mounted = "simulator.phone" in current_app.view_functions
    book = current_app.services.flow_book
    petitions = {code: titles.get(book.default_language, code) for code, titles in book.petitions.items()}
    return render_template("landing/index.html", simulator_mounted=simulator_mounted, petitions=petitions)


@blueprint.get("/favicon.ico")
def favicon():
    # An SVG under the name browsers ask for by default: every current browser draws it when it
    # comes as image/svg+xml, and the pages' <link rel="icon"> names this URL too.
    return send_from_directory(ICON_FOLDER, "favicon.svg", mimetype="image/svg+xml",
                               max_age=FAVICON_MAX_AGE_SECONDS)
