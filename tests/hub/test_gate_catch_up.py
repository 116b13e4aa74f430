"""A gate that passed with nobody to clear it (a replica's lease lapsing, a hub stopped for a
while) is caught up by the next owner while its interval has not ended, and only once (#13).

The clock is stepped: it stands still between advances, so which gates have closed is exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from firmware_sims.clock import SimClock
from hub.db.engine import create_engine, migrate
from hub.db.models import EnergyRequest, MarketInterval, Offer, Site, Transaction
from hub.events import EventBus
from hub.market.coordinator import MarketCoordinator
from hub.market.intervals import closed_not_ended
from hub.market.standing import materialize_standing
from hub.metrics import HubMetrics
from hub.seed import ensure_community
from tests.conftest import BrokerAddress
from tests.helpers import eventually
from tests.hub.conftest import HubFactory

INTERVAL = timedelta(minutes=15)
LEAD = timedelta(minutes=5)  # a community's default gate lead
START = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)  # its gate closes at 09:55
COMMUNITY = "catch-up"


@dataclass
class Lease:
    """Whether this coordinator's replica holds the community's lease; tests hand it over."""

    held: set[str] = field(default_factory=set)

    def __call__(self, community_id: str) -> bool:
        return community_id in self.held


@contextlib.asynccontextmanager
async def market(db_url: str, clock: SimClock, lease: Lease) -> AsyncIterator[MarketCoordinator]:
    engine = create_engine(db_url)
    await migrate(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        await ensure_community(session, COMMUNITY)
        session.add_all([Site(id="buyer", community=COMMUNITY), Site(id="seller", community=COMMUNITY)])
        await session.commit()
    try:
        yield MarketCoordinator(sessions, EventBus(), clock, HubMetrics(), materialize_standing, owns=lease)
    finally:
        await engine.dispose()


async def place(sessions: async_sessionmaker[AsyncSession], wh: int, start: datetime, intervals: int) -> None:
    """A request of ``wh`` over the intervals and an offer of 1 kWh in each, at prices that meet."""
    end = start + intervals * INTERVAL
    async with sessions() as session:
        session.add(
            EnergyRequest(
                community=COMMUNITY,
                site_id="buyer",
                energy_wh=wh,
                window_start=start,
                window_end=end,
                max_price=Decimal("0.2500"),
            )
        )
        session.add(
            Offer(
                community=COMMUNITY,
                site_id="seller",
                energy_wh=1000,
                window_start=start,
                window_end=end,
                min_price=Decimal("0.1000"),
            )
        )
        await session.commit()


async def cleared(sessions: async_sessionmaker[AsyncSession]) -> dict[datetime, int]:
    """Each interval with a clearing row, and how many trades it made."""
    async with sessions() as session:
        rows = await session.execute(select(MarketInterval.start, MarketInterval.trades))
        return {_utc(start): trades for start, trades in rows.all()}


async def trades(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[datetime, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Transaction.window_start, Transaction.energy_wh).order_by(Transaction.window_start)
        )
        return [(_utc(start), wh) for start, wh in rows.all()]


def _utc(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)  # SQLite hands back naive UTC


async def test_a_gate_passed_without_an_owner_is_cleared_once_when_an_owner_appears(db_url: str) -> None:
    clock = SimClock.stepped(START - timedelta(minutes=10))
    lease = Lease()
    async with market(db_url, clock, lease) as coordinator:
        await place(coordinator.sessions, 900, START, intervals=3)  # 300 Wh an interval
        running = asyncio.create_task(coordinator.run())
        try:
            clock.advance(timedelta(minutes=12).total_seconds())  # 10:02: the gate passed unowned
            assert await cleared(coordinator.sessions) == {}

            lease.held.add(COMMUNITY)  # the lease lapsed and this replica took it
            await eventually(
                lambda: cleared(coordinator.sessions),
                lambda c: START in c,
                within=10,
                what="the missed interval cleared",
            )
            assert await cleared(coordinator.sessions) == {START: 1}
            assert await trades(coordinator.sessions) == [(START, 300)]

            # Looking again (each pass of the coordinator does) finds nothing left to catch up.
            assert await coordinator.catch_up(COMMUNITY) == []
            assert await trades(coordinator.sessions) == [(START, 300)]
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running


async def test_an_interval_that_has_ended_is_not_cleared_late(db_url: str) -> None:
    clock = SimClock.stepped(START + INTERVAL + timedelta(minutes=5))  # 10:20: START ended at 10:15
    lease = Lease({COMMUNITY})
    async with market(db_url, clock, lease) as coordinator:
        await place(coordinator.sessions, 600, START, intervals=2)  # 300 Wh in START and in the next
        await place(coordinator.sessions, 500, START, intervals=1)  # only START: its window has passed

        [interval] = await coordinator.catch_up(COMMUNITY)

        assert _utc(interval.start) == START + INTERVAL  # under way: still trades
        assert await cleared(coordinator.sessions) == {START + INTERVAL: 1}
        assert await trades(coordinator.sessions) == [(START + INTERVAL, 300)]
        async with coordinator.sessions() as session:
            statuses: list[tuple[str, timedelta, str]] = []
            for kind in (EnergyRequest, Offer):
                rows = await session.execute(select(kind.window_end, kind.status))
                statuses += [(kind.__name__, _utc(end) - START, status.value) for end, status in rows.all()]
        # The orders of START alone get their final status, as at any clearing after their window.
        assert sorted(statuses) == [
            ("EnergyRequest", INTERVAL, "expired"),
            ("EnergyRequest", 2 * INTERVAL, "partly_matched"),
            ("Offer", INTERVAL, "expired"),
            ("Offer", 2 * INTERVAL, "partly_matched"),
        ]


async def test_a_missed_gate_of_an_empty_book_leaves_no_row(db_url: str) -> None:
    clock = SimClock.stepped(START + timedelta(minutes=2))
    async with market(db_url, clock, Lease({COMMUNITY})) as coordinator:
        assert await coordinator.catch_up(COMMUNITY) == []
        async with coordinator.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(MarketInterval)) == 0


async def test_a_hub_restarted_after_a_short_stop_clears_the_interval_it_missed(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(START - timedelta(minutes=10))
    window = {"window_start": START.isoformat(), "window_end": (START + INTERVAL).isoformat()}
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer = await hub.resident("c@example.org", "home-c", community, kind="consumer")
        provider = await hub.resident("p@example.org", "home-p", community, kind="provider")
        placed = await provider.post(
            "/api/offers", json={"site": "home-p", "energy_wh": 800, "min_price": "0.1000", **window}
        )
        assert placed.status_code == 201, placed.text
        placed = await consumer.post(
            "/api/requests", json={"site": "home-c", "energy_wh": 500, "max_price": "0.2500", **window}
        )
        assert placed.status_code == 201, placed.text

    clock.advance(timedelta(minutes=17).total_seconds())  # down across the gate: back at 10:07

    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        consumer = await hub.client_for("c@example.org")
        found = await eventually(
            lambda: _transactions(consumer),
            lambda r: len(r.json()) == 1,
            within=10,
            what="the missed interval's trade",
        )
        [trade] = found.json()
        assert (datetime.fromisoformat(trade["window_start"]), trade["energy_wh"]) == (START, 500)
        results = await consumer.get(
            f"/api/communities/{community}/market/intervals",
            params={"start": START.isoformat(), "end": (START + INTERVAL).isoformat()},
        )
        assert [r["volume_wh"] for r in results.json()] == [500]


async def _transactions(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/api/transactions")


@given(
    now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
    minutes=st.sampled_from([5, 15, 30, 60]),
    lead_s=st.integers(min_value=0, max_value=7200),
)
def test_the_intervals_to_catch_up_are_exactly_those_gated_and_not_ended(
    now: datetime, minutes: int, lead_s: int
) -> None:
    length, lead = timedelta(minutes=minutes), timedelta(seconds=lead_s)
    starts = closed_not_ended(now, length, lead)
    assert starts, "the interval under way has always passed its gate"
    assert all(s - lead <= now < s + length for s in starts)
    assert all(b - a == length for a, b in itertools.pairwise(starts))
    assert starts[0] <= now  # the one before the first has ended
    assert starts[-1] + length - lead > now  # the one after the last is still taking orders
