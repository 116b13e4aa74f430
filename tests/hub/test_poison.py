"""One bad message costs only itself (#12): the rest of its batch is stored and booked exactly."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.config import Settings
from hub.db.engine import create_engine, migrate
from hub.db.models import Device, RawReading, Site, SiteInterval
from hub.events import EventBus
from hub.ingest.batch import Accepted
from hub.ingest.pipeline import Ingest
from powershare_wire import DeviceInfo, Quantity, Reading, Role, Status, Telemetry, Unit
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
COMMUNITY = "north"
SITES = ("home-a", "home-b")
BAD = ("home-b", 37)  # the message PostgreSQL cannot store: a site snapshot in the middle of its chain


def snapshot(seq: int, values: dict[str, Quantity] | None = None) -> Reading:
    # Whole-Wh counters: the bookings are sums of exact floats, so "equal" can mean equal.
    wh = float(seq * 7)
    return Reading(
        seq=seq,
        ts=T0 + timedelta(seconds=30 * seq),  # 100 readings span four intervals
        device="site",
        values=values
        or {
            "import_wh": Quantity(value=1000 + wh, unit=Unit.WH),
            "export_wh": Quantity(value=2 * wh, unit=Unit.WH),
            "production_wh": Quantity(value=3 * wh, unit=Unit.WH),
        },
    )


def with_nul(seq: int) -> Reading:
    """Passed validation before #12; the database refused the NUL (22P05) of its batch."""
    good = snapshot(seq)
    values = {**good.values, "import\x00wh": good.values["import_wh"]}
    return Reading.model_construct(seq=good.seq, ts=good.ts, device=good.device, values=values)


UNSTORABLE = 2**63  # added to a seq: past PostgreSQL's bigint


def unstorable(seq: int) -> Reading:
    """A site snapshot in its place in the chain that the database refuses (22003), by COPY or
    by INSERT; it comes from ``model_construct``, as validation would refuse it."""
    good = snapshot(seq)
    return Reading.model_construct(seq=UNSTORABLE + seq, ts=good.ts, device=good.device, values=good.values)


def message(site: str, reading: Reading) -> Telemetry:
    return Telemetry.model_construct(v=1, site=site, readings=[reading])


def topic(site: str) -> str:
    return f"powershare/v1/{COMMUNITY}/{site}/telemetry"


def arrivals() -> list[tuple[str, Reading]]:
    """200 single-reading messages of two sites, interleaved as they arrive live."""
    return [(site, snapshot(seq)) for seq in range(1, 101) for site in SITES]


@asynccontextmanager
async def ingest_on(url: str, batch_max: int = 1000) -> AsyncIterator[Ingest]:
    engine = create_engine(url)
    try:
        await migrate(engine)
        ingest = Ingest(engine, EventBus(), Settings(database_url=url, ingest_batch_max=batch_max))
        await ingest.load_sites()
        yield ingest
    finally:
        await engine.dispose()


async def intervals(ingest: Ingest, site: str) -> dict[datetime, tuple[float, ...]]:
    async with ingest._engine.connect() as conn:
        rows = await conn.execute(select(SiteInterval).where(SiteInterval.site_id == site))
        return {
            r.start: (r.import_wh, r.export_wh, r.production_wh, r.consumption_wh, r.readings) for r in rows
        }


async def stored(ingest: Ingest, site: str) -> list[int]:
    async with ingest._engine.connect() as conn:
        query = select(RawReading.seq).where(RawReading.site_id == site).order_by(RawReading.seq)
        return list(await conn.scalars(query))


async def reference(
    ingest: Ingest, without: set[tuple[str, int]] | None = None
) -> dict[str, dict[datetime, tuple[float, ...]]]:
    """The intervals of the same 200 messages without the bad ones, in one batch, under other names."""
    left_out = without if without is not None else {BAD}
    await ingest.write(
        [
            Accepted(COMMUNITY, message(f"ref-{site}", reading))
            for site, reading in arrivals()
            if (site, reading.seq) not in left_out
        ]
    )
    return {site: await intervals(ingest, f"ref-{site}") for site in SITES}


def rejected(ingest: Ingest, reason: str) -> float | None:
    return ingest.stats.metrics.registry.get_sample_value(
        "powershare_ingest_rejected_total", {"reason": reason}
    )


async def run_writer_until(ingest: Ingest, acknowledged: asyncio.Event) -> None:
    writer = asyncio.create_task(ingest.run_writer())
    try:
        await asyncio.wait_for(acknowledged.wait(), 60)
    finally:
        writer.cancel()


@pytest.mark.postgres
async def test_a_message_the_database_refuses_costs_only_itself(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The writer splits the refused batch until the bad message stands alone; the bookings of
    the other 199 readings equal those of the same batch without it, though the plans of the
    batches around it (50 readings each, two in flight) counted on it."""
    async with ingest_on(pg_url, batch_max=50) as ingest:
        expected = await reference(ingest)
        acked: list[tuple[str, int]] = []
        everything = asyncio.Event()

        def ack(key: tuple[str, int]) -> None:
            acked.append(key)
            if len(acked) == 200:
                everything.set()

        for site, reading in arrivals():
            key = (site, reading.seq)
            if key == BAD:  # as if validation had let it through: straight into the writer's queue
                bad = Accepted(COMMUNITY, message(site, unstorable(reading.seq)), partial(ack, key))
                ingest._queue.put_nowait(bad)
            else:
                ingest.submit(
                    topic(site), message(site, reading).model_dump_json().encode(), partial(ack, key)
                )
        with caplog.at_level(logging.WARNING, logger="hub.ingest"):
            await run_writer_until(ingest, everything)

        assert sorted(acked) == sorted((site, r.seq) for site, r in arrivals())  # each acknowledged
        assert await stored(ingest, "home-a") == list(range(1, 101))
        assert await stored(ingest, "home-b") == [seq for seq in range(1, 101) if seq != BAD[1]]
        assert {site: await intervals(ingest, site) for site in SITES} == expected
        assert ingest.stats.rejected == {"write_refused": 1}
        assert rejected(ingest, "write_refused") == 1
        # the batch of 50 and each half that held the bad message: 50, 25, 13, 7, 4, 2, 1
        registry = ingest.stats.metrics.registry
        assert registry.get_sample_value("powershare_ingest_refused_writes_total") == 7
        refusals = [r.getMessage() for r in caplog.records if "write_refused" in r.getMessage()]
        assert len(refusals) == 1
        assert f"site 'home-b', seq {UNSTORABLE + 37}" in refusals[0]
        assert "22003" in refusals[0]  # PostgreSQL's numeric_value_out_of_range


@pytest.mark.postgres
async def test_validation_refuses_the_nul_before_it_reaches_the_database(pg_url: str) -> None:
    async with ingest_on(pg_url, batch_max=50) as ingest:
        expected = await reference(ingest)
        results = []
        for site, reading in arrivals():
            reading = with_nul(reading.seq) if (site, reading.seq) == BAD else reading
            results.append(ingest.submit(topic(site), message(site, reading).model_dump_json().encode()))
        assert results.count(False) == 1
        assert ingest.stats.rejected == {"control_character": 1}
        assert rejected(ingest, "control_character") == 1
        await ingest.write(_drain(ingest))
        assert len(await stored(ingest, "home-a")) + len(await stored(ingest, "home-b")) == 199
        assert {site: await intervals(ingest, site) for site in SITES} == expected


@pytest.mark.postgres
@pytest.mark.parametrize(
    "bad",
    [
        {("home-a", 1)},  # the first of a batch, before any chain head
        {("home-b", 100)},  # the last
        {("home-a", 50), ("home-b", 50), ("home-a", 51)},  # side by side, both sites
        {("home-a", seq) for seq in range(5, 101, 10)},  # ten, spread out
    ],
)
async def test_any_number_of_refused_messages_cost_only_themselves(
    pg_url: str, bad: set[tuple[str, int]]
) -> None:
    async with ingest_on(pg_url) as ingest:
        expected = await reference(ingest, without=bad)
        await ingest.write(
            [
                Accepted(COMMUNITY, message(site, unstorable(r.seq) if (site, r.seq) in bad else r))
                for site, r in arrivals()
            ]
        )
        for site in SITES:
            assert await stored(ingest, site) == [seq for seq in range(1, 101) if (site, seq) not in bad]
        assert {site: await intervals(ingest, site) for site in SITES} == expected
        assert ingest.stats.rejected == {"write_refused": len(bad)}


def _drain(ingest: Ingest) -> list[Accepted]:
    items = []
    while not ingest._queue.empty():
        item = ingest._queue.get_nowait()
        assert item is not None
        items.append(item)
    return items


async def test_a_bad_reading_costs_only_itself_in_a_backlog_message(db_url: str) -> None:
    """An agent draining its spool sends many readings in one message: the bad one is dropped alone."""
    readings = [snapshot(seq) for seq in range(1, 6)]
    bad = readings[2].model_dump(mode="json")
    bad["values"]["import_wh"]["value"] = -5e6  # a counter below zero: counter_delta would book it
    payload = Telemetry(site="home-a", readings=readings).model_dump(mode="json")
    payload["readings"][2] = bad
    async with ingest_on(db_url) as ingest:
        assert ingest.submit(topic("home-a"), json.dumps(payload).encode())
        await ingest.write(_drain(ingest))
        assert await stored(ingest, "home-a") == [1, 2, 4, 5]
        assert ingest.stats.rejected == {"out_of_bounds": 1}
        assert rejected(ingest, "out_of_bounds") == 1


@pytest.mark.postgres
async def test_a_device_problem_longer_than_its_column_is_stored_shortened(pg_url: str) -> None:
    problem = "no answer; " * 100  # 1100 characters; the column holds 500
    status = Status(
        site="home-a",
        online=True,
        ts=T0,
        devices=[DeviceInfo(serial="inv-1", role=Role.PV, ok=False, problem=problem)],
    )
    async with ingest_on(pg_url) as ingest:
        await ingest.write([Accepted(COMMUNITY, status)])
        async with ingest._engine.connect() as conn:
            kept = await conn.scalar(select(Device.problem).where(Device.serial == "inv-1"))
        assert kept == problem[:500]
        assert ingest.stats.rejected == {}


async def test_a_hub_starts_over_a_stored_snapshot_that_validation_now_refuses(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A 1e308 W snapshot stored before #12 must not keep the hub from starting."""
    async with ingest_on(db_url) as ingest:
        await ingest.write([Accepted(COMMUNITY, message("home-a", snapshot(1)))])
        poison = snapshot(2).model_dump(mode="json")
        poison["values"]["pv_w"] = {"value": 1e308, "unit": "W"}
        async with ingest._engine.begin() as conn:
            await conn.execute(update(Site).where(Site.id == "home-a").values(latest=poison))
    with caplog.at_level(logging.WARNING, logger="hub.ingest"):
        async with ingest_on(db_url) as restarted:
            await restarted.write([Accepted(COMMUNITY, message("home-a", snapshot(3)))])
            assert await stored(restarted, "home-a") == [1, 3]
    assert any("'home-a': its stored snapshot is no longer valid" in r.getMessage() for r in caplog.records)


async def test_a_stored_snapshot_todays_rules_refuse_shows_as_no_reading(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        resident = await hub.resident("r@example.org", "home-odd", community)

        async def poison(session: AsyncSession) -> None:
            await session.execute(
                update(Site)
                .where(Site.id == "home-odd")
                .values(
                    latest={
                        "seq": 1,
                        "ts": "2026-06-21T10:00:00Z",
                        "device": "site",
                        "values": {"pv_w": {"value": 1e308, "unit": "W"}},
                    }
                )
            )

        await hub.seed(poison)
        listed = await resident.get("/api/sites")
        assert listed.status_code == 200, listed.text
        [site] = [s for s in listed.json() if s["site"] == "home-odd"]
        assert site["reading"] is None
