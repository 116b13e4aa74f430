"""The transaction lifecycle: matched → delivering → settled | failed (settled and failed are final).

The matcher (a later issue) creates transactions with ``open_transaction`` and moves them
with ``advance``; both notify the owners of the two sites and push a ``transaction`` event.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Site, Transaction, TransactionStatus
from hub.events import Event, EventBus, site_channel
from hub.notify import notify, push

S = TransactionStatus
NEXT: dict[TransactionStatus, frozenset[TransactionStatus]] = {
    S.MATCHED: frozenset({S.DELIVERING, S.FAILED}),
    S.DELIVERING: frozenset({S.SETTLED, S.FAILED}),
    S.SETTLED: frozenset(),
    S.FAILED: frozenset(),
}


class TransitionError(ValueError):
    pass


def can_move(current: TransactionStatus, target: TransactionStatus) -> bool:
    return target in NEXT[current]


async def advance(
    session: AsyncSession,
    bus: EventBus,
    transaction: Transaction,
    target: TransactionStatus,
    delivered_kwh: float | None = None,
    reason: str | None = None,
) -> Transaction:
    if not can_move(transaction.status, target):
        raise TransitionError(f"a {transaction.status.value} transaction cannot become {target.value}")
    transaction.status = target
    transaction.updated_at = datetime.now(UTC)
    if delivered_kwh is not None:
        transaction.delivered_kwh = delivered_kwh
    if reason is not None:
        transaction.failure_reason = reason
    return await _commit_and_tell(session, bus, transaction)


async def open_transaction(session: AsyncSession, bus: EventBus, transaction: Transaction) -> Transaction:
    session.add(transaction)
    await session.flush()
    return await _commit_and_tell(session, bus, transaction)


async def _commit_and_tell(session: AsyncSession, bus: EventBus, transaction: Transaction) -> Transaction:
    owners = []
    for site_id in (transaction.seller_site_id, transaction.buyer_site_id):
        site = await session.get(Site, site_id)
        if site is not None and site.owner_id is not None:
            owners.append(site.owner_id)
    notes = notify(
        session,
        owners,
        "transaction",
        f"Energy trade {transaction.status.value}",
        f"{transaction.amount_kwh:g} kWh at {transaction.price_per_kwh:g} per kWh",
        transaction_id=transaction.id,
        status=transaction.status.value,
    )
    await session.commit()
    push(bus, notes)
    bus.publish(
        Event.build(
            "transaction",
            transaction.community,
            None,
            channels=[site_channel(transaction.seller_site_id), site_channel(transaction.buyer_site_id)],
            transaction={
                "id": transaction.id,
                "status": transaction.status.value,
                "amount_kwh": transaction.amount_kwh,
                "price_per_kwh": transaction.price_per_kwh,
                "delivered_kwh": transaction.delivered_kwh,
            },
        )
    )
    return transaction
