"""On PostgreSQL two batches are written at once; they still commit in order, exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from hub.core.config import Settings
from hub.db.engine import create_engine, migrate
from hub.db.models import RawReading, SiteInterval
from hub.events import EventBus
from hub.ingest import pipeline
from hub.ingest.batch import Batch
from hub.ingest.pipeline import Ingest
from powershare_wire import Telemetry
from tests.helpers import site_reading

pytestmark = pytest.mark.postgres

COMMUNITY = "north"


@asynccontextmanager
async def ingest_on(url: str) -> AsyncIterator[Ingest]:
    engine = create_engine(url)
    try:
        await migrate(engine)
        ingest = Ingest(engine, EventBus(), Settings(database_url=url, ingest_batch_max=50))
        await ingest.load_sites()
        yield ingest
    finally:
        await engine.dispose()


START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def payload(site: str, first: int, count: int) -> bytes:
    # A replay is the spooled reading sent again: same seq, same time (the key is site, seq, ts).
    readings = [site_reading(seq, ts=START + timedelta(seconds=seq)) for seq in range(first, first + count)]
    return Telemetry(site=site, readings=readings).model_dump_json().encode()


def topic(site: str) -> str:
    return f"powershare/v1/{COMMUNITY}/{site}/telemetry"


async def test_overlapping_writes_store_each_reading_once_and_book_it_once(pg_url: str) -> None:
    async with ingest_on(pg_url) as ingest:
        writer = asyncio.create_task(ingest.run_writer())
        acked: list[int] = []
        all_acked = asyncio.Event()

        def ack(n: int) -> None:
            acked.append(n)
            if len(acked) == 120 + 9:
                all_acked.set()

        try:
            for n in range(60):  # small batches, so several writes overlap
                for site in ("home-1", "home-2"):
                    ingest.submit(topic(site), payload(site, 1 + 10 * n, 10), partial(ack, n))
                if n % 7 == 3:  # a replay of an earlier message lands in a later batch
                    ingest.submit(topic("home-1"), payload("home-1", 1 + 10 * (n - 2), 10), partial(ack, -1))
                await asyncio.sleep(0)
            await asyncio.wait_for(all_acked.wait(), 30)
        finally:
            writer.cancel()
        async with ingest._engine.connect() as conn:
            stored = await conn.scalar(select(func.count()).select_from(RawReading))
            booked = await conn.scalar(select(func.sum(SiteInterval.readings)))
    assert stored == 2 * 600
    assert booked == 2 * 600  # replays and overlapping writes book nothing twice
    assert ingest.stats.as_dict()["duplicates"] == 9 * 10


async def test_a_write_stuck_behind_an_earlier_one_lets_go_and_retries(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write holding rows the earlier write needs must not wait for it forever (deadlock)."""
    monkeypatch.setattr(pipeline, "ORDER_WAIT_S", 0.2)
    async with ingest_on(pg_url) as ingest:
        earlier_done = asyncio.Event()

        async def earlier_write() -> None:  # an earlier write that cannot commit yet
            await earlier_done.wait()

        earlier = asyncio.create_task(earlier_write())
        acked: list[str] = []
        later_batch = ingest._new_batch()
        ingest.submit(topic("home-1"), payload("home-1", 1, 5), lambda: acked.append("later"))
        later_batch.add(ingest._queue.get_nowait())  # type: ignore[arg-type]
        later = asyncio.create_task(ingest.write_batch(later_batch, earlier))
        await asyncio.sleep(0.5)
        # the later write rolled back: the same readings go in without waiting on its locks
        ingest.submit(topic("home-1"), payload("home-1", 1, 5), lambda: acked.append("same"))
        same = ingest._queue.get_nowait()
        assert same is not None
        await asyncio.wait_for(ingest.write([same]), 5)
        assert acked == ["same"]
        earlier_done.set()
        await asyncio.wait_for(later, 5)
        assert acked == ["same", "later"]
        async with ingest._engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(RawReading)) == 5


def sealed_batch(ingest: Ingest, site: str, first: int, count: int, acked: list[str], name: str) -> Batch:
    batch = ingest._new_batch()
    ingest.submit(topic(site), payload(site, first, count), lambda: acked.append(name))
    item = ingest._queue.get_nowait()
    assert item is not None
    batch.add(item)
    ingest._seal(batch)
    return batch


async def write_late(ingest: Ingest, batch: Batch) -> None:
    """The earlier of two writes, slow to reach the database (waiting for a pooled connection, say)."""
    await asyncio.sleep(0.3)
    await ingest.write_batch(batch)


@pytest.mark.parametrize(
    ("known", "earlier", "later"),
    [
        pytest.param(0, (1, 5), (6, 5), id="a-new-site-in-both"),
        pytest.param(5, (6, 5), (1, 10), id="a-replay-of-the-earlier-one"),
    ],
)
async def test_a_later_write_taking_the_lead_does_not_hold_the_earlier_one_up(
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    known: int,
    earlier: tuple[int, int],
    later: tuple[int, int],
) -> None:
    """Two writes at once, the later one reaching the database first: the earlier must not
    wait on rows the later one holds while the later one waits for it to commit."""
    monkeypatch.setattr(pipeline, "ORDER_WAIT_S", 60.0)  # the deadlock, were there one, would last
    async with ingest_on(pg_url) as ingest:
        acked: list[str] = []
        if known:
            await ingest.write([sealed_batch(ingest, "home-1", 1, known, acked, "known").items[0]])
        first = sealed_batch(ingest, "home-1", *earlier, acked, "earlier")
        second = sealed_batch(ingest, "home-1", *later, acked, "later")
        earlier_write = asyncio.create_task(write_late(ingest, first))
        await asyncio.wait_for(asyncio.gather(earlier_write, ingest.write_batch(second, earlier_write)), 20)
        async with ingest._engine.connect() as conn:
            stored = await conn.scalar(select(func.count()).select_from(RawReading))
            booked = await conn.scalar(select(func.sum(SiteInterval.readings)))
    assert acked[-2:] == ["earlier", "later"]
    assert stored == booked == max(known, earlier[0] + earlier[1] - 1, later[0] + later[1] - 1)
