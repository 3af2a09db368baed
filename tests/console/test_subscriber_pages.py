"""Subscriber import (every row checked, all or nothing, consent recorded), search, and the CSV
exports of subscribers and petition signatures, each audited."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from sms_service.core.models import AuditEntry, Consent, Subscriber, SubscriberImport, Subscription
from sms_service.domain.campaigns.petitions import sign_on_the_web, sign_petition
from sms_service.domain.campaigns.suppression import suppress
from tests.console_helpers import post

IMPORT = "/console/subscribers/import"
BASIS = "Paper sign-up sheets, Haki Yetu stall, Kisumu ASK show, 2026-11-20"


def upload(client, content, topics=("torture",), basis=BASIS, confirmed=True, filename="signups.csv"):
    data = {"file": (io.BytesIO(content.encode() if isinstance(content, str) else content), filename),
            "topics": list(topics), "consent_basis": basis}
    if confirmed:
        data["consent_confirmed"] = "on"
    return post(client, IMPORT, data, content_type="multipart/form-data")


def stored(app):
    with app.services.database.transaction() as session:
        subscribers = {row.phone: row for row in session.scalars(select(Subscriber))}
        subscriptions = sorted((phone, topic, channel) for phone, topic, channel in session.execute(
            select(Subscriber.phone, Subscription.topic, Subscription.channel).join(Subscription)))
        consents = sorted((phone, purpose, channel) for phone, purpose, channel in session.execute(
            select(Subscriber.phone, Consent.purpose, Consent.channel).join(Consent, Consent.subscriber_id == Subscriber.id)))
        return subscribers, subscriptions, consents


def test_an_import_subscribes_every_row_and_records_consent_leading_to_its_basis(app, as_role):
    content = ("Phone;Language;County;Topics;Consent\n"
               "0712 000 001;sw;kisumu;torture arms_control;yes\n"
               "+254712000002;;;;Ndiyo\n")
    response = upload(as_role("editor"), content, topics=["sexual_violence"])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Imported 2 rows: 3 new subscriptions" in response.get_data(as_text=True)
    subscribers, subscriptions, consents = stored(app)
    assert (subscribers["+254712000001"].language, subscribers["+254712000001"].county) == ("sw", "Kisumu")
    assert subscribers["+254712000002"].language == "en"
    with app.services.database.transaction() as session:
        record = session.scalars(select(SubscriberImport)).one()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "subscribers.import")).one()
    channel = f"import:{record.id}"
    assert subscriptions == [("+254712000001", "arms_control", channel), ("+254712000001", "torture", channel),
                             ("+254712000002", "sexual_violence", channel)]
    assert consents == [("+254712000001", "updates:arms_control", channel), ("+254712000001", "updates:torture", channel),
                        ("+254712000002", "updates:sexual_violence", channel)]
    assert (record.consent_basis, record.imported_by, record.rows) == (BASIS, "eddie", 2)
    assert (audit.actor, audit.detail["import_id"], audit.detail["subscriptions_added"]) == ("eddie", record.id, 3)


@pytest.mark.parametrize("content, problems", [
    ("phone\n0712000001\nnot a number\n\n0712000002\n", ["row 3: &#39;not a number&#39;: not a phone number"]),
    ("phone,language\n0712000001,fr\n", ["row 2: language &#39;fr&#39; is not one of en, sw"]),
    ("phone,county\n0712000001,Atlantis\n", ["row 2: &#39;Atlantis&#39; is not a Kenyan county"]),
    ("phone,topics\n0712000001,whales\n", ["row 2: no such topic: whales"]),
    ("phone,consent\n0712000001,yes\n0712000002,no\n0712000003,\n",
     ["row 3: consent is &#39;no&#39;, not yes", "row 4: consent is &#39;&#39;, not yes"]),
    ("phone\n0712000001\n+254712000001\n", ["row 3: &#39;+254712000001&#39; is the same number as row 2"]),
    ("name,email\nAmina,a@example.org\n", ["row 1: no phone column"]),
    ("Name,Phone No.\nAmina,2.54712E+11\n",
     ["row 2: &#39;2.54712E+11&#39;: Excel changed this number; format the column as Text and export again"]),
    ("Mobile No,Topics\n254712000001.0,torture\n",
     ["row 2: &#39;254712000001.0&#39;: Excel changed this number; format the column as Text and export again"]),
    ("0712000001,torture\n", ["row 1: the first row is a number, not a header"]),
    ("phone\n", ["the file has no rows under its header"]),
    ("", ["the file is empty"]),
    (b"phone\n07\xff\n", ["the file is not UTF-8 text"]),
])
def test_one_bad_row_and_nothing_is_imported_with_every_problem_named(app, as_role, content, problems):
    response = upload(as_role("editor"), content)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in page
    for problem in problems:
        assert problem in page
    assert stored(app) == ({}, [], [])


@pytest.mark.parametrize("content", [
    "Name,Phone 1 - Type,Phone 1 - Value\nAmina,Mobile,0712 000 001\nJuma,Work,+254712000002\n",  # Google Contacts
    "Jina,Namba ya simu,Kaunti\nAmina,0712000001,Kisumu\nJuma,0712000002,Nakuru\n",
    "Name,Mobile No\nAmina,0712000001\nJuma,0712000002\n",
    "Full name,Phone No.\nAmina,0712000001\nJuma,0712000002\n",
    "Jina,Maelezo\nAmina,0712000001\nJuma,0712000002\n",  # no header says phone: found by content
    "Name\tMobile\r\nAmina\t0712000001\r\nJuma\t0712000002\r\n",
])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_real_spreadsheet_exports_are_imported(app, as_role, content, encoding):
    response = upload(as_role("editor"), content.encode(encoding))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert sorted(stored(app)[0]) == ["+254712000001", "+254712000002"]


@pytest.mark.parametrize("fields, problem", [
    ({"confirmed": False}, "confirm that every person on the list agreed"),
    ({"basis": "we asked"}, "say how these people gave consent, and when"),
    ({"topics": ()}, "no topics column and no topic chosen"),
])
def test_an_import_without_a_stated_consent_basis_or_topic_is_refused(app, as_role, fields, problem):
    response = upload(as_role("editor"), "phone\n0712000001\n", **fields)
    assert response.status_code == 400 and problem in response.get_data(as_text=True)
    assert stored(app) == ({}, [], [])


def test_a_number_that_texted_stop_is_refused_and_stays_opted_out(app, as_role):
    with app.services.database.transaction() as session:
        suppress(session, "+254712000002", "sms", "en", now=app.services.clock.now())
    response = upload(as_role("editor"), "phone\n0712000001\n0712000002\n")
    assert response.status_code == 400
    assert "row 3: this number texted STOP" in response.get_data(as_text=True)
    subscribers, subscriptions, _ = stored(app)
    assert set(subscribers) == {"+254712000002"} and subscribers["+254712000002"].suppressed_at is not None
    assert subscriptions == []


def test_what_a_person_chose_wins_over_the_spreadsheet(app, as_role):
    from sms_service.domain.campaigns.subscriptions import subscribe
    with app.services.database.transaction() as session:
        subscribe(session, phone="+254712000001", topic="torture", consent=True, channel="ussd", language="sw", now=app.services.clock.now())
    response = upload(as_role("editor"), "phone,language,county\n0712000001,en,Nairobi\n")
    assert "Imported 1 rows: 0 new subscriptions" in response.get_data(as_text=True)
    subscribers, subscriptions, _ = stored(app)
    assert (subscribers["+254712000001"].language, subscribers["+254712000001"].county) == ("sw", "Nairobi")
    assert subscriptions == [("+254712000001", "torture", "ussd")]


def seed_people(app):
    with app.services.database.transaction() as session:
        from sms_service.domain.campaigns.subscriptions import subscribe
        for phone, topic, language in (("+254712000001", "torture", "sw"), ("+254712000001", "arms_control", "sw"),
                                       ("+254712000002", "torture", "en"), ("+254733000003", "arms_control", "en")):
            subscribe(session, phone=phone, topic=topic, consent=True, channel="ussd", language=language, now=app.services.clock.now())
        sign_petition(session, phone="+254712000002", petition="att", full_name="=HYPERLINK(\"x\")", county="Nairobi",
                      consent=True, channel="ussd", language="en", now=app.services.clock.now())


def seed_signatures_everywhere(app):
    """Two by USSD from Kenya, one by SMS from Uganda, two on the web (Germany, Kenya)."""
    seed_people(app)
    with app.services.database.transaction() as session:
        sign_petition(session, phone="+254712000009", petition="att", full_name="Juma", county=None, consent=True,
                      channel="ussd", language="en", now=app.services.clock.now())
        sign_petition(session, phone="+256772000003", petition="att", full_name="Okello", county=None, consent=True,
                      channel="sms", language="en", now=app.services.clock.now())
        for name, country in (("Anna", "DE"), ("Wanjiru", "KE")):
            sign_on_the_web(session, petition="att", full_name=name, country=country, email=None, now=app.services.clock.now())


@pytest.mark.parametrize("query, shown, hidden", [
    ("q=0712000001", ["+254712000001"], ["+254712000002", "+254733000003"]),
    ("q=7120", ["+254712000001", "+254712000002"], ["+254733000003"]),
    ("topic=arms_control", ["+254712000001", "+254733000003"], ["+254712000002"]),
    ("language=en", ["+254712000002", "+254733000003"], ["+254712000001"]),
    ("q=abc", [], ["+254712000001", "+254712000002", "+254733000003"]),
])
def test_search_by_number_topic_and_language(app, as_role, query, shown, hidden):
    seed_people(app)
    page = as_role("editor").get(f"/console/subscribers?{query}").get_data(as_text=True)
    assert f"{len(shown)} found" in page
    pseudonym = app.services.phone_keys.pseudonym
    assert all(pseudonym(number) in page for number in shown) and not any(pseudonym(number) in page for number in hidden)


def test_a_viewer_may_not_search_by_number(app, as_role):
    seed_people(app)
    page = as_role("viewer").get("/console/subscribers?q=0712000001").get_data(as_text=True)
    assert "Searching by number is for editors" in page and 'name="q"' not in page
    assert "3 found" in page  # the search is not made: everyone, under pseudonyms


def read_csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_subscriber_export_follows_the_filters_and_is_audited(app, as_role):
    seed_people(app)
    response = as_role("editor").get("/console/subscribers/export.csv?topic=arms_control")
    assert response.mimetype == "text/csv"
    rows = read_csv(response)
    assert rows[0] == ["phone", "language", "county", "topics", "since", "opted_out"]
    assert sorted((row[0], row[3]) for row in rows[1:]) == [("+254712000001", "arms_control torture"),
                                                            ("+254733000003", "arms_control")]
    with app.services.database.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "subscribers.export")).one()
    assert (entry.actor, entry.subject, entry.detail) == ("eddie", "2 subscribers", {"filters": {"topic": "arms_control"}})


@pytest.mark.parametrize("searched", ["0712000001", "+254712000001", "254712000001"])
def test_a_number_searched_before_an_export_is_masked_in_the_audit_log(app, as_role, searched):
    """The audit log outlives a person's erasure: it keeps no number to erase."""
    seed_people(app)
    rows = read_csv(as_role("editor").get("/console/subscribers/export.csv", query_string={"q": searched}))
    assert [row[0] for row in rows[1:]] == ["+254712000001"]
    with app.services.database.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "subscribers.export")).one()
    assert "712000001" not in repr(entry.detail) and entry.detail["filters"]["q"].endswith("***01")


def test_the_petition_export_defuses_formulas_and_is_audited(app, as_role):
    seed_people(app)
    client = as_role("editor")
    rows = read_csv(client.get("/console/petitions/att/export.csv"))
    assert rows[0] == ["full_name", "phone", "county", "country", "channel", "signed"]
    assert rows[1][:5] == ["'=HYPERLINK(\"x\")", "+254712000002", "Nairobi", "KE", "ussd"]
    assert client.get("/console/petitions/nope/export.csv").status_code == 404
    with app.services.database.transaction() as session:
        assert session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "petitions.export")).all() == ["petition att"]


def test_the_signature_export_carries_every_channel_and_country(app, as_role):
    seed_signatures_everywhere(app)
    rows = read_csv(as_role("editor").get("/console/petitions/att/export.csv"))
    assert [row[:5] for row in rows[1:]] == [
        ["'=HYPERLINK(\"x\")", "+254712000002", "Nairobi", "KE", "ussd"], ["Juma", "+254712000009", "", "KE", "ussd"],
        ["Okello", "+256772000003", "", "UG", "sms"], ["Anna", "", "", "DE", "web"], ["Wanjiru", "", "", "KE", "web"]]


def test_the_counts_export_has_signatures_by_channel_and_country_and_no_person(app, as_role):
    seed_signatures_everywhere(app)
    client = as_role("viewer")
    response = client.get("/console/petitions/att/counts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert read_csv(response) == [["channel", "country", "country_name", "signatures"], ["ussd", "KE", "Kenya", "2"],
                                  ["sms", "UG", "Uganda", "1"], ["web", "DE", "Germany", "1"], ["web", "KE", "Kenya", "1"]]
    assert client.get("/console/petitions/nope/counts.csv").status_code == 404


def bars(page, label):
    table = page.split(f'aria-label="{label}"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row">([^<]*)</th>\n<td>.*?</td>\n<td class="num">([^<]*)</td>', table)


@pytest.mark.parametrize("path", ["/console/dashboard", "/console/petitions?petition=att"])
def test_the_dashboard_and_petitions_page_show_signatures_by_channel_and_by_country(app, as_role, path):
    seed_signatures_everywhere(app)
    page = as_role("viewer").get(path).get_data(as_text=True)
    assert bars(page, "signatures by channel") == [("USSD", "2"), ("SMS", "1"), ("web page (no phone number)", "2")]
    assert bars(page, "signatures by country") == [("Kenya", "3"), ("Germany", "1"), ("Uganda", "1")]


def test_the_petitions_page_lists_web_signatures_without_a_number_and_links_the_public_page(app, as_role):
    seed_signatures_everywhere(app)
    page = as_role("viewer").get("/console/petitions?petition=att").get_data(as_text=True)
    assert "<tr><td>[name]</td><td></td><td></td><td>Germany</td><td>web page (no phone number)</td>" in page
    assert f"<tr><td>[name]</td><td>{app.services.phone_keys.pseudonym('+254712000009')}</td>" in page
    assert 'href="/petition/att">http://localhost/petition/att</a>' in page
    assert "Anna" not in page and "Juma" not in page  # signers' names are for editors up
    page = as_role("editor").get("/console/petitions?petition=att").get_data(as_text=True)
    assert "<tr><td>Anna</td><td></td><td></td><td>Germany</td><td>web page (no phone number)</td>" in page
    assert "<tr><td>Juma</td><td>" in page


def test_the_dashboard_counts_reachable_subscribers_by_topic_language_and_county(app, as_role):
    seed_people(app)
    with app.services.database.transaction() as session:
        suppress(session, "+254733000003", "sms", "en", now=app.services.clock.now())
    page = as_role("viewer").get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="subscribers">2</div>' in page and "; 1 opted out)" in page
    assert "<th scope=\"row\">Ending torture</th>" in page
    by_topic = page.split('aria-label="subscribers by topic"')[1].split("</table>")[0]
    assert '<th scope="row">Ending torture</th>' in by_topic and '<td class="num">2</td>' in by_topic
    assert ('<th scope="row">Arms Trade Treaty</th>\n<td><meter class="bar" min="0" max="2" value="1">50.0%</meter></td>\n'
            '<td class="num">1</td>') in by_topic
    petitions = page.split('aria-label="petition signatures"')[1].split("</table>")[0]
    assert '<td class="num">1</td>' in petitions


def test_long_lists_come_a_page_at_a_time(app, as_role):
    from tests.seeding import seed_subscribers
    seed_subscribers(app.services.database, 60)
    client = as_role("viewer")
    first = client.get("/console/subscribers?topic=torture").get_data(as_text=True)
    assert "60 found" in first and first.count("<tr><td>Contact ") == 50
    assert 'href="/console/subscribers?topic=torture&amp;page=2">older' in first
    second = client.get("/console/subscribers?topic=torture&page=2").get_data(as_text=True)
    assert second.count("<tr><td>Contact ") == 10 and "older &rarr;" not in second and "page=1\">&larr; newer" in second
    assert client.get("/console/subscribers?page=nonsense").status_code == 200


def test_a_large_file_is_taken_and_one_over_the_upload_limit_gets_a_clear_answer(app, as_role):
    from sms_service.web.console.guard import UPLOAD_MAX_BYTES
    client = as_role("editor")
    rows = "".join(f"07120{n:05d},sw,Nairobi,torture arms_control,yes\n" for n in range(1500))
    content = "phone,language,county,topics,consent\n" + rows
    from sms_service.channels.africastalking.guard import MAX_BODY_BYTES
    assert len(content) > MAX_BODY_BYTES  # larger than any webhook may send
    response = upload(client, content)
    assert "Imported 1500 rows: 3000 new subscriptions" in response.get_data(as_text=True)
    too_big = upload(client, "phone\n" + "0712000001\n" * (UPLOAD_MAX_BYTES // 11 + 1))
    assert too_big.status_code == 413 and "Request Entity Too Large" in too_big.get_data(as_text=True)


def test_an_erased_number_that_had_opted_out_is_refused_too(app, as_role):
    with app.services.database.transaction() as session:
        suppress(session, "+254712000002", "sms", "en", now=app.services.clock.now())
    assert app.test_cli_runner().invoke(args=["people", "erase", "0712000002", "--yes"]).exit_code == 0
    response = upload(as_role("editor"), "phone\n0712000001\n0712000002\n")
    assert response.status_code == 400
    assert "row 3: this number texted STOP" in response.get_data(as_text=True)
    assert stored(app) == ({}, [], [])
