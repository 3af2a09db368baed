"""`flask broadcasts ...`: staff create, preview, schedule, watch, pause, resume and cancel
broadcasts. The web console (a later issue) calls the same service functions."""

import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from sms_service.core.clock import ScheduleError, parse_local_time, show_local
from sms_service.core.models import Broadcast
from sms_service.core.phone_numbers import mask_msisdn
from sms_service.domain import audit
from sms_service.domain.broadcasts import controls, lifecycle, progress, spend, staff
from sms_service.domain.broadcasts.audience import preview, read_number_list
from sms_service.domain.broadcasts.controls import describe_audience, record_creation
from sms_service.domain.broadcasts.schedule import schedule_summary
from sms_service.domain.broadcasts.states import describe_state, is_waiting
from sms_service.domain.messaging.statuses import MessageStatus
from sms_service.engine.sms.intent import languages_reading_as_opt_out

broadcasts_cli = AppGroup("broadcasts", help="Campaign messages to subscribers.")
SHOWN_PROBLEMS = 20
STATUS_ORDER = tuple(MessageStatus)


def _runtime():
    return current_app.services.broadcasts


def _now():
    return current_app.services.clock.now()


def _fail(message):
    raise click.ClickException(message)


@broadcasts_cli.command("create")
@click.option("--name", required=True, help="A label for staff, e.g. 'ATT week reminder'.")
@click.option("--text", "texts", type=(str, str), multiple=True, metavar="LANG TEXT",
              help="The text in one language: --text en '...' --text sw '...'. English is required.")
@click.option("--quiz", help="Push this quiz (its first question is the text): each recipient starts it.")
@click.option("--school", help="Send to the students who registered this school.")
@click.option("--topic", "topics", multiple=True, help="Send to subscribers of this topic (repeatable).")
@click.option("--language", help="Only subscribers who chose this language (en, sw).")
@click.option("--county", help="Only subscribers in this county.")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Send to the numbers in this CSV file instead of topic subscribers (needs --consent).")
@click.option("--consent", "consent_basis",
              help="With --csv: how and when the people on the list agreed to these messages "
                   "('Sign-up sheets, Kisumu stall, 2026-11-20'); kept with the broadcast and audited.")
@click.option("--at", "at_text", help="Send at this Nairobi time, 'YYYY-MM-DD HH:MM' (default: now).")
@click.option("--repeat", help="daily, weekly, monthly, or a cron expression in Nairobi time ('0 9 * * 1').")
@click.option("--urgent", is_flag=True, help="Send even in quiet hours.")
@click.option("--by", "created_by", default=None, help="Who is sending (default: your login name).")
@click.option("--preview", "preview_only", is_flag=True, help="Show count, segments and cost; save nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def create(name, texts, quiz, school, topics, language, county, csv_path, consent_basis, at_text, repeat, urgent,
           created_by, preview_only, yes):
    """Create a broadcast: shows recipients, segments and cost, then asks to confirm."""
    runtime = _runtime()
    if consent_basis and not csv_path:
        _fail("--consent goes with --csv: subscribers of topics and schools gave theirs when they joined")
    numbers = _read_list(csv_path) if csv_path else None
    try:
        send_at = parse_local_time(at_text) if at_text else None
    except ScheduleError as error:
        _fail(str(error))
    database = current_app.services.database
    with database.write_transaction() as session:
        try:
            broadcast = staff.create_broadcast(
                session, current_app.services.flow_book, name=name, texts=dict(texts),
                created_by=created_by or getpass.getuser(), send_at=send_at, topics=topics,
                language=language, county=county, school=school, numbers=numbers, urgent=urgent,
                recurrence=repeat, quiz=quiz, consent_basis=consent_basis, now=_now(),
            )
        except (lifecycle.BroadcastError, ScheduleError) as error:
            _fail(str(error))
        summary = preview(session, broadcast, runtime.settings)
        for line in summary.lines():
            click.echo(line)
        for language in languages_reading_as_opt_out(current_app.services.flow_book.sms, broadcast.texts or {}):
            click.echo(f"warning: the {language} text reads as an opt-out: a recipient who texts it back would be "
                       "opted out of everything", err=True)
        _echo_schedule(broadcast, runtime.settings)
        cost = spend.check_spend(session, summary.cost, current_app.services.account, runtime.settings.monthly_budget,
                                 _now())
        _echo_spend(cost)
        if preview_only or not (yes or click.confirm("Create this broadcast?")):
            session.rollback()
            click.echo("nothing saved")
            return
        broadcast_id = broadcast.id
        spend.apply_check(broadcast, cost)
        record_creation(session, broadcast, summary, runtime.settings, audit.command_line_actor(), _now(), cost)
    if cost.held:
        click.echo(f"broadcast {broadcast_id} created, held: `flask broadcasts confirm-cost {broadcast_id}` sends it")
        return
    runtime.dispatch.tick_now(force=True)  # a worker starts it if it is due; the tick catches later ones
    click.echo(f"broadcast {broadcast_id} created")


def _echo_spend(cost):
    balance = f"{cost.balance.currency} {cost.balance.amount:,.2f}" if cost.balance else f"unknown ({cost.balance_problem})"
    click.echo(f"AT balance: {balance}")
    if cost.held:
        click.echo(f"held: {cost.reason}; it sends only once confirmed (flask broadcasts confirm-cost)", err=True)


def _read_list(csv_path):
    try:
        numbers, problems = read_number_list(csv_path.read_bytes())
    except ValueError as error:
        _fail(f"{csv_path}: {error}")
    for problem in problems[:SHOWN_PROBLEMS]:
        click.echo(f"{csv_path}: {problem}", err=True)
    if len(problems) > SHOWN_PROBLEMS:
        click.echo(f"{csv_path}: ... and {len(problems) - SHOWN_PROBLEMS} more rows with problems", err=True)
    click.echo(f"{csv_path}: {len(numbers)} numbers read, {len(problems)} rows skipped")
    return numbers


def _echo_schedule(broadcast, settings):
    sends, quiet_hours = schedule_summary(broadcast, settings.send_window, _now())
    click.echo(f"sends: {sends}")
    if quiet_hours:
        click.echo(f"quiet hours: {quiet_hours}")


@broadcasts_cli.command("list")
def list_broadcasts():
    """Every broadcast, newest first: its state (a running one held by quiet hours is "waiting
    for the send window", with how many it will reach), when it sends, its name."""
    window, now = _runtime().settings.send_window, _now()
    with current_app.services.database.transaction() as session:
        listed = session.scalars(select(Broadcast).order_by(Broadcast.id.desc())).all()
        uncertain = progress.uncertain_counts(session, [broadcast.id for broadcast in listed])
        for broadcast in listed:
            repeat = f" ({broadcast.recurrence})" if broadcast.recurrence else ""
            state = describe_state(broadcast, window, now, uncertain.get(broadcast.id, 0))
            if is_waiting(broadcast, window, now):
                state += f", {progress.recipients(session, progress.progress(session, broadcast.id)):,} recipients"
            click.echo(f"{broadcast.id:>5}  {state:<10} {show_local(broadcast.send_at)}{repeat}  {broadcast.name}")


@broadcasts_cli.command("show")
@click.argument("broadcast_id", type=int)
def show(broadcast_id):
    """A broadcast's audience, schedule and progress (queued/sent/delivered/failed...)."""
    with current_app.services.database.transaction() as session:
        try:
            report = progress.progress(session, broadcast_id)
        except lifecycle.BroadcastError as error:
            _fail(str(error))
        broadcast = report.broadcast
        state = describe_state(broadcast, _runtime().settings.send_window, _now(),
                               report.counts.get(MessageStatus.UNCERTAIN, 0))
        click.echo(f"broadcast {broadcast.id} {broadcast.name!r}: {state}")
        click.echo(f"audience: {describe_audience(broadcast)}; {progress.recipients(session, report):,} recipients")
        if broadcast.consent_basis:
            click.echo(f"consent: {broadcast.consent_basis}")
        for label, moment in (("send at", broadcast.send_at), ("started", broadcast.started_at),
                              ("finished", broadcast.finished_at)):
            if moment:
                click.echo(f"{label}: {show_local(moment)}")
        counts = "  ".join(f"{status} {report.counts.get(status, 0)}" for status in STATUS_ORDER)
        click.echo(f"messages: {report.total}  {counts}")


def _control(control, broadcast_id):
    try:
        return control(current_app.services.database, _runtime(), broadcast_id, audit.command_line_actor())
    except lifecycle.BroadcastError as error:
        _fail(str(error))


@broadcasts_cli.command("pause")
@click.argument("broadcast_id", type=int)
def pause(broadcast_id):
    """Stop sending after the batches in flight; `resume` goes on where it stopped."""
    _control(controls.pause_broadcast, broadcast_id)
    click.echo(f"broadcast {broadcast_id} paused")


@broadcasts_cli.command("resume")
@click.argument("broadcast_id", type=int)
def resume(broadcast_id):
    status = _control(controls.resume_broadcast, broadcast_id)
    click.echo(f"broadcast {broadcast_id} is {status} again")


@broadcasts_cli.command("confirm-cost")
@click.argument("broadcast_id", type=int)
def confirm_cost(broadcast_id):
    """Let a broadcast the spend guard held (over the AT balance or the monthly budget) go on."""
    status = _control(controls.confirm_cost, broadcast_id)
    click.echo(f"broadcast {broadcast_id} confirmed: {status}")


@broadcasts_cli.command("cancel")
@click.argument("broadcast_id", type=int)
def cancel(broadcast_id):
    """Stop for good; messages not sent yet are marked cancelled."""
    _control(controls.cancel_broadcast, broadcast_id)
    click.echo(f"broadcast {broadcast_id} cancelled")


@broadcasts_cli.command("uncertain")
@click.argument("broadcast_id", type=int)
def uncertain(broadcast_id):
    """Messages that may or may not have gone out (a gateway timeout, a killed worker)."""
    with current_app.services.database.transaction() as session:
        try:
            lifecycle.get_broadcast(session, broadcast_id)
        except lifecycle.BroadcastError as error:
            _fail(str(error))
        rows = progress.uncertain_numbers(session, broadcast_id)
    for phone, reason, when in rows:
        click.echo(f"{mask_msisdn(phone)}  {reason}  {show_local(when)}")
    click.echo(f"{len(rows)} uncertain message(s); "
               f"`python3 tasks.py flask broadcasts resend-uncertain {broadcast_id}` sends them again")


@broadcasts_cli.command("resend-uncertain")
@click.argument("broadcast_id", type=int)
@click.option("--yes", is_flag=True)
def resend_uncertain(broadcast_id, yes):
    """Send the uncertain messages again: some people may get the message twice."""
    if not (yes or click.confirm("Some of these may have arrived already. Send them again?")):
        return
    count = _control(controls.resend_uncertain, broadcast_id)
    click.echo(f"{count} message(s) queued again")
