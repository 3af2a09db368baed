"""The conversations inbox: a thread per number that texted, filters, and the staff's answers,
notes, assignments and "handled" (domain/conversations/). Urgent threads (danger wording) come
first; their texts are shown to responders and admins only, and every view of one is audited.
Viewers see a contact pseudonym (services.phone_keys) instead of the number, and cannot answer;
editors and up see the pseudonym with a masked number (contacts.py)."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from sms_service.core.clock import ScheduleError, parse_day, show_local
from sms_service.core.gsm7 import describe_text
from sms_service.core.models import Conversation, StaffAccount
from sms_service.domain.conversations import inbox, staff_actions
from sms_service.domain.conversations.staff_actions import ActionRefused
from sms_service.domain.messaging.outbox import queue_send
from sms_service.domain.staff.roles import allows, reads_urgent_threads
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.contacts import shown_contact
from sms_service.web.console.dashboard import names_for_staff
from sms_service.web.console.paging import page_of
from sms_service.web.console.roles import requires

PAGE_SIZE = 50


def _day(name):
    """A yyyy-mm-dd query argument as a date (core/clock.py parse_day), None when empty; 400 with
    the reason when it is no date or out of range."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return parse_day(value)
    except ScheduleError as error:
        abort(400, f"{name}: {error}")


def _filters():
    view = request.args.get("view", "all")
    if view not in inbox.VIEWS:
        abort(400, f"view: {view!r} is not one of {', '.join(inbox.VIEWS)}")
    return inbox.ThreadFilters(view=view, topic=request.args.get("topic") or None,
                               county=request.args.get("county") or None, since=_day("since"), until=_day("until"))


def _shown_as(phone):
    """The person as this role sees them (contacts.py): a pseudonym, with a masked number for editors up."""
    return shown_contact(phone, g.staff.role, current_app.services.phone_keys)


def _may_read(conversation):
    return not conversation.restricted or reads_urgent_threads(g.staff.role)


@blueprint.get("/conversations")
@requires("viewer")
def conversations():
    filters = _filters()
    with current_app.services.database.transaction() as session:
        page = page_of(session, inbox.threads_query(filters, g.staff.username), PAGE_SIZE)
        last = inbox.last_texts(session, [row.phone for row in page.rows])
        counts = inbox.inbox_counts(session)
    # An urgent thread's text is read only on its own page, where each view is audited: the list
    # shows no text of it, to anyone.
    rows = [{"thread": row, "who": _shown_as(row.phone), "readable": not row.restricted, "may_open": _may_read(row),
             "last": last.get(row.phone)} for row in page.rows]
    book = current_app.services.flow_book
    return render_template("console/conversations.html", page=page, rows=rows, filters=filters, counts=counts,
                           views=inbox.VIEWS, topics=names_for_staff(book.topics), show_local=show_local)


def _thread(session, conversation_id):
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        abort(404, "No such conversation.")
    return conversation


@blueprint.get("/conversations/<int:conversation_id>")
@requires("viewer")
def conversation(conversation_id):
    services = current_app.services
    book = services.flow_book
    with services.database.transaction() as session:
        thread = _thread(session, conversation_id)
        if thread.restricted:  # audited before anything of it is shown (only these views write)
            with services.database.write_transaction() as audit_session:
                staff_actions.record_urgent_view(audit_session, thread, g.staff.username)
        items = inbox.thread_items(session, thread)
        person = inbox.person_of(session, thread.phone)
        may_answer, why_not = staff_actions.may_answer(session, thread)
        assignees = session.scalars(select(StaffAccount.username).where(StaffAccount.active.is_(True))
                                    .order_by(StaffAccount.username)).all()
    readable = _may_read(thread)
    answers = allows(g.staff.role, "editor") and readable
    language = person.language or book.default_language
    saved = book.saved_replies.get(request.args.get("saved", ""))
    draft = saved.texts.get(language, "") if saved else ""
    return render_template(
        "console/conversation.html", thread=thread, who=_shown_as(thread.phone), items=items, person=person,
        readable=readable, answers=answers, may_answer=may_answer, why_not=why_not, assignees=assignees,
        saved_replies=book.saved_replies, draft=draft, language=language, show_local=show_local,
        topics=names_for_staff(book.topics), editor=allows(g.staff.role, "editor"),
    )


def _act(conversation_id, action, needs_reading=True):
    """Run `action(session, thread, now)` on a thread for a staff POST; back to the thread, with
    the reason flashed when it was refused."""
    services = current_app.services
    with services.database.write_transaction() as session:
        thread = _thread(session, conversation_id)
        if needs_reading and not _may_read(thread):
            abort(403, "This thread is urgent: only responders and admins may read and answer it.")
        try:
            result = action(session, thread, services.clock.now())
        except ActionRefused as refused:
            flash(str(refused))
            return None, redirect(url_for("console.conversation", conversation_id=conversation_id), 303)
    return result, redirect(url_for("console.conversation", conversation_id=conversation_id), 303)


@blueprint.post("/conversations/<int:conversation_id>/reply")
@requires("editor")
def reply_to_conversation(conversation_id):
    text = request.form.get("text_reply", "")
    message, response = _act(conversation_id, lambda session, thread, now: staff_actions.reply(
        session, thread, g.staff.username, text, now))
    if message is not None:
        queue_send(current_app.services.queues, message.id, message.purpose)
        report = describe_text(message.text)
        flash(f"Answer queued ({report.encoding}, {report.segments} segment(s)).")
    return response


@blueprint.post("/conversations/<int:conversation_id>/note")
@requires("editor")
def note_conversation(conversation_id):
    text = request.form.get("note", "")
    _, response = _act(conversation_id, lambda session, thread, now: staff_actions.add_note(
        session, thread, g.staff.username, text, now))
    return response


@blueprint.post("/conversations/<int:conversation_id>/assign")
@requires("editor")
def assign_conversation(conversation_id):
    assignee = request.form.get("assignee", "").strip() or None

    def assign(session, thread, now):
        if assignee is not None:
            account = session.scalar(select(StaffAccount).where(StaffAccount.username == assignee))
            if account is None or not account.active:
                raise ActionRefused(f"No active account {assignee!r}.")
            if thread.restricted and not reads_urgent_threads(account.role):
                raise ActionRefused(f"{assignee} ({account.role}) may not read urgent threads: assign a responder.")
        staff_actions.assign(session, thread, g.staff.username, assignee)

    _, response = _act(conversation_id, assign, needs_reading=False)
    return response


@blueprint.post("/conversations/<int:conversation_id>/handled")
@requires("editor")
def handle_conversation(conversation_id):
    _, response = _act(conversation_id, lambda session, thread, now: staff_actions.mark_handled(
        session, thread, g.staff.username, now), needs_reading=False)
    return response
