"""Raw readings go in whole and once on both databases: by COPY on PostgreSQL while a batch is
all new, by the conflict-aware insert when it holds replays (#13)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core.config import Settings
from hub.db.engine import create_engine, migrate
from hub.db.models import RawReading
from hub.events import EventBus
from hub.ingest.pipeline import Ingest, dialect_insert
from hub.ingest.raw_rows import RawRows
from powershare_wire import Quantity, Reading, Telemetry, Unit

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)
RUNS = itertools.count()

# Names a device may report: printable, any script, quotes and backslashes (COPY's escape).
NAME = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=20)


def reading(seq: int, device: str = "site", name: str = "import_wh") -> Reading:
    return Reading(
        seq=seq,
        ts=T0 + timedelta(seconds=seq),
        device=device,
        values={
            name: Quantity(value=1000.5 + seq, unit=Unit.WH),
            "grid_w": Quantity(value=None, unit=Unit.W),
        },
    )


async def insert(engine: AsyncEngine, site: str, readings: list[Reading]) -> tuple[int, set[int] | None]:
    """How many readings were new, and which (None: all)."""
    rows = RawRows()
    rows.add_message(Telemetry(site=site, readings=readings))
    async with engine.begin() as conn:
        stored = await rows.insert(conn, dialect_insert(engine), datetime.now(UTC))
    # COPY takes every batch of new readings; one whose COPY failed would be stored all the
    # same, the slow way, which is what this guards against.
    assert stored.copied == (engine.dialect.name == "postgresql" and stored.everything)
    keys = None if stored.everything else {seq for _site, seq in stored.keys or set()}
    return stored.count, keys


async def stored_rows(engine: AsyncEngine, site: str) -> list[tuple[int, str, dict[str, object]]]:
    async with engine.connect() as conn:
        result = await conn.execute(
            select(RawReading.seq, RawReading.device, RawReading.values)
            .where(RawReading.site_id == site)
            .order_by(RawReading.seq)
        )
        return [(seq, device, values) for seq, device, values in result]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(device=NAME, name=NAME)
@example(device='inv\\01 "A"', name="\\N 한글 \\t")  # COPY's escapes, spelled out
async def test_a_reading_comes_back_as_it_was_sent(db_url: str, device: str, name: str) -> None:
    engine = create_engine(db_url)
    await migrate(engine)
    site = f"home-{next(RUNS)}"
    sent = [reading(1, device, name), reading(2, device, name)]
    try:
        assert await insert(engine, site, sent) == (2, None)
        assert await stored_rows(engine, site) == [
            (
                r.seq,
                r.device,
                {k: {"value": q["value"], "unit": q["unit"].value} for k, q in r.values.items()},
            )
            for r in sent
        ]
    finally:
        await engine.dispose()


async def test_a_batch_with_replays_stores_and_names_only_the_new_readings(db_url: str) -> None:
    engine = create_engine(db_url)
    await migrate(engine)
    try:
        assert await insert(engine, "home-r", [reading(seq) for seq in range(1, 6)]) == (5, None)
        # An agent sends 3…5 again (their acknowledgement was lost) beside 6…8.
        assert await insert(engine, "home-r", [reading(seq) for seq in range(3, 9)]) == (3, {6, 7, 8})
        assert [seq for seq, _d, _v in await stored_rows(engine, "home-r")] == list(range(1, 9))
        # All of it again: nothing new.
        assert await insert(engine, "home-r", [reading(seq) for seq in range(1, 9)]) == (0, set())
    finally:
        await engine.dispose()


async def test_a_batch_replaying_a_site_reading_is_not_tried_by_copy_first(pg_url: str) -> None:
    """Replays come in runs (an agent resending what the hub stored but could not confirm): a
    batch whose site readings reach back before the chain head goes the careful way at once,
    sparing a COPY that would fail and be rolled back."""
    engine = create_engine(pg_url)
    await migrate(engine)
    ingest = Ingest(engine, EventBus(), Settings(database_url=pg_url))
    savepoints: list[str] = []
    event.listen(engine.sync_engine, "savepoint", lambda _conn, name: savepoints.append(name))
    topic = "powershare/v1/north/home-c/telemetry"

    async def write(seqs: range) -> int:
        """Savepoints (COPY tries) the write of these readings took."""
        before = len(savepoints)
        message = Telemetry(site="home-c", readings=[reading(seq) for seq in seqs])
        assert ingest.submit(topic, message.model_dump_json().encode())
        item = ingest._queue.get_nowait()
        assert item is not None
        await ingest.write([item])
        return len(savepoints) - before

    try:
        assert await write(range(1, 6)) == 1  # new: by COPY
        assert await write(range(3, 9)) == 0  # 3…5 again: the careful way only
        assert await write(range(9, 12)) == 1
        assert [seq for seq, _d, _v in await stored_rows(engine, "home-c")] == list(range(1, 12))
    finally:
        await engine.dispose()


async def test_a_replayed_reading_with_a_time_finer_than_microseconds_is_stored_once(db_url: str) -> None:
    """Pydantic cuts a seventh decimal off and PostgreSQL would round it: both ways in must store
    what validation made of the time, or the replay misses its first copy's key."""
    engine = create_engine(db_url)
    await migrate(engine)
    ingest = Ingest(engine, EventBus(), Settings(database_url=db_url))
    topic = "powershare/v1/north/home-n/telemetry"

    def payload(*seqs: int) -> bytes:
        readings = ",".join(
            f'{{"seq":{seq},"ts":"2026-06-01T12:00:0{seq}.9999996Z","device":"site",'
            '"values":{"import_wh":{"value":1.0,"unit":"Wh"}}}'
            for seq in seqs
        )
        return f'{{"v":1,"site":"home-n","readings":[{readings}]}}'.encode()

    async def write(message: bytes) -> None:
        assert ingest.submit(topic, message)
        item = ingest._queue.get_nowait()
        assert item is not None
        await ingest.write([item])

    try:
        await write(payload(1))
        await write(payload(1, 2))  # 1 again (its acknowledgement was lost) beside 2
        assert [seq for seq, _d, _v in await stored_rows(engine, "home-n")] == [1, 2]
    finally:
        await engine.dispose()
