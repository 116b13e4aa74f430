"""What the hub tells each agent it is done with (#12): exact runs, after the commit only."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hub.core.config import Settings
from hub.db.engine import create_engine, migrate
from hub.events import EventBus
from hub.ingest.acks import AckBook, DoneSeqs
from hub.ingest.batch import Accepted
from hub.ingest.pipeline import Ingest
from hub.mqtt.retained import RetainedOutbox
from powershare_wire import Telemetry, TelemetryAck
from tests.helpers import eventually, site_reading

T0 = datetime(2026, 6, 1, tzinfo=UTC)


@given(st.lists(st.lists(st.integers(0, 200), max_size=10), max_size=30))
def test_done_seqs_cover_exactly_what_was_added(additions: list[list[int]]) -> None:
    done, added = DoneSeqs(limit=1000), set[int]()
    for seqs in additions:
        done.add(seqs)
        added.update(seqs)
        # The watermark and runs are what the wire model accepts, and cover exactly the added.
        ack = TelemetryAck(site="s", seq=done.watermark, ranges=done.runs, ts=T0)
        assert {s for s in range(202) if ack.covers(s)} == added
        assert all(done.covers(s) == (s in added) for s in range(202))


@given(st.lists(st.integers(0, 300), max_size=200))
def test_a_bounded_book_forgets_runs_but_never_covers_more(seqs: list[int]) -> None:
    done = DoneSeqs(limit=3)
    for seq in seqs:
        done.add([seq])
        assert len(done.runs) <= 3
    assert {s for s in range(301) if done.covers(s)} <= set(seqs)


def test_runs_merge_into_the_watermark() -> None:
    done = DoneSeqs()
    done.add([5, 6, 8])
    assert (done.watermark, done.runs) == (-1, [(5, 6), (8, 8)])
    done.add(range(0, 5))
    done.add([7])
    assert (done.watermark, done.runs) == (8, [])


async def test_the_hub_acks_a_site_after_its_commit_and_counts_rejected_readings_done(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    try:
        await migrate(engine)
        ingest = Ingest(engine, EventBus(), Settings(database_url=sqlite_url))
        posted: list[tuple[str, bytes]] = []
        ingest.acks = AckBook(lambda topic, payload: posted.append((topic, payload)))
        readings = [site_reading(seq) for seq in range(3)]
        item = Accepted("north", Telemetry(site="home-1", readings=readings))
        batch_written = ingest.write([item])
        assert posted == []  # nothing before the transaction commits
        await batch_written
        topic, payload = posted[-1]
        assert topic == "powershare/v1/north/home-1/telemetry/ack"
        assert TelemetryAck.model_validate_json(payload).seq == 2

        # A reading validation refuses (out of bounds) is done as well: sending it again is futile.
        bad = site_reading(3).model_dump(mode="json")
        bad["values"]["pv_w"]["value"] = 1e300
        message = {"v": 1, "site": "home-1", "readings": [bad]}
        assert not ingest.submit(topic.removesuffix("/ack"), json.dumps(message).encode())
        ack = TelemetryAck.model_validate_json(posted[-1][1])
        assert ack.seq == 3
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    "ranges",
    [[(3, 4)], [(6, 5)], [(6, 8), (8, 9)], [(6, 8), (9, 9)], [(10, 12), (6, 8)]],
    ids=["touches-seq", "backwards", "overlap", "adjoining", "descending"],
)
def test_an_ack_whose_runs_are_not_apart_and_ascending_is_refused(ranges: list[tuple[int, int]]) -> None:
    # An agent deletes what an ack covers: an ambiguous one is refused rather than guessed at.
    with pytest.raises(ValidationError):
        TelemetryAck(site="s", seq=2, ranges=ranges, ts=T0)
    assert TelemetryAck(site="s", seq=2, ranges=[(4, 5), (7, 7)], ts=T0).covers(7)


def test_the_outbox_keeps_only_the_latest_ack_per_site() -> None:
    outbox = RetainedOutbox()
    outbox.put("powershare/v1/c/a/telemetry/ack", b"1")
    outbox.put("powershare/v1/c/b/telemetry/ack", b"1")
    outbox.put("powershare/v1/c/a/telemetry/ack", b"2")  # replaces a's first, still unsent
    assert outbox.pending() == 2


class FlakyBroker:
    """A session's publish as the outbox sees it: refuses while ``down``, records what it took."""

    def __init__(self) -> None:
        self.down = True
        self.taken: list[tuple[str, bytes, int, bool]] = []

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        if self.down:
            raise ConnectionError("the broker is away")
        self.taken.append((topic, payload, qos, retain))


async def test_the_outbox_keeps_what_a_refused_publish_held_and_sends_the_latest_once_it_can() -> None:
    outbox = RetainedOutbox()
    broker = FlakyBroker()
    outbox.put("powershare/v1/c/a/telemetry/ack", b"1")
    publishing = asyncio.create_task(outbox.publish_with(broker))
    await asyncio.sleep(0.05)  # the first try is refused: kept, tried again a second later
    outbox.put("powershare/v1/c/a/telemetry/ack", b"2")  # newer than the kept one: replaces it
    outbox.put("powershare/v1/c/b/telemetry/ack", b"1")
    broker.down = False

    async def pending() -> int:
        return outbox.pending()

    await eventually(pending, lambda left: left == 0, within=5, what="the outbox to empty")
    publishing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await publishing
    # Retained, at QoS 1, and only the latest per site.
    assert sorted(broker.taken) == [
        ("powershare/v1/c/a/telemetry/ack", b"2", 1, True),
        ("powershare/v1/c/b/telemetry/ack", b"1", 1, True),
    ]
    assert outbox.published == 2


async def test_after_a_busy_round_the_outbox_lets_each_sites_next_ack_gather() -> None:
    """A city's hub acks a site every ``pace_s``, not every commit; a village's acks go at once."""
    outbox = RetainedOutbox(busy=3, pace_s=0.5)
    broker = FlakyBroker()
    broker.down = False
    publishing = asyncio.create_task(outbox.publish_with(broker))
    try:
        outbox.put("powershare/v1/c/lone/telemetry/ack", b"1")  # a quiet round: at once
        await eventually(_published(broker), lambda n: n == 1, within=2, what="the lone ack")
        for site in "abc":  # a busy round
            outbox.put(f"powershare/v1/c/{site}/telemetry/ack", b"1")
        await eventually(_published(broker), lambda n: n == 4, within=2, what="the busy round")
        began = asyncio.get_running_loop().time()
        for payload in (b"2", b"3"):  # two commits of a during the pause
            outbox.put("powershare/v1/c/a/telemetry/ack", payload)
            await asyncio.sleep(0.1)
        assert len(broker.taken) == 4  # still gathering
        await eventually(_published(broker), lambda n: n == 5, within=2, what="a's gathered ack")
        assert asyncio.get_running_loop().time() - began >= 0.3  # the busy round began 0.5 s before the next
        assert broker.taken[-1][:2] == ("powershare/v1/c/a/telemetry/ack", b"3")  # the latest only
    finally:
        publishing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await publishing


class StalledBroker(FlakyBroker):
    """A session whose publish never gets its PUBACK: the link cancels it when the session drops."""

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        await asyncio.sleep(3600)


async def test_what_a_dropped_session_held_goes_out_on_the_next_one_without_a_new_ack() -> None:
    """On a quiet hub no other ack may come to wake the outbox: what the dropped session was
    publishing goes out as soon as the next session starts."""
    outbox = RetainedOutbox()
    outbox.put("powershare/v1/c/a/telemetry/ack", b"1")
    dropped = asyncio.create_task(outbox.publish_with(StalledBroker()))
    await asyncio.sleep(0.05)
    dropped.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dropped
    broker = FlakyBroker()
    broker.down = False
    publishing = asyncio.create_task(outbox.publish_with(broker))
    try:
        await eventually(_published(broker), lambda n: n == 1, within=2, what="the kept ack")
        assert broker.taken[0][:2] == ("powershare/v1/c/a/telemetry/ack", b"1")
    finally:
        publishing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await publishing


def _published(broker: FlakyBroker) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        return len(broker.taken)

    return count
