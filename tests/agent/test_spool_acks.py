"""The spool deletes a reading only once the hub is done with it (#12), whatever happens between.

The hub's side is the real bookkeeping (hub.ingest.acks) and its acks the real wire model; the
broker is a set of readings it took (PUBACKed) and may lose (a crash before its save).
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_agent.spool import Spool
from hub.ingest.acks import AckBook
from powershare_wire import TelemetryAck
from tests.agent.test_spool import batch

T0 = datetime(2026, 6, 1, tzinfo=UTC)

# One step of the world: (what, how many, a choice)
step = st.one_of(
    st.tuples(st.just("append"), st.integers(1, 5), st.just(0)),
    st.tuples(st.just("send"), st.integers(1, 8), st.just(0)),  # the agent publishes, the broker PUBACKs
    st.tuples(st.just("hub"), st.integers(0, 8), st.integers(0, 2**16)),  # hub commits some of them
    st.just(("ack", 0, 0)),  # the hub's retained ack reaches the agent
    st.just(("crash", 0, 0)),  # the broker loses what it held for the hub
    st.just(("reconnect", 0, 0)),  # the agent sends everything unconfirmed again
    st.just(("hub_restart", 0, 0)),  # the hub forgets what it knew
)


async def play(path: Path, steps: list[tuple[str, int, int]]) -> None:
    committed: set[int] = set()  # in the hub's database
    at_broker: list[int] = []  # PUBACKed, queued for the hub
    posted: list[bytes] = []
    book = AckBook(lambda _topic, payload: posted.append(payload))
    cursor = 0
    async with Spool(path, max_readings=10_000) as spool:

        async def check() -> None:
            left = {r.seq for r in await spool.oldest(10_000)}
            produced = set(range((await spool.stats()).next_seq))
            deleted = produced - left
            assert deleted <= committed, f"deleted unconfirmed readings {sorted(deleted - committed)}"
            assert (await spool.stats()).pending == len(left)  # the kept count agrees with the table

        for what, n, choice in steps:
            if what == "append":
                await spool.append(batch(n), n)
            elif what == "send":
                sent = await spool.since(cursor, n)
                at_broker += [r.seq for r in sent]
                cursor = sent[-1].seq + 1 if sent else cursor
            elif what == "hub":
                # The hub gets the next n the broker holds; those whose bit is set are lost on the way.
                taken = [seq for i, seq in enumerate(at_broker[:n]) if not (choice >> i) & 1]
                del at_broker[:n]
                committed.update(taken)
                book.done("c", "home-1", taken)
                book.flush(T0)
            elif what == "ack" and posted:
                await spool.confirm(TelemetryAck.model_validate_json(posted[-1]))
            elif what == "crash":
                at_broker.clear()
            elif what == "reconnect":
                cursor = 0
            elif what == "hub_restart":
                book = AckBook(lambda _topic, payload: posted.append(payload))
                posted.clear()
            await check()
        # Afterwards, with broker and hub up: a reconnect delivers everything that is left.
        for reading in await spool.oldest(10_000):
            committed.add(reading.seq)
            book.done("c", "home-1", [reading.seq])
        book.flush(T0)
        if posted:
            await spool.confirm(TelemetryAck.model_validate_json(posted[-1]))
        await check()
        assert (await spool.stats()).pending == 0, "what the hub committed is deleted in the end"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_no_interleaving_deletes_an_unconfirmed_reading(steps: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(play(Path(directory) / "spool.db", steps))


async def test_broker_acks_delete_nothing_a_hub_ack_deletes_what_it_covers(tmp_path: Path) -> None:
    async with Spool(tmp_path / "spool.db") as spool:
        await spool.append(batch(10), 10)
        ack = TelemetryAck(site="home-1", seq=2, ranges=[(5, 6)], ts=T0)
        assert await spool.confirm(ack) == 5
        assert [r.seq for r in await spool.oldest(20)] == [3, 4, 7, 8, 9]
        assert await spool.confirm(ack) == 0  # a retained ack seen again changes nothing
        assert (await spool.stats()).pending == 5
        assert await spool.oldest_seq() == 3


async def test_a_spooled_reading_that_no_longer_validates_is_skipped_and_counted(tmp_path: Path) -> None:
    """Spooled before an upgrade, now refused (a 1e308 W value): it must not block the drain (#12)."""
    path = tmp_path / "spool.db"
    async with Spool(path) as spool:
        await spool.append(batch(4), 4)
    with sqlite3.connect(path) as db:
        body = db.execute("SELECT body FROM readings WHERE seq = 1").fetchone()[0]
        db.execute("UPDATE readings SET body = ? WHERE seq = 1", (body.replace("1000.0", "1e308"),))
        db.execute("UPDATE readings SET body = '{broken' WHERE seq = 2")
    async with Spool(path) as spool:
        assert [r.seq for r in await spool.since(0, 2)] == [0, 3]  # a full batch of what is valid
        stats = await spool.stats()
        assert (stats.pending, stats.skipped) == (2, 2)
