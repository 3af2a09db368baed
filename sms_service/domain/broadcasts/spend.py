"""The spend guard: a broadcast whose estimated cost (recipients x segments x
BROADCAST_COST_PER_SEGMENT, audience.preview) is more than the SMS gateway's balance, or would
take this Nairobi month's broadcasts over BROADCAST_MONTHLY_BUDGET_KES, is saved held (paused with
the reason, states.HOLD_PREFIX) until an admin confirms it. A balance that cannot be read holds
nothing: it is shown as unknown, with why.

What counts against the budget: the estimates of this month's broadcasts and occurrences, less
those cancelled before they started and those still held; a recurring broadcast's template counts
through its occurrences, each when it is made.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, func, not_, or_, select

from sms_service.core.clock import NAIROBI
from sms_service.core.models import Broadcast
from sms_service.domain.broadcasts import lifecycle
from sms_service.domain.broadcasts.states import HOLD_PREFIX, BroadcastStatus, held_reason, is_held
from sms_service.domain.messaging.balance import Balance, BalanceUnavailable
from sms_service.domain.messaging.gateway import ACCOUNT_PROBLEMS

CURRENCY = "KES"  # of the estimates and the budget (BROADCAST_COST_PER_SEGMENT is in KES)
REASON_LENGTH = 200  # what broadcasts.stop_reason holds


@dataclass(frozen=True)
class SpendCheck:
    cost: float  # this broadcast's estimate, KES
    balance: Balance | None  # None when it could not be read
    balance_problem: str | None  # why it could not be read (or compared)
    budget: float  # KES a month; 0: none
    spent_this_month: float  # KES, estimates counted against the budget, before this one
    reason: str | None  # why it is held, or None when it may go

    @property
    def held(self):
        return self.reason is not None


def start_of_local_month(now):
    """The first moment of `now`'s calendar month in Nairobi, as UTC."""
    local = now.astimezone(NAIROBI)
    return datetime(local.year, local.month, 1, tzinfo=NAIROBI).astimezone(timezone.utc)


def spent_this_month(session, now):
    """KES: the estimates that count against this Nairobi month's budget (see the module's docstring)."""
    never_sent = and_(Broadcast.status == BroadcastStatus.CANCELLED, Broadcast.started_at.is_(None))
    not_held = or_(Broadcast.stop_reason.is_(None), not_(Broadcast.stop_reason.startswith(HOLD_PREFIX)))
    total = session.scalar(
        select(func.coalesce(func.sum(Broadcast.estimated_cost), 0.0))
        .where(Broadcast.created_at >= start_of_local_month(now), Broadcast.recurrence.is_(None),
               not_(never_sent), not_held)
    )
    return float(total or 0)


def check_spend(session, cost, account, budget, now):
    """A SpendCheck of a broadcast estimated at `cost` KES, against `account`'s balance (a
    messaging.balance.BalanceSource) and `budget` KES a month (0: none) at `now`."""
    balance, problem = None, None
    try:
        balance = account.balance()
    except BalanceUnavailable as error:
        problem = str(error)
    spent = spent_this_month(session, now)
    reasons = []
    if balance is not None and balance.currency != CURRENCY:
        problem = f"the balance is in {balance.currency}, not {CURRENCY}: not compared"
    elif balance is not None and cost > balance.amount:
        reasons.append(f"its estimated cost, {CURRENCY} {cost:,.2f}, is over the AT balance ({CURRENCY} {balance.amount:,.2f})")
    if budget > 0 and spent + cost > budget:
        reasons.append(f"this month's broadcasts would reach {CURRENCY} {spent + cost:,.2f}, over the budget "
                       f"({CURRENCY} {budget:,.2f})")
    return SpendCheck(cost=cost, balance=balance, balance_problem=problem, budget=budget, spent_this_month=spent,
                      reason="; ".join(reasons) or None)


def apply_check(broadcast, check):
    """Keep the estimate on `broadcast`, and hold it (paused, with the reason) when `check` says so."""
    broadcast.estimated_cost = round(check.cost, 2)
    if check.held:
        broadcast.status = BroadcastStatus.PAUSED
        broadcast.stop_reason = (HOLD_PREFIX + check.reason)[:REASON_LENGTH]


def release(session, broadcast_id, now):
    """An admin confirms a held broadcast: it goes on as if resumed (running, or scheduled for its
    time, or recurring); returns (the broadcast, the reason it was held). BroadcastError when it
    is not held."""
    broadcast = lifecycle.get_broadcast(session, broadcast_id)
    if not is_held(broadcast):
        raise lifecycle.BroadcastError(f"broadcast {broadcast_id} is not held for its cost")
    reason = held_reason(broadcast)
    broadcast.stop_reason = None
    lifecycle.resume(session, broadcast_id, now)
    return broadcast, reason


def read_balance(account):
    """(the Balance, None) or (None, why it could not be read), for a page to show."""
    try:
        return account.balance(), None
    except BalanceUnavailable as error:
        return None, str(error)


def waiting_for_staff(session):
    """The broadcasts staff must act on, oldest first, as (id, name, what is wrong): those the
    gateway stopped (no balance, refused credentials: messaging.gateway.ACCOUNT_PROBLEMS) and those
    held for their cost."""
    rows = session.scalars(
        select(Broadcast).where(Broadcast.status == BroadcastStatus.PAUSED, Broadcast.stop_reason.is_not(None))
        .order_by(Broadcast.id)
    ).all()
    found = []
    for broadcast in rows:
        if is_held(broadcast):
            found.append((broadcast.id, broadcast.name, f"held for its cost: {held_reason(broadcast)}; an admin must confirm it"))
        elif broadcast.stop_reason in ACCOUNT_PROBLEMS:
            found.append((broadcast.id, broadcast.name, f"stopped: {ACCOUNT_PROBLEMS[broadcast.stop_reason]}"))
    return found
