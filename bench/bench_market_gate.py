"""A 1,000-site community at gate closure, on PostgreSQL: standing orders become orders, the
book is matched, transactions stored and events pushed (goal ≤ 2 s).

The baseline is the database's own floor for the same work measured in the same run: one bare
INSERT of as many transaction rows as the clearing made, and one commit.

    .venv/bin/python bench/bench_market_gate.py [--sites 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from hub.auth.passwords import hash_password
from hub.db.engine import create_engine, migrate
from hub.db.models import (
    Community,
    Site,
    SiteInterval,
    SiteKind,
    StandingKind,
    StandingOrder,
    Transaction,
    User,
)
from hub.events import EventBus, market_channel, site_channel
from hub.market.coordinator import MarketCoordinator
from hub.market.standing import materialize_standing
from hub.metrics import HubMetrics

PG_ADMIN = "postgresql://127.0.0.1:5432/test"
COMMUNITY = "bench"
START = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)  # late morning: suns shine, homes use energy
INTERVAL = timedelta(minutes=15)
CENTRE = (51.3268, 9.1700)


class FixedClock:
    speed = 1.0

    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def timestamp(self) -> float:
        return self._now.timestamp()


@contextmanager
def fresh_database() -> Iterator[str]:
    name = f"powershare_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+psycopg://127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def homes(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Consumers, PV providers and hybrids with batteries, scattered over ~3 km."""
    found = []
    for i in range(count):
        kind = (SiteKind.CONSUMER, SiteKind.PROVIDER, SiteKind.HYBRID)[i % 3]
        assets: list[dict[str, Any]] = []
        if kind is not SiteKind.CONSUMER:
            assets.append({"kind": "solar", "power_kw": rng.uniform(4, 12)})
        if kind is SiteKind.HYBRID:
            assets.append({"kind": "battery", "power_kw": 5.0, "energy_kwh": 10.0})
        found.append(
            {
                "id": f"home-{i:04d}",
                "kind": kind,
                "lat": CENTRE[0] + rng.uniform(-0.015, 0.015),
                "lon": CENTRE[1] + rng.uniform(-0.02, 0.02),
                "assets": assets,
                "soc": rng.uniform(30, 90),
            }
        )
    return found


async def seed(url: str, count: int) -> None:
    rng = random.Random(5)
    engine = create_engine(url)
    await migrate(engine)
    one_hash = hash_password("bench-password")  # one hash for all: argon2 is slow on purpose
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        session.add(Community(id=COMMUNITY, name=COMMUNITY, timezone="Europe/Berlin"))
        await session.flush()
        plan = homes(count, rng)
        await session.execute(
            insert(User),
            [{"email": f"{h['id']}@bench", "password_hash": one_hash, "community": COMMUNITY} for h in plan],
        )
        users = dict(
            (await session.execute(User.__table__.select().with_only_columns(User.email, User.id)))
            .tuples()
            .all()
        )
        await session.execute(
            insert(Site),
            [
                {
                    "id": h["id"],
                    "community": COMMUNITY,
                    "owner_id": users[f"{h['id']}@bench"],
                    "name": h["id"],
                    "kind": h["kind"],
                    "lat": h["lat"],
                    "lon": h["lon"],
                    "assets": h["assets"],
                    "latest": {"values": {"soc_pct": {"value": h["soc"], "unit": "%"}}},
                }
                for h in plan
            ],
        )
        rules: list[tuple[str, StandingKind, Decimal, int | None]] = []
        for i, h in enumerate(plan):
            spread = Decimal(i % 5) / 100
            if h["kind"] is not SiteKind.CONSUMER:
                rules.append((h["id"], StandingKind.SELL_SURPLUS, Decimal("0.1000") + spread, None))
            if h["kind"] is SiteKind.HYBRID:
                rules.append((h["id"], StandingKind.SELL_BATTERY, Decimal("0.1800") + spread, 40))
            if h["kind"] is not SiteKind.PROVIDER:
                rules.append((h["id"], StandingKind.BUY_DEFICIT, Decimal("0.2200") + spread, None))
        await session.execute(
            insert(StandingOrder),
            [
                {
                    "community": COMMUNITY,
                    "site_id": site,
                    "kind": kind,
                    "price": price,
                    "min_soc_pct": soc,
                    "from_hour": 0 if soc else None,
                    "to_hour": 24 if soc else None,
                }
                for site, kind, price, soc in rules
            ],
        )
        await session.execute(insert(SiteInterval), list(history(plan, rng)))
        await session.commit()
    await engine.dispose()


def history(plan: list[dict[str, Any]], rng: random.Random) -> Iterator[dict[str, Any]]:
    """What the forecast reads: the last 24 h and the same time of day on the 7 days before."""
    starts = [START - INTERVAL * k for k in range(1, 97)]
    starts += [START - timedelta(days=d) for d in range(2, 8)]
    for h in plan:
        kwp = sum(a["power_kw"] for a in h["assets"] if a["kind"] == "solar")
        for start in starts:
            daylight = max(0.0, 1 - abs(start.hour + start.minute / 60 - 11) / 7)
            produced = kwp * 250 * daylight * rng.uniform(0.6, 1.0)
            used = rng.uniform(60, 200)
            yield {
                "site_id": h["id"],
                "start": start,
                "production_wh": produced,
                "import_wh": max(used - produced, 0.0),
                "export_wh": max(produced - used, 0.0),
                "readings": 15,
            }


@dataclass(frozen=True)
class Gate:
    prepare_s: float  # standing orders → orders, ahead of the gate
    clear_s: float  # the gate: book → matched → stored → pushed
    trades: int
    orders: int
    pushed: int


async def gate(url: str, sites: int) -> Gate:
    engine = create_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    bus = EventBus()
    clock = FixedClock(START - timedelta(minutes=5))  # the gate of the interval at START
    coordinator = MarketCoordinator(sessions, bus, clock, HubMetrics(), materialize_standing)
    with ExitStack() as browsers:
        # Every home has a browser open on its site and the market.
        subscriptions = [
            browsers.enter_context(
                bus.subscribe(None, 4096, [site_channel(f"home-{i:04d}"), market_channel(COMMUNITY)])
            )
            for i in range(sites)
        ]
        began = time.perf_counter()
        await coordinator.prepare(COMMUNITY, START)
        prepared = time.perf_counter() - began
        began = time.perf_counter()
        interval = await coordinator.clear(COMMUNITY, START)
        took = time.perf_counter() - began
        pushed = sum(s.pending() for s in subscriptions)
    await engine.dispose()
    return Gate(prepared, took, interval.trades, interval.requests + interval.offers, pushed)


async def baseline(url: str, rows: int) -> float:
    engine = create_engine(url)
    async with async_sessionmaker(engine)() as session:
        template = {
            "community": COMMUNITY,
            "seller_site_id": "home-0001",
            "buyer_site_id": "home-0000",
            "energy_wh": 100,
            "energy_price": Decimal("0.1500"),
            "fee": Decimal("0.0100"),
            "mechanism": "pay_as_clear",
            "window_start": START + INTERVAL,
            "window_end": START + 2 * INTERVAL,
            "created_at": START,
            "updated_at": START,
        }
        began = time.perf_counter()
        await session.execute(insert(Transaction), [template] * rows)
        await session.commit()
        took = time.perf_counter() - began
    await engine.dispose()
    return took


async def run(sites: int) -> None:
    with fresh_database() as url:
        print(f"seeding {sites} sites with standing orders and a day of history …", flush=True)
        await seed(url, sites)
        result = await gate(url, sites)
        floor = await baseline(url, max(result.trades, 1))
    print(f"\n{sites} sites, {result.orders} orders in the book, {result.trades} trades")
    print(f"{'figure':52} {'measured':>10} {'goal':>8} {'baseline':>10} {'ratio':>7}")
    print(
        f"{'gate closure → transactions stored, events pushed':52}"
        f" {result.clear_s:>9.3f}s {'≤ 2 s':>8} {floor:>9.3f}s {result.clear_s / floor:>6.1f}×"
    )
    print(f"{'standing orders → orders (ahead of the gate)':52} {result.prepare_s:>9.3f}s")
    print(f"{'events waiting in browsers afterwards':52} {result.pushed:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    asyncio.run(run(parser.parse_args().sites))


if __name__ == "__main__":
    main()
