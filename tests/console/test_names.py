"""Names, not codes: topics, languages, petitions and channels appear on console pages by their
names from flows/catalog.yaml; CSV exports keep the codes. "Subscribers" counts people with at
least one topic, and those who only signed a petition apart."""

import csv
import io

import pytest

from sms_service.domain.campaigns.petitions import sign_petition
from sms_service.domain.campaigns.subscriptions import subscribe, withdraw
from sms_service.domain.campaigns.suppression import suppress
from tests.broadcast_helpers import make_broadcast


@pytest.fixture
def people(app):
    with app.services.database.transaction() as session:
        for phone, topic in (("+254712000001", "sexual_violence"), ("+254712000001", "arms_control"),
                             ("+254712000002", "torture")):
            subscribe(session, phone=phone, topic=topic, consent=True, channel="ussd", language="sw", now=app.services.clock.now())
        for phone in ("+254712000002", "+254712000003", "+254712000004"):  # two of them with no topic
            sign_petition(session, phone=phone, petition="att", full_name="Wanjiru", county="Nairobi", consent=True,
                          channel="sms", language="en", now=app.services.clock.now())


@pytest.mark.parametrize("path, names, codes", [
    ("/console/subscribers", ["<td>Kiswahili</td>", "<td>Arms Trade Treaty, Freedom from sexual violence</td>",
                              "<td>Ending torture</td>"], ["<td>sw</td>", "<td>arms_control", "<td>torture</td>"]),
    ("/console/petitions?petition=att", ["<td>SMS</td>", "Kenya, ratify the Arms Trade Treaty"], ["<td>sms</td>"]),
])
def test_pages_name_what_flows_defines(people, as_role, path, names, codes):
    page = as_role("viewer").get(path).get_data(as_text=True)
    assert all(name in page for name in names), [name for name in names if name not in page]
    assert not any(code in page for code in codes), [code for code in codes if code in page]


def test_broadcast_pages_name_topics_and_languages(app, as_role):
    broadcast_id = make_broadcast(app, texts={"en": "Sign", "sw": "Saini"}, topics=["torture", "arms_control"],
                                  language="sw")
    client = as_role("viewer")
    listed = client.get("/console/broadcasts").get_data(as_text=True)
    assert "<td>Arms Trade Treaty, Ending torture; Kiswahili</td>" in listed
    page = client.get(f"/console/broadcasts/{broadcast_id}").get_data(as_text=True)
    assert "Audience: topics Arms Trade Treaty, Ending torture; language Kiswahili" in page
    assert "<h2>English</h2><pre>Sign</pre><h2>Kiswahili</h2><pre>Saini</pre>" in page


def test_exports_keep_the_codes(people, as_role):
    client = as_role("editor")
    rows = list(csv.DictReader(io.StringIO(client.get("/console/subscribers/export.csv").get_data(as_text=True))))
    by_phone = {row["phone"]: (row["language"], row["topics"]) for row in rows}
    assert by_phone["+254712000001"] == ("sw", "arms_control sexual_violence")


def test_subscribers_are_people_with_a_topic_and_petition_only_signers_are_counted_apart(people, as_role, app):
    with app.services.database.transaction() as session:  # withdrawing a person's last topic makes them petition-only
        withdraw(session, phone="+254712000002", topic="torture", channel="sms", language="sw", now=app.services.clock.now())
    page = as_role("viewer").get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="subscribers">1</div>' in page
    assert '(<span id="petition-only">3</span> signed a petition only; 0 opted out)' in page
    with app.services.database.transaction() as session:  # a second petition; an opt-out
        sign_petition(session, phone="+254712000003", petition="torture_law", full_name="Wanjiru", county="Nairobi",
                      consent=True, channel="sms", language="en", now=app.services.clock.now())
        suppress(session, "+254712000004", channel="sms", language="en", now=app.services.clock.now())
    page = as_role("viewer").get("/console/dashboard").get_data(as_text=True)
    assert '(<span id="petition-only">2</span> signed a petition only; 1 opted out)' in page
