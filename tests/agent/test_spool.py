"""The spool: sequence numbers that survive reopening, oldest-first, bounded with drop-oldest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from edge_agent.spool import Spool
from powershare_wire import Reading
from tests.helpers import site_reading


def batch(count: int) -> Callable[[int], list[Reading]]:
    return lambda first: [site_reading(first + i) for i in range(count)]


async def test_sequence_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    async with Spool(path) as spool:
        first = await spool.append(batch(3), 3)
        assert [r.seq for r in first] == [0, 1, 2]
        await spool.remove([0, 1])
    async with Spool(path) as spool:
        again = await spool.append(batch(2), 2)
        assert [r.seq for r in again] == [3, 4]
        assert [r.seq for r in await spool.oldest(10)] == [2, 3, 4]
        assert [r.seq for r in await spool.oldest(10, below_seq=4)] == [2, 3]
        stats = await spool.stats()
        assert (stats.pending, stats.next_seq, stats.dropped) == (3, 5, 0)


async def test_full_spool_drops_oldest_and_counts(tmp_path: Path) -> None:
    async with Spool(tmp_path / "spool.db", max_readings=100) as spool:
        for _ in range(13):
            await spool.append(batch(10), 10)
        stats = await spool.stats()
        assert stats.pending == 100
        assert stats.dropped == 30
        assert (await spool.oldest(1))[0].seq == 30


async def test_meta_round_trip(tmp_path: Path) -> None:
    async with Spool(tmp_path / "spool.db") as spool:
        assert await spool.get_meta("site_counters") is None
        await spool.set_meta("site_counters", {"import_wh": 1.5})
        assert await spool.get_meta("site_counters") == {"import_wh": 1.5}
