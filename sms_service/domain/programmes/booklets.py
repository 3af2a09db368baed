"""Booklets for teachers: a teacher requests information booklets for the pupils of a school they
registered as its contact (domain/schools/registry.py, TEACHER), staff approve
a quantity (or decline) and mark them dispatched, and the teacher gets an SMS at each step.

A request moves requested -> approved -> dispatched, or requested -> declined; each step is a
conditional UPDATE, so two staff clicking at once change it once and send one SMS.
"""

from sqlalchemy import delete, func, select, update

from sms_service.core.clock import show_local
from sms_service.core.models import BookletRequest
from sms_service.core.typed_text import fold_to_gsm7
from sms_service.domain.messaging.outbox import queue_message
from sms_service.domain.programmes.texts import ADDRESS_MAX, reply
from sms_service.domain.schools.registry import school_of_contact

REQUESTED, APPROVED, DECLINED, DISPATCHED = "requested", "approved", "declined", "dispatched"
STATUSES = (REQUESTED, APPROVED, DECLINED, DISPATCHED)
ALREADY_REQUESTED, TOO_MANY, SCHOOL_NOT_REGISTERED = "already_requested", "too_many", "school_not_registered"
PURPOSE = "booklet_update"  # a transactional message (messaging/kinds.py)
MAX_QUANTITY = 9999


class BookletError(ValueError):
    """A staff step that does not apply (the request is gone, or not at that step); says why."""


def request_booklets(session, *, phone, booklet, pupils, school, county, address, language, channel, now,
                     max_pupils):
    """Record a teacher's request for a school they registered as its contact (TEACHER);
    (outcome, request). Outcomes: requested, already_requested (the same booklet for the same
    school still waits for staff: nothing new), too_many (pupils not between 1 and `max_pupils`),
    school_not_registered (`phone` is not the registered contact of that school); nothing is kept
    but on `requested`."""
    if not 1 <= pupils <= max_pupils:
        return TOO_MANY, None
    registered = school_of_contact(session, phone, school, county)
    if registered is None:
        return SCHOOL_NOT_REGISTERED, None
    found = session.scalars(
        select(BookletRequest).where(BookletRequest.school_id == registered.id, BookletRequest.booklet == booklet,
                                     BookletRequest.status == REQUESTED).order_by(BookletRequest.id).limit(1)
    ).first()
    if found is not None:
        return ALREADY_REQUESTED, found
    request = BookletRequest(phone=phone, booklet=booklet, pupils=pupils, school=registered.name, county=county,
                             school_id=registered.id, delivery_address=" ".join(address.split())[:ADDRESS_MAX], language=language,
                             channel=channel, status=REQUESTED, requested_at=now)
    session.add(request)
    session.flush()
    return REQUESTED, request


def counts_by_county(session):
    """[(county, {status: count})] for every county with a request, by county name."""
    rows = session.execute(
        select(BookletRequest.county, BookletRequest.status, func.count())
        .group_by(BookletRequest.county, BookletRequest.status).order_by(BookletRequest.county)
    ).all()
    counts = {}
    for county, status, count in rows:
        counts.setdefault(county, dict.fromkeys(STATUSES, 0))[status] = count
    return list(counts.items())


def requests_in(session, county, status=None):
    """The requests of `county` (optionally of one status), oldest first."""
    query = select(BookletRequest).where(BookletRequest.county == county)
    if status:
        query = query.where(BookletRequest.status == status)
    return session.scalars(query.order_by(BookletRequest.requested_at, BookletRequest.id)).all()


def _step(session, request_id, from_status, **values):
    changed = session.execute(
        update(BookletRequest).where(BookletRequest.id == request_id, BookletRequest.status == from_status)
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
    request = session.get(BookletRequest, request_id)
    if request is None:
        raise BookletError(f"There is no booklet request {request_id}.")
    if not changed:
        raise BookletError(f"Request {request_id} is {request.status}, not {from_status}: nothing was changed.")
    session.refresh(request)
    return request


def decide(session, book, request_id, quantity, staff, now):
    """Approve `quantity` booklets (0 declines) for a waiting request and queue the teacher's SMS;
    (request, message id). BookletError when it is not waiting or the quantity is out of range."""
    if not 0 <= quantity <= MAX_QUANTITY:
        raise BookletError(f"The quantity must be between 0 (decline) and {MAX_QUANTITY}.")
    status = APPROVED if quantity else DECLINED
    request = _step(session, request_id, REQUESTED, status=status, approved_quantity=quantity or None,
                    decided_at=now, decided_by=staff)
    return request, _tell_teacher(session, book, request, f"booklet_{status}", now)


def dispatch(session, book, request_id, staff, now):
    """Mark an approved request dispatched and queue the teacher's SMS; (request, message id)."""
    request = _step(session, request_id, APPROVED, status=DISPATCHED, dispatched_at=now)
    return request, _tell_teacher(session, book, request, "booklet_dispatched", now)


def booklet_name(book, code, language):
    """What the booklet `code` is called in `language` (flows/catalog.yaml `booklets: kinds:`); the
    code itself for a booklet flows/ no longer lists (a request made before it was removed)."""
    return book.booklets.get(code, {}).get(language) or code


def _tell_teacher(session, book, request, key, now):
    language = request.language
    text = reply(book, key, language, booklet=booklet_name(book, request.booklet, language),
                 school=fold_to_gsm7(request.school), quantity=request.approved_quantity or 0,
                 address=fold_to_gsm7(request.delivery_address))
    return queue_message(session, request.phone, text, PURPOSE, now).id


EXPORT_HEADER = ["request", "county", "school", "delivery_address", "contact_phone", "booklet", "pupils",
                 "approved_quantity", "status", "requested", "decided", "dispatched"]


def export_rows(session, county, booklet_names):
    """One row per request of `county` for dispatch (EXPORT_HEADER), oldest first; the teacher's
    number is the delivery contact. `booklet_names`: code -> the name staff read."""
    for request in requests_in(session, county):
        yield (request.id, request.county, request.school, request.delivery_address, request.phone,
               booklet_names.get(request.booklet, request.booklet), request.pupils, request.approved_quantity or "",
               request.status, show_local(request.requested_at),
               show_local(request.decided_at) if request.decided_at else "",
               show_local(request.dispatched_at) if request.dispatched_at else "")


def erase_phone(session, phone):
    """Erasure: delete every booklet request made from `phone` (E.164); how many were deleted."""
    return session.execute(delete(BookletRequest).where(BookletRequest.phone == phone)).rowcount
