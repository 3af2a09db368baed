"""Charts over time: the workers' clock counts each Nairobi day into `daily_figures` (a real RQ
worker runs the job), each message and action attributed to its campaign; the charts page, the
campaign pages and their CSVs read them back through HTTP."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock
from sms_service.core.models import AuditEntry, DailyFigure
from sms_service.domain.figures.rollup import kes
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import logged_in, make_role_accounts
from tests.figures_helpers import TODAY, YESTERDAY, at, report, roll_up, seed_actions, text_in


@pytest.fixture
def clock():
    return ManualClock(at(f"{TODAY} 10:00"))


@pytest.fixture
def app(live_app, clock):
    app = live_app(clock=clock, **BROADCAST_SETTINGS)
    make_role_accounts(app)
    return app


def figures(app, day=TODAY):
    """{(campaign, metric, detail): value} of a Nairobi day."""
    from datetime import date
    with app.services.database.transaction() as session:
        rows = session.execute(select(DailyFigure.campaign, DailyFigure.metric, DailyFigure.detail, DailyFigure.value)
                               .where(DailyFigure.day == date.fromisoformat(day))
                               .order_by(DailyFigure.campaign, DailyFigure.metric, DailyFigure.detail)).all()
    return {(campaign, metric, detail): value for campaign, metric, detail, value in rows}


@pytest.fixture
def counted(app, run_jobs):
    seed_actions(app)
    text_in(app, run_jobs)
    report(app, "+254711000011", "Success")
    report(app, "+254711000012", "Failed", "UserInBlackList")
    roll_up(app, run_jobs)
    return app


# (campaign, metric, detail) -> value on TODAY
EXPECTED_TODAY = [
    # inbound by the keyword or topic it used: HELP none, "Stop torture!" and QUIZ MATESO torture
    (("all", "sms_in", ""), 3), (("torture", "sms_in", ""), 2), (("none", "sms_in", ""), 1),
    # replies by the message they answer; the broadcast by its two topics, once in "all"
    (("all", "sms_out", ""), 5), (("torture", "sms_out", ""), 4), (("arms_control", "sms_out", ""), 2),
    (("none", "sms_out", ""), 1),
    (("all", "delivered", ""), 2), (("none", "delivered", ""), 1), (("torture", "delivered", ""), 1),
    (("all", "failed", "UserInBlackList"), 1), (("all", "failed", "AbsentSubscriber"), 1),
    (("torture", "failed", "UserInBlackList"), 1), (("arms_control", "failed", "AbsentSubscriber"), 1),
    (("all", "spend_kes", ""), pytest.approx(4.0)), (("torture", "spend_kes", ""), pytest.approx(3.2)),
    (("arms_control", "spend_kes", ""), pytest.approx(1.6)),
    (("all", "subscribed", "torture"), 1), (("all", "subscribed", "arms_control"), 1),
    (("arms_control", "left", "arms_control"), 1), (("all", "opted_out", ""), 1),
    (("arms_control", "signatures", "ussd"), 1), (("arms_control", "signatures", "web"), 1),
    (("arms_control", "ussd_actions", "signature"), 1), (("torture", "ussd_actions", "quiz"), 1),
    (("torture", "quiz_started", ""), 2), (("torture", "quiz_finished", ""), 1),
    (("torture", "quiz_correct", ""), 2), (("torture", "quiz_questions", ""), 3),
    # USSD sessions from the journey records, "all" only
    (("all", "ussd_sessions", "success"), 2), (("all", "ussd_sessions", "timed_out"), 1),
    (("torture", "ussd_sessions", "success"), None),
]


def test_the_workers_count_each_figure_for_its_campaign(counted):
    found = figures(counted)
    assert [(key, found.get(key)) for key, _ in EXPECTED_TODAY] == EXPECTED_TODAY


def test_a_day_is_the_nairobi_day_and_test_numbers_count_nowhere(counted):
    today, yesterday = figures(counted), figures(counted, YESTERDAY)
    assert yesterday.get(("sexual_violence", "subscribed", "sexual_violence")) == 1
    assert yesterday.get(("sexual_violence", "ussd_actions", "subscription")) == 1
    assert ("all", "signatures", "web") not in yesterday  # 00:30 EAT is the next Nairobi day
    assert ("torture", "subscribed", "torture") in today and today[("torture", "subscribed", "torture")] == 1
    assert ("all", "opted_out", "") not in figures(counted, "2026-11-29")


def test_counting_again_replaces_the_day_and_takes_late_reports(counted, run_jobs):
    before = figures(counted)
    roll_up(counted, run_jobs)
    assert figures(counted) == before
    report(counted, "+254711000013", "Failed", "DeliveryFailure")
    counted.services.clock.advance(days=1)  # tomorrow's clock still counts the day before
    roll_up(counted, run_jobs)
    assert figures(counted)[("torture", "failed", "DeliveryFailure")] == 1


@pytest.mark.parametrize(("cost", "value"), [("KES 0.8000", 0.8), ("KES 1.6000", 1.6), ("0", 0.0), (None, 0.0),
                                             ("USD 0.0100", 0.0), ("KES abc", 0.0)])
def test_spend_is_read_from_ats_cost_per_message(cost, value):
    assert kes(cost) == value


def points(page, chart):
    """{(series, day): value} of the circles of one chart's SVG in `page`."""
    figure = re.search(rf'<figure class="chart" id="chart-{chart}".*?</figure>', page, re.S).group(0)
    found = {}
    for series, body in re.findall(r'<g class="series series-\d" data-series="([^"]*)">(.*?)</g>', figure, re.S):
        for day, value in re.findall(r'data-day="([^"]+)" data-value="([^"]+)"', body):
            found[(series, day)] = float(value)
    return found


def test_the_charts_page_draws_each_day_from_the_figures(counted):
    page = logged_in(counted, "viewer").get(f"/console/charts?from={YESTERDAY}&to={TODAY}").get_data(as_text=True)
    sms = points(page, "sms")
    assert sms == {("received", YESTERDAY): 0, ("received", TODAY): 3, ("sent", YESTERDAY): 0, ("sent", TODAY): 5}
    assert points(page, "delivery") == {("delivered %", TODAY): 50.0}  # no report yesterday: no point
    assert points(page, "subscribed")[("Ending torture", TODAY)] == 1
    assert points(page, "spend")[("KES", TODAY)] == 4.0
    assert points(page, "ussd")[("sessions ended", TODAY)] == 3
    assert 'data-name="UserInBlackList" data-value="1' in page and 'data-name="AbsentSubscriber"' in page
    assert '<td class="num">3</td>' in page  # the table behind the SMS chart
    assert 'href="/console/campaigns/torture?from=2026-11-30&amp;to=2026-12-01"' in page
    assert "style=" not in page and "<script>" not in page


def test_a_campaign_page_shows_its_own_charts_and_figures(counted):
    page = logged_in(counted, "viewer").get(f"/console/campaigns/torture?from={YESTERDAY}&to={TODAY}").get_data(as_text=True)
    assert "<h1>Ending torture</h1>" in page
    assert re.search(r'id="total-sms">2 / 4<', page)
    assert re.search(r'id="total-quiz-score">66.7%<', page)
    assert points(page, "quiz-score") == {("% right", TODAY): 66.7}
    assert points(page, "subscribers")[("subscribed", TODAY)] == 1
    att = logged_in(counted, "viewer").get(f"/console/campaigns/arms_control?from={TODAY}&to={TODAY}").get_data(as_text=True)
    assert re.search(r'id="total-signatures">2<', att) and re.search(r'id="total-spend">1.60<', att)


def test_each_chart_has_its_csv_and_the_download_is_audited(counted):
    client = logged_in(counted, "viewer")
    response = client.get(f"/console/charts/torture/sms.csv?from={YESTERDAY}&to={TODAY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == [
        ["day", "received", "sent"], [YESTERDAY, "0", "0"], [TODAY, "2", "4"]]
    failures = client.get(f"/console/charts/all/failures.csv?from={TODAY}&to={TODAY}").get_data(as_text=True)
    assert failures.splitlines() == ["reason,messages", "AbsentSubscriber,1", "UserInBlackList,1"]
    with counted.services.database.transaction() as session:
        subjects = session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "figures.export")
                                   .order_by(AuditEntry.id)).all()
    assert subjects == ["torture sms", "all failures"]


@pytest.mark.parametrize(("url", "status", "reason"), [
    ("/console/charts?from=2026-13-01", 400, "is not a date like 2026-12-01"),
    ("/console/charts?from=2026-12-02&to=2026-12-01", 400, "starts (2026-12-02) after it ends"),
    ("/console/charts?from=2024-01-01&to=2026-12-01", 400, "at most 366 days"),
    # Days at the edges of Python's dates: "from" defaults to 29 days before "to"
    ("/console/charts?to=0001-01-01", 400, "'0001-01-01' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("/console/campaigns/torture?to=0001-01-01", 400, "'0001-01-01' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("/console/charts/all/sms.csv?to=0001-01-01", 400, "'0001-01-01' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("/console/charts?from=9999-12-31&to=9999-12-31", 400, "'9999-12-31' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("/console/charts?from=2100-01-01", 400, "'2100-01-01' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("/console/campaigns/whales", 404, "No campaign"),
    ("/console/charts/all/nothing.csv", 404, "No chart"),
    ("/console/charts/whales/sms.csv", 404, "No campaign"),
])
def test_a_range_or_name_that_cannot_be_shown_gets_the_reason(app, url, status, reason):
    response = logged_in(app, "viewer").get(url)
    assert response.status_code == status
    assert reason in response.get_data(as_text=True).replace("&#39;", "'")


def test_the_default_range_is_the_last_30_nairobi_days_and_needs_no_figures(app):
    page = logged_in(app, "viewer").get("/console/charts").get_data(as_text=True)
    assert 'name="from" value="2026-11-02"' in page and f'name="to" value="{TODAY}"' in page
    assert "not counted yet" in page


def test_past_days_are_counted_once_from_the_command_line(app):
    seed_actions(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["figures", "rollup", "--from", YESTERDAY, "--to", TODAY])
    assert result.exit_code == 0 and result.output.startswith("Counted 2 day(s)"), result.output
    assert figures(app, YESTERDAY)[("sexual_violence", "subscribed", "sexual_violence")] == 1
    assert figures(app)[("all", "signatures", "web")] == 1
    refused = runner.invoke(args=["figures", "rollup", "--from", TODAY, "--to", YESTERDAY])
    assert refused.exit_code == 2 and "starts (2026-12-01) after it ends (2026-11-30)" in refused.output


@pytest.mark.parametrize(("days", "reason"), [
    (["--from", "0001-01-01", "--to", "0001-01-02"], "'0001-01-01' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    (["--from", "9999-12-31", "--to", "9999-12-31"], "'9999-12-31' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    (["--from", TODAY, "--to", "2100-01-01"], "'2100-01-01' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    (["--from", "yesterday", "--to", TODAY], "'yesterday' is not a date like 2026-12-01"),
    (["--from", "2026-13-01", "--to", TODAY], "'2026-13-01' is not a date like 2026-12-01"),
    (["--from", "2026-02-30", "--to", TODAY], "'2026-02-30' is not a date like 2026-12-01"),
    (["--from", "", "--to", TODAY], "'' is not a date like 2026-12-01"),
])
def test_the_command_refuses_a_day_it_cannot_count_as_a_usage_error(app, days, reason):
    result = app.test_cli_runner().invoke(args=["figures", "rollup", *days])
    assert result.exit_code == 2 and reason in result.output, result.output
    assert "Traceback" not in result.output


def test_the_dashboards_delivery_rate_is_the_week_of_counted_figures(counted, clock):
    page = logged_in(counted, "viewer").get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="delivery-rate">50.0%</div>' in page and "of 4 SMS with a final" in page
    clock.advance(days=7)  # the counted day is out of the week: no rate
    page = logged_in(counted, "viewer").get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="delivery-rate">–</div>' in page
