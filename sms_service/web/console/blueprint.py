"""The console's one blueprint: every page module adds its routes to it, so that the guard
(guard.py) sees every console URL and the access-control tests can list them from the URL map."""

from flask import Blueprint

blueprint = Blueprint(
    "console", __name__, url_prefix="/console", template_folder="templates", static_folder="static"
)
