"""The public petition page, /petition/<name>, through its HTTP surface: what it shows and how
heavy it is, signing, the answers to bad input, the honeypot, the pace per address, duplicate
detection, the count across channels, and what is (not) kept."""

import io
import re

import pytest
from sqlalchemy import select

from sms_service.core.models import PetitionSignature
from sms_service.domain.campaigns.petitions import sign_petition

PAGE = "/petition/att"
PAGE_LIMIT_BYTES = 30 * 1024
SIGNER = {"name": "Anna Müller", "country": "DE", "email": "", "consent": "y"}


def sign(client, address="198.51.100.7", lang="en", headers=None, **fields):
    form = dict(SIGNER, **fields)
    return client.post(f"{PAGE}?lang={lang}", data={k: v for k, v in form.items() if v is not None},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def stored(app):
    with app.services.database.transaction() as session:
        rows = session.execute(select(PetitionSignature.full_name, PetitionSignature.country, PetitionSignature.channel,
                                      PetitionSignature.fingerprint, PetitionSignature.subscriber_id.is_not(None))
                               .order_by(PetitionSignature.id)).all()
    return [tuple(row) for row in rows]  # the last: whether it has a subscriber (a number)


def figure(page, channel):
    return re.search(rf'data-count="{channel}">([^<]*)<', page).group(1)


@pytest.mark.parametrize("lang, title, label", [
    ("en", "Kenya, ratify the Arms Trade Treaty", "Your name"),
    ("sw", "Kenya, ridhia Mkataba wa Biashara ya Silaha", "Jina lako"),
    ("fr", "Kenya, ratify the Arms Trade Treaty", "Your name"),  # not a language of the catalogue: the default
])
def test_the_page_is_light_cacheable_cookieless_and_in_the_language_asked(client, lang, title, label):
    response = client.get(f"{PAGE}?lang={lang}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.data) < PAGE_LIMIT_BYTES
    assert response.headers["Cache-Control"] == "public, max-age=60" and "Set-Cookie" not in response.headers
    assert f"<h1>{title}</h1>" in page and f'<label for="name">{label}</label>' in page
    assert f'<html lang="{"en" if lang == "fr" else lang}">' in page
    # Every field a person fills in has its label; the country list names every country.
    for field in ("name", "country", "email"):
        assert f'<label for="{field}">' in page and f'id="{field}" name="{field}"' in page
    assert page.count("<option value=") == 246 and ("<option value=DE>Ujerumani" in page) == (lang == "sw")
    assert 'href="/petition/att/privacy?lang=' in page


def test_the_page_links_each_other_language_and_shares_the_url_and_the_ussd_code(make_app):
    page = make_app(USSD_SERVICE_CODE="*384*123#").test_client().get(PAGE).get_data(as_text=True)
    assert 'href="/petition/att?lang=sw" lang="sw"' in page and 'href="/petition/att?lang=en"' not in page
    share = re.search(r"<p class=\"share\" data-share>(.*?)</p>", page).group(1)
    assert share == "Sign at http://localhost/petition/att or dial *384*123# from any Kenyan phone"


def test_signing_counts_on_its_own_line_next_to_the_phone_signatures(app, client):
    with app.services.database.transaction() as session:
        for phone, channel in (("+254712000001", "ussd"), ("+254712000002", "ussd"), ("+256772000003", "sms")):
            sign_petition(session, phone=phone, petition="att", full_name="Phone Person", county=None, consent=True,
                          channel=channel, language="en", now=app.services.clock.now())
    before = client.get(PAGE).get_data(as_text=True)
    assert [figure(before, channel) for channel in ("ussd", "sms", "web")] == ["2", "1", "0"]
    assert "Signatures so far: 3" in before
    response = sign(client)
    assert response.status_code == 303 and response.location == "/petition/att/thanks?lang=en&outcome=signed"
    thanks = client.get(response.location)
    text = thanks.get_data(as_text=True)
    assert thanks.headers["Cache-Control"] == "no-store" and "Thank you, your signature is counted." in text
    assert [figure(text, channel) for channel in ("ussd", "sms", "web")] == ["2", "1", "1"]
    after = client.get(PAGE).get_data(as_text=True)
    assert "Signatures so far: 4" in after and figure(after, "web") == "1"
    assert "web signatures are counted on their own" in after
    # The name is never shown on a public page; phone signatures carry their number's country.
    assert "Müller" not in after + text
    assert stored(app) == [("Phone Person", "KE", "ussd", None, True), ("Phone Person", "KE", "ussd", None, True),
                           ("Phone Person", "UG", "sms", None, True), ("Anna Müller", "DE", "web", None, False)]


def test_the_count_is_formatted_for_the_page_language(app, client):
    with app.services.database.transaction() as session:
        session.add_all(PetitionSignature(petition="att", full_name="x", country="KE", channel="web",
                                          consent_at=app.services.clock.now()) for _ in range(1234))
    assert "Signatures so far: 1,234" in client.get(PAGE).get_data(as_text=True)
    assert "Sahihi hadi sasa: 1,234" in client.get(f"{PAGE}?lang=sw").get_data(as_text=True)


@pytest.mark.parametrize("fields, wrong, message", [
    ({"name": ""}, "name", "Write your name (letters, up to 64 characters)."),
    ({"name": "   "}, "name", "Write your name (letters, up to 64 characters)."),
    ({"name": "!!! ..."}, "name", "Write your name (letters, up to 64 characters)."),
    ({"name": "0712345678"}, "name", "Write your name (letters, up to 64 characters)."),
    ({"name": "A" * 65}, "name", "Write your name (letters, up to 64 characters)."),
    ({"country": ""}, "country", "Choose your country from the list."),
    ({"country": "XX"}, "country", "Choose your country from the list."),
    ({"country": None}, "country", "Choose your country from the list."),
    ({"email": "anna-at-example.org"}, "email", "This does not look like an email address."),
    ({"email": "anna@"}, "email", "This does not look like an email address."),
    ({"consent": None}, "consent", "Tick this box to sign; without your agreement we keep nothing."),
    ({"consent": ""}, "consent", "Tick this box to sign; without your agreement we keep nothing."),
    # A file where a field's text belongs (a multipart post): that field is missing, not a 500.
    ({"name": (io.BytesIO(b"Jane Doe"), "name.txt")}, "name", "Write your name (letters, up to 64 characters)."),
    ({"country": (io.BytesIO(b"KE"), "country.txt")}, "country", "Choose your country from the list."),
])
def test_a_wrong_field_gets_the_form_back_with_what_was_typed_and_what_to_correct(app, client, fields, wrong, message):
    response = sign(client, **dict({"email": "anna@example.org"}, **fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and response.headers["Cache-Control"] == "no-store"
    assert "Your signature was not added yet" in page
    assert f'<span class="error" id="{wrong}-error">{message}' in page and page.count('class="error"') == 1
    assert f'aria-describedby="{wrong}-error"' in page or f'{wrong}-hint {wrong}-error"' in page
    if wrong != "name":
        assert 'value="Anna Müller"' in page
    if wrong != "email":
        assert 'value="anna@example.org"' in page
    if wrong != "country":
        assert "<option value=DE selected>" in page
    assert len(response.data) < PAGE_LIMIT_BYTES and stored(app) == []


def test_the_swahili_page_answers_in_swahili(client):
    page = sign(client, lang="sw", consent=None).get_data(as_text=True)
    assert "Weka alama kwenye kisanduku hiki ili utie sahihi" in page and 'action="/petition/att?lang=sw"' in page


@pytest.mark.parametrize("name, stored_as", [
    ("  Wanjiru   Kamau ", "Wanjiru Kamau"),
    ("Wanjiru\nKamau\x00", "Wanjiru Kamau"),
    ("Мария Иванова", "Мария Иванова"),
])
def test_a_name_is_kept_on_one_line_as_typed(app, client, name, stored_as):
    assert sign(client, name=name).status_code == 303
    assert stored(app)[0][0] == stored_as


def test_the_honeypot_stores_nothing_and_shows_the_field_to_a_person_who_filled_it(app, client):
    response = sign(client, website="http://spam.example")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and stored(app) == []
    assert 'The field "Leave this field empty" was filled in' in page.replace("&#34;", '"').replace("&quot;", '"')
    assert '<div class=""><label for="website">' in page and 'value="Anna Müller"' in page
    # Emptied, it signs; untouched, the field stays out of sight and out of the tab order.
    assert sign(client, website="").status_code == 303 and len(stored(app)) == 1
    fresh = client.get(PAGE).get_data(as_text=True)
    assert '<div class="away"><label for="website">' in fresh and 'name="website" value="" autocomplete="off" tabindex="-1"' in fresh


@pytest.mark.parametrize("first, second, counted", [
    # With an email: the same normalised name (case, accents, spaces, word order) and email is one person.
    (("Anna Müller", "Anna@Example.org"), ("  müller   anna ", "anna@example.org"), 1),
    (("Anna Müller", "anna@example.org"), ("Anna Muller", "ANNA@EXAMPLE.ORG"), 1),
    (("O'Brien Wanjiru", "w@example.org"), ("obrien wanjiru", "w@example.org"), 1),
    # A family sharing one address, or two people of one name: both count.
    (("Anna Müller", "family@example.org"), ("Peter Müller", "family@example.org"), 2),
    (("Anna Müller", "anna@example.org"), ("Anna Müller", "anna.m@example.org"), 2),
    # Without an email nothing tells two people of the same name apart.
    (("Anna Müller", ""), ("Anna Müller", ""), 2),
    (("Anna Müller", "anna@example.org"), ("Anna Müller", ""), 2),
])
def test_duplicates_by_normalised_name_and_email_count_once(app, client, first, second, counted):
    assert sign(client, name=first[0], email=first[1]).location.endswith("outcome=signed")
    again = sign(client, name=second[0], email=second[1], country="AT")
    assert again.status_code == 303
    assert again.location.endswith("outcome=signed" if counted == 2 else "outcome=already_signed")
    assert len(stored(app)) == counted
    if counted == 1:
        assert "You have already signed this petition" in client.get(again.location).get_data(as_text=True)
    assert all(fingerprint is None or re.fullmatch("[0-9a-f]{64}", fingerprint) for *_, fingerprint, _ in stored(app))


def test_the_same_person_signing_from_many_tabs_at_once_is_counted_once(app):
    import threading

    start = threading.Barrier(8)
    outcomes = []

    def press(number):
        client = app.test_client()
        start.wait()
        outcomes.append(sign(client, address=f"192.0.2.{number}", email="anna@example.org").location)

    threads = [threading.Thread(target=press, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(location.rsplit("=", 1)[1] for location in outcomes) == ["already_signed"] * 7 + ["signed"]
    assert len(stored(app)) == 1


def test_the_email_itself_is_never_stored(app, client):
    sign(client, email="Anna@Example.org")
    with app.services.database.engine.connect() as connection:
        row = connection.execute(select(PetitionSignature.__table__)).one()
    assert not any("example" in str(value).lower() for value in row)


@pytest.mark.parametrize("trusted, addresses, headers, refused", [
    # Behind no proxy, each peer address is counted; a forged X-Forwarded-For changes nothing.
    (0, ["198.51.100.7"] * 3, [{"X-Forwarded-For": f"203.0.113.{n}"} for n in range(3)], [False, False, True]),
    (0, ["198.51.100.7", "198.51.100.8", "198.51.100.7"], [{}] * 3, [False, False, False]),
    # IPv6: one /64 is one household or phone.
    (0, ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2::3"], [{}] * 3, [False, False, True]),
    (0, ["2001:db8:1:2::1", "2001:db8:1:3::1", "2001:db8:1:2::3"], [{}] * 3, [False, False, False]),
    # Behind one trusted proxy, its X-Forwarded-For names the client.
    (1, ["10.0.0.2"] * 3, [{"X-Forwarded-For": "203.0.113.1"}, {"X-Forwarded-For": "203.0.113.2"},
                           {"X-Forwarded-For": "203.0.113.1"}], [False, False, False]),
    (1, ["10.0.0.2"] * 3, [{"X-Forwarded-For": "203.0.113.1"}] * 3, [False, False, True]),
    # Only the last hop, the one the trusted proxy saw, counts: a client cannot prepend its own.
    (1, ["10.0.0.2"] * 3, [{"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.1"} for n in range(3)], [False, False, True]),
])
def test_the_pace_per_address_slows_the_third_signature_in_a_minute(make_app, trusted, addresses, headers, refused):
    app = make_app(TRUSTED_PROXIES=trusted, PETITION_SIGNATURES_PER_ADDRESS_PER_MINUTE=2)
    client = app.test_client()
    answers = [sign(client, address=address, headers=header, name=f"Signer {number}")
               for number, (address, header) in enumerate(zip(addresses, headers, strict=True))]
    assert [answer.status_code == 429 for answer in answers] == refused
    assert len(stored(app)) == refused.count(False)
    for answer in answers:
        if answer.status_code == 429:
            page = answer.get_data(as_text=True)
            wait = int(answer.headers["Retry-After"])
            assert 1 <= wait <= 60 and f"wait {wait} seconds and press the button again" in page
            assert 'value="Signer 2"' in page and "<option value=DE selected>" in page and " checked" in page


def test_the_pace_does_not_stop_a_signature_while_redis_is_down(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:9/0")
    assert sign(app.test_client()).status_code == 303 and len(stored(app)) == 1


def test_the_privacy_notice_says_what_is_kept_for_how_long_and_how_to_ask_for_erasure(client):
    for lang, words in (("en", ["What is kept", "For how long", "privacy@hakiyetu.org", "Data Protection Act 2019"]),
                        ("sw", ["Kinachohifadhiwa", "Kwa muda gani", "privacy@hakiyetu.org", "Sheria ya Kulinda Data"])):
        response = client.get(f"{PAGE}/privacy?lang={lang}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and all(word in page for word in words)
        assert "Set-Cookie" not in response.headers and len(response.data) < PAGE_LIMIT_BYTES


@pytest.mark.parametrize("method, path", [("GET", "/petition/nope"), ("POST", "/petition/nope"),
                                          ("GET", "/petition/nope/privacy"), ("GET", "/petition/nope/thanks")])
def test_an_unknown_petition_is_a_clear_404(app, client, method, path):
    response = client.open(path, method=method, data=SIGNER)
    assert response.status_code == 404 and "There is no petition called" in response.get_data(as_text=True)
    assert stored(app) == []


def test_the_landing_page_links_the_petition(client):
    assert 'href="/petition/att">Sign the petition: Kenya, ratify the Arms Trade Treaty' in client.get("/").get_data(as_text=True)


def test_only_the_pages_own_style_and_script_may_run(client):
    import base64
    import hashlib

    response = client.get(PAGE)
    page = response.get_data(as_text=True)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        inline = re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S)
        assert len(inline) == 1
        digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
        assert policy[directive] == f"'sha256-{digest}'"
    assert (policy["default-src"], policy["form-action"], policy["frame-ancestors"]) == ("'none'", "'self'", "'none'")
    assert re.findall(r"\sstyle=|\son[a-z]+=", page) == []  # inline attributes would be refused


def _luminance(colour):
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("text, background, what", [
    ("#1b1b1b", "#ffffff", "body text"), ("#0a4a8a", "#ffffff", "links"), ("#454545", "#ffffff", "hints"),
    ("#a4000f", "#ffffff", "errors"), ("#ffffff", "#1d5e20", "the button"), ("#ffffff", "#5c5c5c", "the button, sending"),
    ("#1b1b1b", "#f1f5ee", "the count"), ("#454545", "#f1f5ee", "the count's note"), ("#1b1b1b", "#f4f4f4", "the share line"),
])
def test_colours_pass_wcag_aa_contrast(text, background, what):
    from sms_service.web.petition import STYLE

    def short(colour):
        return "#fff" if colour == "#ffffff" else colour
    assert short(text) in STYLE and short(background) in STYLE, what
    lighter, darker = sorted((_luminance(text), _luminance(background)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5, what


@pytest.mark.parametrize("args, erased, left", [
    (["Anna Müller", "--email", "ANNA@example.org"], 1, ["Anna Muller", "Anna Müller", "Peter Otieno"]),
    (["anna   muller"], 2, ["Anna Müller", "Peter Otieno"]),  # both without an email, whatever the accents
    (["Nobody Here"], 0, ["Anna Muller", "Anna Müller", "Anna Müller", "Peter Otieno"]),
])
def test_staff_erase_a_web_signature_on_request(app, client, args, erased, left):
    for number, (name, email) in enumerate((("Anna Muller", ""), ("Anna Müller", "anna@example.org"), ("Anna Müller", ""),
                                            ("Peter Otieno", ""))):
        assert sign(client, address=f"192.0.2.{number}", name=name, email=email).status_code == 303
    result = app.test_cli_runner().invoke(args=["petitions", "erase-web-signature", "att", *args, "--yes"])
    assert result.exit_code == (0 if erased else 1), result.output
    assert (f"Erased {erased} signature(s)." in result.output) == bool(erased)
    assert sorted(row[0] for row in stored(app)) == left
