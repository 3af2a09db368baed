"""No console page shows a viewer a person's number or name: people text in, sign, take a quiz, opt out,
are imported and get a broadcast (all through the real webhooks and forms), then a viewer opens
every console URL they may (from the URL map) and every console link on those pages, and no
seeded number appears in any form. Editors see pseudonyms with masked numbers; full numbers leave
only in the audited CSV exports."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import url_for

from sms_service.core.phone_numbers import mask_msisdn, normalise_msisdn
from sms_service.domain.staff.roles import allows
from sms_service.web.console.roles import minimum_role
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console.test_access import SAMPLE_ARGUMENTS
from tests.console_helpers import logged_in, make_role_accounts, post
from tests.sms_phone import Texter

PEOPLE = {  # national number -> what they text (a real RQ worker handles each and replies)
    "0722300001": ["JOIN torture", "ATT Wanjiku Kamau"],
    "0722300002": ["SCHOOL Moi Girls Eldoret, Uasin Gishu", "QUIZ ATT", "B"],
    "0722300003": ["Please call me back on 0722 300 004, the petition link did not open"],
    "0722300005": ["JOIN torture", "STOP"],
    "0722300008": ["TEACHER Moi Girls, Nakuru, Jane Chebet",  # a teacher: the school's contact
                   "BOOKLET RAPE 40 Moi Girls, Nakuru, P.O. Box 4 Nakuru"],
}
NAMES = ["Wanjiku Kamau", "Jane Chebet"]  # a petition signer, a school's contact
IMPORTED, LISTED = "0722300007", "0722300006"
TYPED_IN_A_TEXT = "0722300004"
MAX_PAGES = 80


def forms_of(national):
    """Every way a page could write the number: E.164, international without +, national, spaced."""
    e164 = normalise_msisdn(national)
    return [e164, e164[1:], national, f"{national[:4]} {national[4:7]} {national[7:]}", e164[4:]]


@pytest.fixture
def seeded(live_app, run_jobs):
    app = live_app(**BROADCAST_SETTINGS)
    make_role_accounts(app)
    client = app.test_client()
    for number, texts in PEOPLE.items():
        texter = Texter(app, client, run_jobs, number=number)
        for text in texts:
            texter.text(text)
    editor = logged_in(app, "editor")
    imported = post(editor, "/console/subscribers/import", {
        "file": (_file(f"phone,topics\n{IMPORTED},torture\n"), "people.csv"),
        "consent_basis": "Paper sign-up sheets, Kisumu stall, 2026-11-20", "consent_confirmed": "on"})
    assert imported.status_code == 200 and 'id="imported"' in imported.get_data(as_text=True)
    composed = post(editor, "/console/broadcasts/new", {
        "name": "List test", "audience": "list", "text_en": "Hello from Haki Yetu",
        "numbers": (_file(f"phone\n{LISTED}\n0722300001\n"), "list.csv"), "when": "now", "urgent": "on",
        "consent_basis": "Signed up at the Kisumu stall, 2026-11-20", "consent_confirmed": "on", "step": "confirm"})
    assert composed.status_code == 302, composed.get_data(as_text=True)
    run_jobs(app)
    return app


def _file(text):
    return io.BytesIO(text.encode())


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def crawl(app, client, role):
    """{url: body} of every console GET page `role` may open: the URL map's, then the links on them."""
    with app.test_request_context():
        start = [url_for(rule.endpoint, **{name: SAMPLE_ARGUMENTS[name] for name in rule.arguments})
                 for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("console.") and "GET" in rule.methods
                 and rule.endpoint not in ("console.logout", "console.static")
                 and allows(role, minimum_role(app.view_functions[rule.endpoint]))]
    book = app.services.flow_book  # pages whose choice is a form's <select>, not a link
    start += [f"/console/petitions?petition={code}" for code in book.petitions]
    start += [f"/console/quizzes?quiz={code}" for code in book.quizzes.quizzes]
    pages, waiting = {}, list(start)
    while waiting and len(pages) < MAX_PAGES:
        url = waiting.pop(0)
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        body = response.get_data(as_text=True)
        pages[url] = body
        if response.mimetype == "text/html":
            parser = _Links()
            parser.feed(body)
            for href in parser.found:
                target = urljoin(url, href)
                path = urlsplit(target)
                if (path.path.startswith("/console") and not path.netloc and "logout" not in path.path
                        and not path.path.startswith("/console/static")):
                    waiting.append(path.path + (f"?{path.query}" if path.query else ""))
    return pages


def test_a_viewer_sees_no_number_on_any_console_page(seeded):
    app = seeded
    pages = crawl(app, logged_in(app, "viewer"), "viewer")
    assert len(pages) >= 12 and "/console/petitions?petition=att" in pages
    everyone = [*PEOPLE, IMPORTED, LISTED, TYPED_IN_A_TEXT]
    for url, body in pages.items():
        for national in everyone:
            for form in forms_of(national):
                assert form not in body, f"{url} shows {national} as {form!r}"
        assert not re.search(r"\+?254 ?7\d\d\*", body), f"{url} shows a masked number to a viewer"
        # Names as records keep (signers, contacts) are hidden; a name typed inside a text
        # ("ATT Wanjiku Kamau") is part of the person's words, shown where texts are.
        shows_texts = urlsplit(url).path.startswith(("/console/inbound", "/console/conversations"))
        for name in NAMES if not shows_texts else ():
            assert name not in body, f"{url} shows {name!r} to a viewer"
    # What viewers see instead: the same pseudonym wherever the person appears.
    pseudonym = app.services.phone_keys.pseudonym(normalise_msisdn("0722300001"))
    assert pseudonym in pages["/console/inbound"] and pseudonym in pages["/console/subscribers"]
    assert pseudonym in pages["/console/petitions?petition=att"]
    assert "call me back on [number], the petition" in pages["/console/inbound"]
    assert "<td>[name]</td>" in pages["/console/petitions?petition=att"] and "[name]" in pages["/console/schools"]


def test_an_editor_sees_masked_numbers_and_full_ones_only_in_exports(seeded):
    app = seeded
    pages = crawl(app, logged_in(app, "editor"), "editor")
    senders = [*PEOPLE, IMPORTED]
    for url, body in pages.items():
        if urlsplit(url).path.endswith(".csv"):
            continue
        for national in senders:
            assert normalise_msisdn(national) not in body and national not in body, f"{url} shows {national}"
    wanjiku = normalise_msisdn("0722300001")
    assert f"{app.services.phone_keys.pseudonym(wanjiku)} · {mask_msisdn(wanjiku)}" in pages["/console/subscribers"]
    # The text is the person's own words: an editor may need the number they typed to call back.
    assert "call me back on 0722 300 004" in pages["/console/inbound"]
    assert "Wanjiku Kamau" in pages["/console/petitions?petition=att"] and "Jane Chebet" in pages["/console/schools"]
    export = logged_in(app, "editor").get("/console/petitions/att/export.csv").get_data(as_text=True)
    assert wanjiku in export  # exports are unchanged: full numbers, for editors, audited
