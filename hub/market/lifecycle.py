"""The transaction lifecycle: scheduled → delivering → completed | partially_delivered | failed.

A scheduled trade may also be cancelled before its gate closes. Settled states are final
for the resident but not for the meters: a late reading re-settles the interval, and a trade
may move from one settled state to another (failed for missing readings → completed).

The clearing creates transactions (hub.market.clearing); ``advance`` moves one on. Neither
commits: each returns what to publish once the caller has committed.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.schemas.events import TransactionEvent
from hub.api.schemas.market import TransactionOut
from hub.db.models import Site, Transaction, TransactionStatus
from hub.events import Event, site_channel, view_event
from hub.notify import notify
from hub.outbox import Outbox

S = TransactionStatus
SETTLED = frozenset({S.COMPLETED, S.PARTIAL, S.FAILED})
NEXT: dict[TransactionStatus, frozenset[TransactionStatus]] = {
    # Settled straight from scheduled when the delivery start was missed (a hub restart).
    S.SCHEDULED: frozenset({S.DELIVERING, S.CANCELLED}) | SETTLED,
    S.DELIVERING: SETTLED,
    **{settled: SETTLED - {settled} for settled in SETTLED},
    S.CANCELLED: frozenset(),
}


class TransitionError(ValueError):
    pass


def can_move(current: TransactionStatus, target: TransactionStatus) -> bool:
    return target in NEXT[current]


async def advance(
    session: AsyncSession,
    transaction: Transaction,
    target: TransactionStatus,
    now: datetime,
    delivered_wh: int | None = None,
    reason: str | None = None,
    quiet: Set[str] = frozenset(),
) -> Outbox:
    """Move the trade on and tell its residents, except those of the ``quiet`` sites."""
    if not can_move(transaction.status, target):
        raise TransitionError(f"a {transaction.status.value} transaction cannot become {target.value}")
    transaction.status = target
    transaction.updated_at = now
    if delivered_wh is not None:
        transaction.delivered_wh = delivered_wh
    if reason is not None:
        transaction.failure_reason = reason
    owners = []
    for site_id in (transaction.seller_site_id, transaction.buyer_site_id):
        if site_id in quiet:
            continue
        site = await session.get(Site, site_id)
        if site is not None and site.owner_id is not None:
            owners.append(site.owner_id)
    notes = notify(
        session,
        owners,
        "transaction",
        f"Energy trade {transaction.status.value}",
        f"{transaction.energy_wh / 1000:g} kWh at {transaction.buyer_price} per kWh",
        transaction_id=transaction.id,
        status=transaction.status.value,
    )
    return Outbox(events=[transaction_event(transaction)], notes=list(notes))


def transaction_event(transaction: Transaction | TransactionOut) -> Event:
    """A trade's news goes to both its sites."""
    view = (
        transaction
        if isinstance(transaction, TransactionOut)
        else TransactionOut.model_validate(transaction, from_attributes=True)
    )
    channels = [site_channel(transaction.seller_site_id), site_channel(transaction.buyer_site_id)]
    return view_event(TransactionEvent, transaction.community, channels, view)
