"""The market's clock: one task per community that clears each interval at its gate.

A community's gate for an interval closes ``gate_lead_s`` before the interval starts; at
that moment its standing orders become concrete orders, the book is matched and the result
stored in one transaction, then published. A failure in one community is logged and counted
in /metrics, and the others clear on time. The interval's row in ``market_intervals`` makes
a clearing happen once, whoever tries (a restart, an admin's "clear now"). Intervals a
community shares ex post (hub.market.sharing) are not cleared and leave no row: its standing
orders make nothing for them, and the settlement allocates the meters afterwards.

A gate can pass with nobody to clear it: a replica died and its lease has not lapsed yet
(up to ~12 s), or a single hub was stopped for a while. So when a community's task starts
(a replica gains it, the hub starts) and again after each gate, the task catches up:
every interval whose gate has closed but which has not ended and has no row is cleared
then, once (a row per interval, as above). An interval under way still trades: delivery
starts its trades within a second and sizes battery commands for the time left, and
settlement shares the whole interval's meters among its trades as usual. An interval that
has ended is not cleared late: nothing could be dispatched for it any more, so its orders
only get their final status at the next clearing, as before. Nor is a book with no order
in it: a missed gate of an empty book loses nobody a trade.

A clearing and a critical request's immediate match read the same book and fill the same
offers, so they take turns per community: in one process by an asyncio lock, and across
replicas on PostgreSQL by a transaction-level advisory lock on the community, taken as the
first statement of either transaction (so everything it reads comes after the other's commit).
A critical request is placed through any replica's API while the community's owner clears, so
routing it to the owner would cost a hop and a failure mode; the lock costs one round trip.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.cluster.leases import Owns, owns_everything
from hub.db.models import Community, EnergyRequest, MarketInterval, SharingMode, Urgency
from hub.error_codes import ErrorCode
from hub.events import EventBus
from hub.market.clearing import AlreadyCleared, Snapshot, clear_interval, match_at_once, snapshot
from hub.market.intervals import closed_not_ended, floor_to, open_interval
from hub.market.orders import OrderRejected, gate_lead, interval_of
from hub.market.sharing import mode_at, period_at
from hub.metrics import HubMetrics
from hub.outbox import Outbox
from powershare_wire.cancellation import cancel_once_and_wait
from powershare_wire.clock import Clock, sleep_until

log = logging.getLogger("hub.market")

DISCOVERY_S = 1.0  # how often (wall seconds) new communities are looked for: a cheap query
# The first key of the market book's advisory locks (PostgreSQL), the community's hash the second.
BOOK_LOCK = 0x50534D42  # "PSMB": PowerShare market book

# Turns a community's standing orders into concrete orders for an interval (hub.market.standing).
Materialize = Callable[[AsyncSession, Community, datetime, datetime], Awaitable[Outbox]]


class _EmptyBook(Exception):
    """A missed interval's book holds no order: catching up would clear nothing."""


class MarketCoordinator:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bus: EventBus,
        clock: Clock,
        metrics: HubMetrics,
        materialize: Materialize,
        owns: Owns = owns_everything,
    ) -> None:
        self.sessions = sessions
        self.owns = owns  # replicated hubs: only the communities this replica holds the lease of
        self.bus = bus
        self.clock = clock
        self.metrics = metrics
        self.materialize = materialize
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # A clearing and a critical request's match read the same book and fill the same orders:
        # one at a time per community, or the later one matches from a book the other has changed.
        self._matching: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def run(self) -> None:
        """Keep one clearing task per community, for communities created while running too."""
        try:
            while True:
                try:
                    async with self.sessions() as session:
                        ids = list(await session.scalars(select(Community.id)))
                except (OperationalError, InterfaceError, OSError) as exc:
                    # The database restarting must not end the market for good: look again (#12).
                    log.warning("looking for communities failed (%r); again in %.0f s", exc, DISCOVERY_S)
                    await asyncio.sleep(DISCOVERY_S)
                    continue
                for community_id in ids:
                    task = self._tasks.get(community_id)
                    if (task is None or task.done()) and self.owns(community_id):
                        self._tasks[community_id] = asyncio.create_task(
                            self._clear_forever(community_id), name=f"market-{community_id}"
                        )
                for community_id in [c for c in self._tasks if not self.owns(c)]:
                    self._tasks.pop(community_id).cancel()  # another replica clears it now
                await asyncio.sleep(DISCOVERY_S)
        finally:
            await cancel_once_and_wait(self._tasks.values())  # clearings in a database call

    async def _clear_forever(self, community_id: str) -> None:
        while True:
            async with self.sessions() as session:
                community = await session.get(Community, community_id)
            if community is None:
                return
            # Before the next interval's orders are made: a missed one's standing orders come first.
            await self.catch_up(community_id)
            start = self.next_interval(community, self.clock.now())
            try:
                if await self._ex_post(community_id, start):
                    # Nothing to match, nothing recorded: the meters are allocated after the interval.
                    await sleep_until(self.clock, start - gate_lead(community))
                    continue
                await self.prepare(community_id, start)
                await sleep_until(self.clock, start - gate_lead(community))
                if not self.owns(community_id):
                    return  # the lease moved during the wait: the new owner clears it
                await self.clear(community_id, start)
            except AlreadyCleared:
                pass
            except Exception:
                self.metrics.market_failures.labels(community_id).inc()
                log.exception("clearing %s of community %r failed", start.isoformat(), community_id)
                await sleep_until(self.clock, start)  # the next gate will come; do not spin on a broken book

    async def prepare(self, community_id: str, start: datetime) -> None:
        """Standing orders become the interval's orders ahead of its gate: residents see them in
        the book, and the gate has only to match (it makes again only what is missing)."""
        async with self.sessions() as session:
            community = await session.get(Community, community_id)
            if community is None:
                return
            try:
                outbox = await self.materialize(session, community, start, self.clock.now())
                await session.commit()
            except IntegrityError:
                # Another replica made them in the moment of a hand-over; the gate makes what is missing.
                log.info("orders of %s in %r were made by another replica", start.isoformat(), community_id)
                return
        outbox.publish(self.bus)

    async def catch_up(self, community_id: str) -> list[MarketInterval]:
        """Clear the intervals whose gate closed without a clearing and which have not ended
        (see the module's docstring); a failure is logged and counted, and the gates go on."""
        try:
            async with self.sessions() as session:
                community = await session.get(Community, community_id)
                if community is None:
                    return []
                length, lead = interval_of(community), gate_lead(community)
                missed = [
                    start
                    for start in closed_not_ended(self.clock.now(), length, lead)
                    if await session.get(MarketInterval, (community_id, start)) is None
                ]
        except (OperationalError, InterfaceError, OSError) as exc:
            log.warning("looking for missed gates of %r failed (%r); again after the next", community_id, exc)
            return []
        cleared: list[MarketInterval] = []
        for start in missed:
            try:
                if not self.owns(community_id) or await self._ex_post(community_id, start):
                    continue
                cleared.append(await self._clear(community_id, start, missed=True))
            except (AlreadyCleared, _EmptyBook):
                continue
            except Exception:
                self.metrics.market_failures.labels(community_id).inc()
                log.exception("catching up %s of community %r failed", start.isoformat(), community_id)
                continue
            log.info("caught up %s of community %r after its gate", start.isoformat(), community_id)
        return cleared

    async def clear(self, community_id: str, start: datetime) -> MarketInterval:
        """Clear one interval now (the gate, or an admin): one transaction, then publish."""
        return await self._clear(community_id, start, missed=False)

    async def _clear(self, community_id: str, start: datetime, missed: bool) -> MarketInterval:
        async with self._matching[community_id]:
            return await self._clear_alone(community_id, start, missed)

    async def _clear_alone(self, community_id: str, start: datetime, missed: bool) -> MarketInterval:
        began = time.perf_counter()
        async with self.sessions() as session:
            await take_turn(session, community_id)
            community = await session.get(Community, community_id)
            if community is None:
                raise LookupError(f"no community {community_id!r}")
            period = await period_at(session, community_id, start)
            if period is not None and period.mode is SharingMode.EX_POST:
                raise OrderRejected(
                    "start",
                    ErrorCode.NO_MARKET_EX_POST,
                    f"this community shares ex post from {period.effective_from.isoformat()}: no market",
                    ctx={"since": period.effective_from.isoformat()},
                )
            now = self.clock.now()
            try:
                outbox = await self.materialize(session, community, start, now)  # what prepare left out
                if missed and not _has_orders(await snapshot(session, community, start)):
                    raise _EmptyBook  # leaving the session rolls the standing orders' marks back
                interval, cleared = await clear_interval(session, community, start, now)
                outbox.extend(cleared)
                await session.commit()
            except IntegrityError:
                await session.rollback()
                if await session.get(MarketInterval, (community_id, start)) is not None:
                    # Two replicas cleared it at once (a hand-over): the other's commit won.
                    raise AlreadyCleared(
                        f"interval {start.isoformat()} of {community_id!r} is cleared already"
                    ) from None
                raise
        outbox.publish(self.bus)
        self.metrics.market_clearings.labels(community_id).inc()
        self.metrics.market_clearing_seconds.observe(time.perf_counter() - began)
        return interval

    async def _ex_post(self, community_id: str, start: datetime) -> bool:
        async with self.sessions() as session:
            return await mode_at(session, community_id, start) is SharingMode.EX_POST

    def next_interval(self, community: Community, now: datetime) -> datetime:
        """The first interval still taking orders (its gate has not closed)."""
        return open_interval(now, interval_of(community), gate_lead(community))

    async def match_critical(self, request: EnergyRequest) -> None:
        """A critical request trades at once with what is left in the current and next interval."""
        async with self._matching[request.community], self.sessions() as session:
            await take_turn(session, request.community)
            community = await session.get(Community, request.community)
            fresh = await session.get(EnergyRequest, request.id)
            if community is None or fresh is None or fresh.urgency is not Urgency.CRITICAL:
                return
            length = interval_of(community)
            now = self.clock.now()
            outbox = Outbox()
            for start in (floor_to(now, length), floor_to(now, length) + length):
                outbox.extend(await match_at_once(session, community, fresh, start, now))
            await session.commit()
        outbox.publish(self.bus)


async def take_turn(session: AsyncSession, community_id: str) -> None:
    """Wait for any other replica's clearing or match of this community to commit; held until
    this transaction ends. SQLite: one hub, whose asyncio lock is enough."""
    if session.get_bind().dialect.name == "postgresql":
        # hashtext folds the id to the int4 half of the two-key form; BOOK_LOCK keeps other
        # advisory locks of the hub (hub.db.partitions) apart from these.
        lock = func.pg_advisory_xact_lock(cast(BOOK_LOCK, Integer), func.hashtext(community_id))
        await session.execute(select(lock))


def _has_orders(book: Snapshot) -> bool:
    return bool(book.requests or book.offers)
