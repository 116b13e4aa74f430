"""A clearing on one replica and critical requests' matches on another take turns per community on
PostgreSQL, so no offer's energy is sold twice (#13).

Two market coordinators on one database, each with its own engine (two hub processes' worth of
connections): one clears an interval while critical requests placed through either match at
once against the same offers. Asked for four times what is offered, the book is filled exactly,
never beyond an offer's energy in an interval.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from firmware_sims.clock import SimClock
from hub.db.engine import create_engine, migrate
from hub.db.models import EnergyRequest, Offer, Transaction, TransactionStatus, Urgency, UserRole
from hub.events import EventBus
from hub.market.coordinator import MarketCoordinator
from hub.market.standing import materialize_standing
from hub.metrics import HubMetrics
from hub.seed import ensure_community, ensure_site, ensure_user
from tests.hub.conftest import PASSWORD

INTERVAL = timedelta(minutes=15)
NOW = datetime(2026, 6, 21, 10, 7, tzinfo=UTC)  # mid-interval: the next one's gate is still open
CURRENT = NOW.replace(minute=0, second=0)
NEXT = CURRENT + INTERVAL
COMMUNITIES = [f"turns{i}" for i in range(4)]  # four races at once, so one is likely to overlap
OFFERED_WH = 1000  # per interval, by each of two providers
CRITICAL = 8  # critical requests per community, half through each replica
REGULAR = 2
ASKED_WH = 500  # each request, in the next interval


async def _seed(engine: AsyncEngine) -> dict[str, list[int]]:
    """Each community's book for the next interval; returns its critical requests' ids."""
    critical: dict[str, list[int]] = {}
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        for community in COMMUNITIES:
            await ensure_community(session, community)
            # One resident sells through both providers, another buys through every consumer
            # (not one for all: nobody trades with themselves), since each password hash is slow.
            for role in ("seller", "buyer"):
                await ensure_user(
                    session, f"{community}-{role}@example.org", PASSWORD, UserRole.RESIDENT, community
                )
            for n in range(2 + CRITICAL + REGULAR):
                kind, role = ("provider", "seller") if n < 2 else ("consumer", "buyer")
                owner = f"{community}-{role}@example.org"
                await ensure_site(
                    session, f"{community}-{n}", community, owner, kind, 48.137, 11.576 + n / 1000
                )
            for n in range(2):
                session.add(
                    Offer(
                        community=community,
                        site_id=f"{community}-{n}",
                        energy_wh=OFFERED_WH,
                        window_start=CURRENT,
                        window_end=NEXT + INTERVAL,
                        min_price=Decimal("0.1500"),
                        created_at=NOW,
                    )
                )
            requests = [
                EnergyRequest(
                    community=community,
                    site_id=f"{community}-{n}",
                    energy_wh=ASKED_WH,
                    window_start=NEXT,
                    window_end=NEXT + INTERVAL,
                    max_price=Decimal("0.2500"),
                    urgency=Urgency.CRITICAL if n < 2 + CRITICAL else Urgency.NORMAL,
                    created_at=NOW,
                )
                for n in range(2, 2 + CRITICAL + REGULAR)
            ]
            session.add_all(requests)
            await session.flush()
            critical[community] = [r.id for r in requests if r.urgency is Urgency.CRITICAL]
        await session.commit()
    return critical


@pytest.mark.postgres
async def test_a_clearing_and_critical_matches_on_two_replicas_never_sell_an_offers_energy_twice(
    pg_url: str,
) -> None:
    setup = create_engine(pg_url)
    await migrate(setup)
    critical = await _seed(setup)
    clock = SimClock.stepped(NOW)
    engines = [create_engine(pg_url), create_engine(pg_url)]
    markets = [
        MarketCoordinator(
            async_sessionmaker(engine, expire_on_commit=False),
            EventBus(),
            clock,
            HubMetrics(),
            materialize_standing,
        )
        for engine in engines
    ]
    try:
        async with async_sessionmaker(setup)() as session:
            by_id = {r.id: r for r in await session.scalars(select(EnergyRequest))}
        races: list[Awaitable[object]] = []
        for community in COMMUNITIES:
            races.append(markets[0].clear(community, NEXT))  # replica A owns the community
            races += [markets[i % 2].match_critical(by_id[rid]) for i, rid in enumerate(critical[community])]
        outcome = await asyncio.gather(*races, return_exceptions=True)
        assert not [o for o in outcome if isinstance(o, BaseException)], outcome

        async with async_sessionmaker(setup)() as session:
            trades = (
                await session.scalars(
                    select(Transaction).where(Transaction.status != TransactionStatus.CANCELLED)
                )
            ).all()
        sold: defaultdict[tuple[int | None, datetime], int] = defaultdict(int)
        bought: defaultdict[int | None, int] = defaultdict(int)
        for trade in trades:
            sold[trade.offer_id, trade.window_start] += trade.energy_wh
            bought[trade.request_id] += trade.energy_wh
        assert trades, outcome
        assert all(wh <= OFFERED_WH for wh in sold.values()), dict(sold)
        assert all(wh <= ASKED_WH for wh in bought.values()), dict(bought)
        # Asked for far more than is offered: every offer is sold out in the next interval.
        per_community: defaultdict[str, int] = defaultdict(int)
        for trade in trades:
            if trade.window_start == NEXT:
                per_community[trade.community] += trade.energy_wh
        assert per_community == dict.fromkeys(COMMUNITIES, 2 * OFFERED_WH)
    finally:
        for engine in [*engines, setup]:
            await engine.dispose()
