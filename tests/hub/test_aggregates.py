"""Interval aggregates: idempotent, correct for late readings and counter resets, order-free."""

from __future__ import annotations

import itertools
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hub.core.config import Settings
from hub.db.engine import create_engine, migrate
from hub.db.models import SiteInterval
from hub.energy.intervals import Energy, energy_between
from hub.events import EventBus
from hub.ingest.aggregates import Bookings, snapshot_of
from hub.ingest.batch import Accepted
from hub.ingest.pipeline import Ingest
from powershare_wire import Quantity, Reading, Telemetry, Unit

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SITE = "home-a"


def counters(seq: int, minutes: float, import_wh: float, export_wh: float = 0.0) -> Reading:
    return Reading(
        seq=seq,
        ts=T0 + timedelta(minutes=minutes),
        device="site",
        values={
            "import_wh": Quantity(value=import_wh, unit=Unit.WH),
            "export_wh": Quantity(value=export_wh, unit=Unit.WH),
        },
    )


@asynccontextmanager
async def ingest_on(url: str) -> AsyncIterator[Ingest]:
    engine = create_engine(url)
    try:
        await migrate(engine)
        ingest = Ingest(engine, EventBus(), Settings(database_url=url))
        await ingest.load_sites()
        yield ingest
    finally:
        await engine.dispose()


async def send(ingest: Ingest, *readings: Reading) -> None:
    await ingest.write([Accepted("north", Telemetry(site=SITE, readings=list(readings)))])


async def intervals(ingest: Ingest) -> dict[int, tuple[float, float, int]]:
    """Minute offset from T0 → (import, export, readings)."""
    async with ingest._engine.connect() as conn:
        rows = await conn.execute(select(SiteInterval).where(SiteInterval.site_id == SITE))
        return {
            int((r.start - T0).total_seconds() // 60): (
                round(r.import_wh, 6),
                round(r.export_wh, 6),
                r.readings,
            )
            for r in rows
        }


async def test_in_order_readings_fill_their_intervals_and_replays_add_nothing(db_url: str) -> None:
    readings = [counters(1, 0, 0), counters(2, 5, 100), counters(3, 10, 250), counters(4, 15, 400, 7)]
    async with ingest_on(db_url) as ingest:
        await send(ingest, *readings[:2])
        await send(ingest, *readings[2:])
        expected = {0: (250.0, 0.0, 3), 15: (150.0, 7.0, 1)}
        assert await intervals(ingest) == expected
        await send(ingest, *readings)  # an agent replaying its spool
        assert await intervals(ingest) == expected
    async with ingest_on(db_url) as restarted:  # the chain survives a hub restart
        await send(restarted, counters(5, 20, 450, 7))
        assert await intervals(restarted) == {0: (250.0, 0.0, 3), 15: (200.0, 7.0, 2)}


async def test_a_late_reading_updates_its_interval_and_the_next(db_url: str) -> None:
    async with ingest_on(db_url) as ingest:
        await send(ingest, counters(1, 0, 0), counters(3, 20, 300))
        assert await intervals(ingest) == {0: (0.0, 0.0, 1), 15: (300.0, 0.0, 1)}
        await send(ingest, counters(2, 10, 100))
        assert await intervals(ingest) == {0: (100.0, 0.0, 2), 15: (200.0, 0.0, 1)}


async def test_a_counter_that_goes_backwards_is_a_reset(sqlite_url: str) -> None:
    async with ingest_on(sqlite_url) as ingest:
        await send(
            ingest, counters(1, 0, 1000), counters(2, 5, 1100), counters(3, 10, 30), counters(4, 14, 50)
        )
        assert await intervals(ingest) == {0: (150.0, 0.0, 4)}


def site_power(seq: int, minutes: float, pv_w: float, wind_w: float | None) -> Reading:
    values = {"pv_w": Quantity(value=pv_w, unit=Unit.W)}
    if wind_w is not None:
        values["wind_w"] = Quantity(value=wind_w, unit=Unit.W)
    return Reading(seq=seq, ts=T0 + timedelta(minutes=minutes), device="site", values=values)


async def test_wind_is_booked_apart_and_inside_production(db_url: str) -> None:
    """production_wh is solar and wind, wind_wh the wind part (#10); an agent before wind_w books none."""
    async with ingest_on(db_url) as ingest:
        await send(ingest, site_power(1, 0, 1200, 2400), site_power(2, 10, 1200, 2400))
        await ingest.write([Accepted("north", Telemetry(site="old-agent", readings=[
            site_power(1, 0, 3600, None), site_power(2, 10, 3600, None),
        ]))])  # fmt: skip
        async with ingest._engine.connect() as conn:
            rows = await conn.execute(select(SiteInterval).where(SiteInterval.start == T0))
            booked = {r.site_id: (round(r.production_wh, 6), round(r.wind_wh, 6)) for r in rows}
    assert booked == {SITE: (600.0, 400.0), "old-agent": (600.0, 0.0)}


@st.composite
def arrivals(draw: st.DrawFn) -> tuple[list[Reading], list[list[Reading]]]:
    steps = draw(st.lists(st.tuples(st.integers(1, 600), st.floats(0, 500)), min_size=2, max_size=12))
    readings, minute, total = [], 0.0, 0.0
    for seq, (gap_s, energy) in enumerate(steps):
        minute += gap_s / 60
        reset = draw(st.booleans()) and seq % 5 == 4
        total = energy if reset else total + energy
        readings.append(counters(seq, minute, total))
    order = draw(st.permutations(readings))
    cuts = sorted(draw(st.sets(st.integers(1, len(order) - 1), max_size=3)))
    batches = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
    return readings, batches


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=arrivals())
async def test_arrival_order_does_not_change_the_intervals(
    case: tuple[list[Reading], list[list[Reading]]],
) -> None:
    in_order, batches = case
    with tempfile.TemporaryDirectory() as tmp:
        async with ingest_on(f"sqlite+aiosqlite:///{tmp}/a-{uuid.uuid4().hex}.db") as ingest:
            await send(ingest, *in_order)
            expected = await intervals(ingest)
        async with ingest_on(f"sqlite+aiosqlite:///{tmp}/b-{uuid.uuid4().hex}.db") as ingest:
            for batch in batches:
                await send(ingest, *batch)
            got = await intervals(ingest)
    assert got.keys() == expected.keys()
    for key, (imp, exp, count) in expected.items():
        assert got[key][0] == pytest.approx(imp, abs=1e-6)
        assert got[key][1:] == (exp, count)


@settings(max_examples=60, deadline=None)
@given(case=arrivals())
def test_a_chain_books_each_step_into_the_interval_it_ends_in(
    case: tuple[list[Reading], list[list[Reading]]],
) -> None:
    """Summing per interval (the fast path) equals booking reading by reading."""
    readings, _batches = case
    expected = Bookings()
    for earlier, later in itertools.pairwise(readings):
        expected.count(SITE, later.ts, energy_between(snapshot_of(earlier), snapshot_of(later)))
    expected.count(SITE, readings[0].ts, Energy())  # the first reading is counted, with no energy
    got = Bookings()
    head = got.chain(SITE, None, readings)
    assert head is not None
    assert head.seq == readings[-1].seq
    assert sorted(got.readings.items()) == sorted(expected.readings.items())
    for key, energy in expected.energy.items():
        assert got.energy[key].import_wh == pytest.approx(energy.import_wh, abs=1e-6)
        assert got.energy[key].export_wh == pytest.approx(energy.export_wh, abs=1e-6)


async def test_a_community_taken_over_chains_from_what_the_other_replica_stored(db_url: str) -> None:
    """Replica B loaded its heads, then A ingested the site; once B hears the community (its lease
    moved), B chains from A's newest reading, so A's energy is not booked a second time."""
    async with ingest_on(db_url) as a:
        await send(a, counters(1, 0, 0))
        async with ingest_on(db_url) as b:  # B starts: the site's head is seq 1
            await send(a, counters(2, 5, 100), counters(3, 10, 250))
            await b.reload_heads(frozenset({"north"}))  # as B's telemetry link starts hearing it
            await send(b, counters(4, 14, 300))
            assert await intervals(b) == {0: (300.0, 0.0, 4)}
