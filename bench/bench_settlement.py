"""Settling a day on PostgreSQL: a 1,000-site community with 2,000 trades in each of 96 intervals
(goal ≤ 10 s; the first half one interval at a time as a running hub does, the rest in one
catch-up as a hub back from downtime does), and re-settling one interval after a late reading
(goal ≤ 100 ms). Every site has a resident, who is told of each settlement.

The baseline is the database's own floor measured in the same run: one bare INSERT of as many
ledger lines as the day's settlement posted, and one commit.

    .venv/bin/python bench/bench_settlement.py [--sites 1000] [--trades 2000] [--intervals 96]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench_market_gate import FixedClock, fresh_database  # a sibling: bench/ is on the path when run
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

import hub.market.settler as settler_module
from hub.core.gc_tuning import tune_gc
from hub.db.engine import create_engine, migrate
from hub.db.models import Community, LedgerLine, Site, SiteInterval, SiteKind, Transaction, User
from hub.events import EventBus
from hub.market.settler import SettlementCoordinator
from hub.metrics import HubMetrics

COMMUNITY = "bench"
DAY = datetime(2026, 6, 21, tzinfo=UTC)
INTERVAL = timedelta(minutes=15)


async def seed(url: str, sites: int, trades: int, intervals: int) -> None:
    rng = random.Random(7)
    engine = create_engine(url)
    await migrate(engine)
    ids = [f"home-{i:04d}" for i in range(sites)]
    sellers, buyers = ids[: sites // 2], ids[sites // 2 :]
    async with async_sessionmaker(engine)() as session:
        session.add(Community(id=COMMUNITY, name=COMMUNITY, settlement_grace_s=0))
        await session.flush()
        # Every site has a resident, so each settlement also tells a thousand households.
        owners = await session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [{"email": f"{site}@example.org", "password_hash": "-", "community": COMMUNITY} for site in ids],
        )
        await session.execute(
            insert(Site),
            [
                {
                    "id": site,
                    "community": COMMUNITY,
                    "name": site,
                    "kind": SiteKind.HYBRID,
                    "assets": [],
                    "owner_id": owner,
                }
                for site, owner in zip(ids, owners, strict=True)
            ],
        )
        for k in range(intervals):
            start = DAY + k * INTERVAL
            rows: list[dict[str, Any]] = []
            sold: dict[str, int] = dict.fromkeys(ids, 0)
            bought: dict[str, int] = dict.fromkeys(ids, 0)
            for _ in range(trades):
                seller, buyer = rng.choice(sellers), rng.choice(buyers)
                wh = rng.randint(50, 400)
                sold[seller] += wh
                bought[buyer] += wh
                rows.append(
                    {
                        "community": COMMUNITY,
                        "seller_site_id": seller,
                        "buyer_site_id": buyer,
                        "energy_wh": wh,
                        "energy_price": Decimal("0.1500"),
                        "fee": Decimal("0.0200"),
                        "mechanism": "pay_as_clear",
                        "window_start": start,
                        "window_end": start + INTERVAL,
                    }
                )
            await session.execute(insert(Transaction), rows)
            # Meters: most deliver in full, some fall short, a few sites send nothing.
            meters = [
                {
                    "site_id": site,
                    "start": start,
                    "import_wh": bought[site] * rng.choice((1.0, 1.0, 1.2, 0.8)),
                    "export_wh": sold[site] * rng.choice((1.0, 1.0, 1.1, 0.7)),
                    "readings": 15,
                }
                for site in ids
                if rng.random() > 0.01
            ]
            await session.execute(insert(SiteInterval), meters)
        await session.commit()
    await engine.dispose()


async def settle_day(url: str, intervals: int) -> tuple[float, float, float, int]:
    engine = create_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    clock = FixedClock(DAY + intervals * INTERVAL + timedelta(minutes=1))
    settler = SettlementCoordinator(sessions, EventBus(), clock, HubMetrics())
    tune_gc()  # the collector as the hub's lifespan sets it
    # The first half one interval at a time, as a running hub settles each when it is due; the
    # rest in one catch-up, as a hub that was down settles what it missed.
    half = intervals // 2
    began = time.perf_counter()
    for k in range(half):
        await settler.settle(COMMUNITY, DAY + k * INTERVAL)
    one_by_one = time.perf_counter() - began
    settler_module.CATCH_UP = clock.now() - DAY  # look back only to the day: before it lies nothing
    caught_up = await settler.settle_due(COMMUNITY)
    day = time.perf_counter() - began
    assert caught_up == intervals - half, "catch-up should settle every interval left"
    # A late reading: one seller's backlog shows more export in the day's middle interval.
    late = DAY + (intervals // 2) * INTERVAL
    async with sessions() as session:
        seller = await session.scalar(  # a seller whose meter reported then (1 % of sites did not)
            select(SiteInterval.site_id)
            .where(SiteInterval.start == late)
            .order_by(SiteInterval.export_wh.desc())
            .limit(1)
        )
        await session.execute(
            update(SiteInterval)
            .where(SiteInterval.site_id == seller, SiteInterval.start == late)
            .values(export_wh=SiteInterval.export_wh + 500, readings=SiteInterval.readings + 3)
        )
        await session.commit()
    began = time.perf_counter()
    changed = await settler.settle(COMMUNITY, late)
    again = time.perf_counter() - began
    assert changed, "the late reading should have changed the interval"
    async with sessions() as session:
        lines = await session.scalar(select(func.count()).select_from(LedgerLine)) or 0
    await engine.dispose()
    return day, one_by_one, again, lines


async def baseline(url: str, rows: int) -> float:
    engine = create_engine(url)
    template = {
        "community": COMMUNITY,
        "interval_start": DAY,
        "revision": 99,
        "entry": 0,
        "account": "site:home-0000",
        "kind": "trade",
        "amount": Decimal("0.0150"),
        "energy_wh": 100,
        "transaction_id": 1,
        "reversal": False,
    }
    async with async_sessionmaker(engine)() as session:
        began = time.perf_counter()
        await session.execute(insert(LedgerLine), [template] * rows)
        await session.commit()
        took = time.perf_counter() - began
    await engine.dispose()
    return took


async def run(sites: int, trades: int, intervals: int) -> None:
    with fresh_database() as url:
        print(f"seeding {sites} sites, {trades} trades in each of {intervals} intervals …", flush=True)
        await seed(url, sites, trades, intervals)
        day, one_by_one, again, lines = await settle_day(url, intervals)
        floor = await baseline(url, lines)
    print(f"\n{sites} sites, {trades * intervals} trades, {lines} ledger lines")
    print(f"{'figure':52} {'measured':>10} {'goal':>9} {'baseline':>10} {'ratio':>7}")
    print(
        f"{'settle one day (' + str(intervals) + ' intervals)':52} {day:>9.3f}s {'≤ 10 s':>9} {floor:>9.3f}s {day / floor:>6.1f}×"
    )
    per_interval_floor = floor / intervals
    half = intervals // 2
    for label, took, count in (
        ("  of which one interval at a time, per interval", one_by_one, half),
        ("  of which in catch-up, per interval", day - one_by_one, intervals - half),
    ):
        print(
            f"{label:52} {took / count * 1000:>8.1f}ms {'≤ 100 ms':>9}"
            f" {per_interval_floor * 1000:>8.1f}ms {took / count / per_interval_floor:>6.1f}×"
        )
    print(
        f"{'re-settle one interval after a late reading':52} {again * 1000:>8.1f}ms {'≤ 100 ms':>9}"
        f" {per_interval_floor * 1000:>8.1f}ms {again / per_interval_floor:>6.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--trades", type=int, default=2000)
    parser.add_argument("--intervals", type=int, default=96)
    args = parser.parse_args()
    asyncio.run(run(args.sites, args.trades, args.intervals))


if __name__ == "__main__":
    main()
