"""Raw readings by day (#13): partitions on PostgreSQL, a retention on both databases, aggregates kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from hub.cli import main
from hub.core.config import Settings
from hub.db.engine import create_engine, migrate
from hub.db.models import RawReading, SiteInterval
from hub.db.partitions import (
    AHEAD_DAYS,
    DEFAULT_PARTITION,
    LOCK_KEY,
    Plan,
    maintain,
    partition_name,
    plan,
)
from hub.events import EventBus
from hub.ingest.batch import Accepted
from hub.ingest.pipeline import Ingest
from powershare_wire import Quantity, Reading, Telemetry, Unit
from tests.conftest import BrokerAddress
from tests.helpers import eventually
from tests.hub.conftest import HubFactory

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)
SITE = "home-1"


def d(offset: int) -> date:
    return NOW.date() + timedelta(days=offset)


@pytest.mark.parametrize(
    ("existing", "retention_days", "expected"),
    [
        # nothing yet: today and three days ahead
        ([], 0, Plan([d(0), d(1), d(2), d(3)], [])),
        # kept forever: old days stay, only the missing days ahead are made
        ([d(-30), d(0), d(1)], 0, Plan([d(2), d(3)], [])),
        # 3 days: the cutoff (NOW - 3 d) falls inside day -3, which stays; day -4 ended before it
        ([d(-5), d(-4), d(-3), d(0), d(1), d(2), d(3)], 3, Plan([], [d(-5), d(-4)])),
    ],
)
def test_days_are_made_ahead_and_dropped_only_once_wholly_past_the_retention(
    existing: list[date], retention_days: int, expected: Plan
) -> None:
    assert plan(existing, NOW, retention_days) == expected


def snapshot(seq: int, ts: datetime) -> Reading:
    wh = float(seq * 100)  # whole Wh: the bookings compare exactly
    return Reading(
        seq=seq,
        ts=ts,
        device="site",
        values={
            "import_wh": Quantity(value=1000 + wh, unit=Unit.WH),
            "export_wh": Quantity(value=2 * wh, unit=Unit.WH),
        },
    )


def messages(readings: list[Reading]) -> list[Accepted]:
    return [Accepted("north", Telemetry(site=SITE, readings=[r])) for r in readings]


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


async def stored_times(ingest: Ingest) -> list[datetime]:
    async with ingest._engine.connect() as conn:
        return list(await conn.scalars(select(RawReading.ts).order_by(RawReading.ts)))


async def intervals(ingest: Ingest) -> list[tuple[object, ...]]:
    async with ingest._engine.connect() as conn:
        columns = (SiteInterval.start, SiteInterval.import_wh, SiteInterval.export_wh, SiteInterval.readings)
        rows = await conn.execute(select(*columns).order_by(SiteInterval.start))
        return [tuple(row) for row in rows]


async def partitions_of_rows(ingest: Ingest) -> dict[datetime, str]:
    async with ingest._engine.connect() as conn:
        rows = await conn.execute(text("SELECT ts, tableoid::regclass::text FROM readings"))
        return {ts: str(part) for ts, part in rows}


async def test_retention_removes_old_raw_readings_and_keeps_the_interval_energy(db_url: str) -> None:
    # Six daily snapshots, the newest now: their energy is booked in intervals from the counters.
    readings = [snapshot(seq, NOW - (5 - seq) * DAY) for seq in range(6)]
    async with ingest_on(db_url) as ingest:
        for past in (6, 3, 0):  # a hub that ran all week made each day's partition ahead
            await maintain(ingest._engine, NOW - past * DAY, 0)
        await ingest.write(messages(readings))
        booked = await intervals(ingest)
        assert booked  # the test means something only if energy was booked

        report = await maintain(ingest._engine, NOW, 3)

        assert await stored_times(ingest) == [r.ts for r in readings[2:]]  # 3 days back and newer
        assert await intervals(ingest) == booked
        if ingest._engine.dialect.name == "postgresql":
            assert report.dropped == [partition_name(d(-6)), partition_name(d(-5)), partition_name(d(-4))]
            assert report.deleted == 0  # whole days went; nothing was deleted row by row
        else:
            assert report.deleted == 2


async def test_a_retention_of_zero_keeps_every_raw_reading(db_url: str) -> None:
    readings = [snapshot(seq, NOW - (400 - seq) * DAY) for seq in range(0, 400, 100)]
    async with ingest_on(db_url) as ingest:
        await ingest.write(messages(readings))
        await maintain(ingest._engine, NOW, 0)
        assert await stored_times(ingest) == [r.ts for r in readings]


@pytest.mark.postgres
async def test_readings_land_in_their_days_partition_and_replays_are_still_dropped(pg_url: str) -> None:
    """Readings that came before their day's partition are moved into it when it is made; a
    replay after that (the agent sending again from its spool) adds nothing, in any partition."""
    now = datetime.now(UTC)  # ingest refuses readings from the future, so today is the real today
    yesterday = now - DAY
    readings = [snapshot(1, yesterday), snapshot(2, yesterday + timedelta(minutes=1)), snapshot(3, now)]
    async with ingest_on(pg_url) as ingest:
        await ingest.write(messages(readings))  # no day partitions yet: all in the default one
        assert set((await partitions_of_rows(ingest)).values()) == {DEFAULT_PARTITION}

        report = await maintain(ingest._engine, yesterday, 0)  # makes yesterday's and today's
        assert partition_name(yesterday.date()) in report.created

        assert await partitions_of_rows(ingest) == {r.ts: partition_name(r.ts.date()) for r in readings}
        booked = await intervals(ingest)
        duplicates = ingest.stats.duplicates

        await ingest.write(messages(readings))

        assert await stored_times(ingest) == [r.ts for r in readings]
        assert ingest.stats.duplicates == duplicates + 3
        assert await intervals(ingest) == booked


@pytest.mark.postgres
async def test_one_replica_at_a_time_maintains_the_partitions(pg_url: str) -> None:
    async with ingest_on(pg_url) as ingest, ingest._engine.connect() as other:
        await other.exec_driver_sql(f"SELECT pg_advisory_lock({LOCK_KEY})")  # another replica at work

        report = await maintain(ingest._engine, NOW, 0)

        assert report.skipped
        async with ingest._engine.connect() as conn:
            parts = await conn.exec_driver_sql(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass"
            )
            assert parts.scalar_one() == 1  # the default partition only
        await other.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_KEY})")
        assert (await maintain(ingest._engine, NOW, 0)).created == [partition_name(d(n)) for n in range(4)]


@pytest.mark.postgres
async def test_a_starting_hub_makes_the_coming_days_partitions(
    amqtt_broker: BrokerAddress, pg_url: str, start_hub: HubFactory
) -> None:
    today = datetime.now(UTC).date()
    expected = {partition_name(today + timedelta(days=n)) for n in range(AHEAD_DAYS + 1)}

    async def partitions() -> set[str]:
        engine = create_engine(pg_url)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    text(
                        "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid"
                        " WHERE i.inhparent = 'readings'::regclass"
                    )
                )
                return {str(name) for (name,) in rows}
        finally:
            await engine.dispose()

    async with start_hub(amqtt_broker, pg_url):
        await eventually(partitions, lambda names: expected <= names, what="the days' partitions")


def test_maintain_readings_applies_the_retention_at_once(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    readings = [snapshot(1, now - 10 * DAY), snapshot(2, now - timedelta(hours=1))]

    async def seed() -> None:
        async with ingest_on(sqlite_url) as ingest:
            await ingest.write(messages(readings))

    async def times() -> list[datetime]:
        async with ingest_on(sqlite_url) as ingest:
            return await stored_times(ingest)

    asyncio.run(seed())
    monkeypatch.setenv("POWERSHARE_RAW_RETENTION_DAYS", "3")

    main(["maintain-readings", "--database-url", sqlite_url])

    assert "old raw readings deleted: 1" in capsys.readouterr().out
    assert asyncio.run(times()) == [readings[1].ts]
