"""The spend guard (README "Spend guard"): the AT balance read through the official SDK from the
local gateway (the same endpoint as AT's), shown on the dashboard; a broadcast estimated over the
balance or the monthly budget saved held with the reason until an admin confirms it; a 405
InsufficientBalance from the gateway stopping the broadcast with an alert on the dashboard."""

import html

import pytest
from sqlalchemy import select

from sms_service.channels.africastalking.account import AfricasTalkingAccount, parse_balance
from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import AuditEntry, Broadcast
from sms_service.domain.messaging.balance import Balance, BalanceUnavailable
from tests.broadcast_helpers import BROADCAST_SETTINGS, make_broadcast, message_counts, sender_with, start_due
from tests.console_helpers import logged_in, make_role_accounts, post
from tests.seeding import seed_subscribers

COMPOSE = "/console/broadcasts/new"
NO_BALANCE = ["+254700009405", "+254711009405"]  # the local gateway answers these 405 InsufficientBalance


def form(**fields):
    base = {"name": "ATT week", "audience": "topics", "topics": ["torture"], "text_en": "Sign for the ATT",
            "text_sw": "", "when": "now", "repeat": "", "step": "confirm"}
    return {**base, **fields}


def served(live_app, balance="KES 5000.0000", budget=0, clock=None):
    app = live_app(**BROADCAST_SETTINGS, LOCAL_GATEWAY_BALANCE=balance, BROADCAST_MONTHLY_BUDGET_KES=budget,
                   clock=clock or ManualClock(parse_local_time("2026-12-10 10:00")))
    make_role_accounts(app)
    return app


def text(response):
    """A page's text as staff read it (Jinja escapes the apostrophe in "month's")."""
    return html.unescape(response.get_data(as_text=True))


def broadcasts(app):
    with app.services.database.transaction() as session:
        return [(row.id, row.status, row.stop_reason, row.estimated_cost)
                for row in session.scalars(select(Broadcast).order_by(Broadcast.id))]


def audit_actions(app):
    with app.services.database.transaction() as session:
        return session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
                               .where(AuditEntry.action.like("broadcast.%")).order_by(AuditEntry.id)).all()


@pytest.mark.parametrize("body, expected", [
    ({"UserData": {"balance": "KES 1234.5000"}}, Balance("KES", 1234.5)),
    ('{"UserData": {"balance": "KES 0.0000"}}', Balance("KES", 0.0)),  # text: the SDK's answer without a JSON type
    ({"UserData": {"balance": "USD -3.20"}}, Balance("USD", -3.2)),
    ({"UserData": {"balance": "KES"}}, BalanceUnavailable),
    ({"UserData": {"balance": 12}}, BalanceUnavailable),
    ({"UserData": {}}, BalanceUnavailable),
    ("The supplied authentication is invalid", BalanceUnavailable),
    (None, BalanceUnavailable),
])
def test_at_balance_answers_are_read_or_refused_with_the_reason(body, expected):
    if expected is BalanceUnavailable:
        with pytest.raises(BalanceUnavailable):
            parse_balance(body)
    else:
        assert parse_balance(body) == expected


def test_the_sdk_reads_the_balance_from_the_local_gateway_and_a_gateway_that_is_not_there_is_unknown(live_app):
    app = served(live_app, balance="KES 1234.5000")
    assert app.services.account.balance() == Balance("KES", 1234.5)
    no_key = AfricasTalkingAccount("sandbox", "", base_url=app.config["AT_API_BASE_URL"])
    with pytest.raises(BalanceUnavailable, match="refused: The supplied authentication is invalid"):
        no_key.balance()
    nowhere = AfricasTalkingAccount("sandbox", "key", base_url="http://127.0.0.1:9")
    with pytest.raises(BalanceUnavailable, match="did not answer"):
        nowhere.balance()


def test_the_dashboard_shows_the_balance_and_the_month_s_spend(live_app):
    app = served(live_app, balance="KES 1234.5000", budget=1000)
    seed_subscribers(app.services.database, 25)
    post(logged_in(app, "editor"), COMPOSE, form())  # 25 x 1 segment x KES 0.80 = KES 20.00
    page = logged_in(app, "viewer").get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="balance">KES 1,234.50</div>' in page
    assert "broadcasts this month (estimated): KES 20.00 of a KES 1,000.00 budget" in page


def test_without_a_gateway_the_balance_is_unknown_and_holds_nothing(make_app):
    app = make_app(**BROADCAST_SETTINGS, LOCAL_GATEWAY_PORT="9")  # nothing listens there
    make_role_accounts(app)
    seed_subscribers(app.services.database, 5)
    preview = post(logged_in(app, "editor"), COMPOSE, form(step="preview")).get_data(as_text=True)
    assert "AT balance: unknown (the SMS gateway did not answer (ConnectionError))" in preview
    assert 'id="spend-hold"' not in preview
    page = logged_in(app, "viewer").get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="balance">unknown</div>' in page


@pytest.mark.parametrize("balance, budget, recipients, held", [
    ("KES 100.0000", 0, 100, None),  # KES 80.00 of 100: goes
    ("KES 100.0000", 0, 126, "its estimated cost, KES 100.80, is over the AT balance (KES 100.00)"),
    ("KES 5000.0000", 50, 62, None),  # KES 49.60 of a 50 budget
    ("KES 5000.0000", 50, 63, "this month's broadcasts would reach KES 50.40, over the budget (KES 50.00)"),
    ("KES 10.0000", 5, 20, "its estimated cost, KES 16.00, is over the AT balance (KES 10.00); "
                           "this month's broadcasts would reach KES 16.00, over the budget (KES 5.00)"),
    ("USD 1.0000", 0, 20, None),  # a balance in another currency is not compared
])
def test_a_broadcast_over_the_balance_or_the_budget_is_held_with_the_reason(live_app, balance, budget, recipients, held):
    app = served(live_app, balance=balance, budget=budget)
    seed_subscribers(app.services.database, recipients)
    editor = logged_in(app, "editor")
    preview = text(post(editor, COMPOSE, form(step="preview")))
    assert ('id="spend-hold"' in preview) == (held is not None)
    response = post(editor, COMPOSE, form())
    [(broadcast_id, status, stop_reason, cost)] = broadcasts(app)
    assert cost == pytest.approx(recipients * 0.8)
    if held is None:
        assert (status, stop_reason) == ("scheduled", None)
        return
    assert (status, stop_reason) == ("paused", f"held: {held}")
    assert held in preview
    page = text(editor.get(response.location))
    assert f"Held for its cost: {held}." in page and 'id="confirm-cost"' not in page  # an admin's button
    assert editor.get(f"/console/broadcasts/{broadcast_id}/progress.json").get_json()["controls"] == ["cancel"]
    [(_, action, detail)] = audit_actions(app)
    assert (action, detail["held"]) == ("broadcast.hold", held)


def test_only_an_admin_lets_a_held_broadcast_go_and_then_it_sends(live_app, run_jobs):
    app = served(live_app, balance="KES 10.0000")
    seed_subscribers(app.services.database, 20)  # KES 16.00
    editor, admin = logged_in(app, "editor"), logged_in(app, "admin")
    post(editor, COMPOSE, form())
    [(broadcast_id, *_)] = broadcasts(app)
    resumed = text(post(editor, f"/console/broadcasts/{broadcast_id}/resume", follow_redirects=True))
    assert f"Nothing changed: broadcast {broadcast_id} is held for its cost: an admin must confirm it." in resumed
    assert post(editor, f"/console/broadcasts/{broadcast_id}/confirm-cost").status_code == 403
    dashboard = text(admin.get("/console/dashboard"))
    assert f"#{broadcast_id} ATT week</a>: held for its cost: its estimated cost, KES 16.00, is over the AT balance" \
        in dashboard
    page = admin.get(f"/console/broadcasts/{broadcast_id}").get_data(as_text=True)
    assert 'id="confirm-cost"' in page
    done = post(admin, f"/console/broadcasts/{broadcast_id}/confirm-cost", follow_redirects=True).get_data(as_text=True)
    assert f"Broadcast {broadcast_id} confirmed despite its cost: running." in done
    assert broadcasts(app) == [(broadcast_id, "running", None, 16.0)]
    assert [action for _, action, _ in audit_actions(app)] == ["broadcast.hold", "broadcast.confirm-cost"]
    run_jobs(app)
    assert message_counts(app, broadcast_id) == {"sent": 20}
    again = post(admin, f"/console/broadcasts/{broadcast_id}/confirm-cost", follow_redirects=True).get_data(as_text=True)
    assert "is not held for its cost" in again
    assert "Broadcasts waiting for you" not in admin.get("/console/dashboard").get_data(as_text=True)


def test_the_budget_counts_this_nairobi_month_only_and_not_what_was_cancelled_or_held(live_app):
    clock = ManualClock(parse_local_time("2026-11-30 23:30"))
    app = served(live_app, budget=50, clock=clock)
    seed_subscribers(app.services.database, 50)  # KES 40.00 a broadcast
    editor = logged_in(app, "editor")
    post(editor, COMPOSE, form(name="November"))  # counted in November
    clock.advance(minutes=31)  # 1 December, 00:01 in Nairobi (21:01 UTC on 30 November)
    post(editor, COMPOSE, form(name="first of December"))  # KES 40 of 50: goes
    post(editor, COMPOSE, form(name="second"))  # KES 80: held
    third = post(editor, COMPOSE, form(name="cancelled"))
    over = "held: this month's broadcasts would reach KES 80.00, over the budget (KES 50.00)"
    assert [(status, reason) for _, status, reason, _ in broadcasts(app)] == [
        ("scheduled", None), ("scheduled", None), ("paused", over), ("paused", over)]
    ids = [broadcast_id for broadcast_id, *_ in broadcasts(app)]
    assert third.location == f"/console/broadcasts/{ids[3]}"
    post(editor, f"/console/broadcasts/{ids[3]}/cancel")
    post(editor, f"/console/broadcasts/{ids[1]}/cancel")  # cancelled before it started: it costs nothing
    post(editor, COMPOSE, form(name="after the cancels"))
    assert broadcasts(app)[-1][1:3] == ("scheduled", None)


def test_insufficient_balance_stops_the_broadcast_with_an_alert_on_the_dashboard(live_app):
    app = served(live_app)
    broadcast_id = make_broadcast(app, numbers=NO_BALANCE)
    start_due(app)
    assert sender_with(app, batch_size=1, sender_threads=1).run(broadcast_id) == "paused"
    assert message_counts(app, broadcast_id) == {"retry": 1, "queued": 1}  # one try, no retries
    page = logged_in(app, "viewer").get("/console/dashboard").get_data(as_text=True)
    alert = page.split('id="attention"')[1].split("</div>")[0]
    assert (f'<a href="/console/broadcasts/{broadcast_id}">#{broadcast_id} test</a>: stopped: the SMS gateway '
            "account has no balance left: top it up, then resume") in alert
    assert app.services.broadcasts.sender.run(broadcast_id) == "paused"
    assert message_counts(app, broadcast_id) == {"retry": 1, "queued": 1}


def test_the_command_line_holds_and_confirms_the_same_way(live_app):
    app = served(live_app, balance="KES 1.0000")
    seed_subscribers(app.services.database, 5)  # KES 4.00
    runner = app.test_cli_runner()
    created = runner.invoke(args=["broadcasts", "create", "--name", "cli", "--text", "en", "Hello", "--topic",
                                  "torture", "--yes"])
    assert "AT balance: KES 1.00" in created.output
    assert "held: its estimated cost, KES 4.00, is over the AT balance (KES 1.00)" in created.output
    [(broadcast_id, status, _, _)] = broadcasts(app)
    assert status == "paused"
    refused = runner.invoke(args=["broadcasts", "resume", str(broadcast_id)])
    assert refused.exit_code == 1 and "held for its cost" in refused.output
    confirmed = runner.invoke(args=["broadcasts", "confirm-cost", str(broadcast_id)])
    assert f"broadcast {broadcast_id} confirmed: running" in confirmed.output
