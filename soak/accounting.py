"""Readings produced, stored, lost and duplicated over a window of each site's sequence numbers.

An agent numbers its readings per site (``seq``), in the same transaction that spools them,
so "produced" during a fault is the span of sequence numbers its spool handed out meanwhile
(``next_seq`` before and after). "Stored" is how many of those the hub's ``readings`` table
holds, counted once each; "lost" is produced minus stored. A reading can be stored twice in
two ways, both counted as "duplicated": the same seq under two timestamps (the table's key is
(site, seq, ts)), or the same measurement (device and time) under two seqs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg

Marks = dict[str, int]  # site -> its next seq


@dataclass(frozen=True)
class Count:
    produced: int
    stored: int
    duplicated: int

    @property
    def lost(self) -> int:
        return self.produced - self.stored

    def __add__(self, other: Count) -> Count:
        return Count(
            self.produced + other.produced, self.stored + other.stored, self.duplicated + other.duplicated
        )


NOTHING = Count(0, 0, 0)


def next_seq(spool: Path) -> int:
    """The next sequence number the agent with this spool will give (0 before its first reading)."""
    if not spool.exists():
        return 0
    with closing(sqlite3.connect(f"file:{spool}?mode=ro", uri=True, timeout=10)) as db:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()
        except sqlite3.OperationalError:  # the agent has not created its tables yet
            return 0
    return int(row[0]) if row else 0


def marks(spools: Mapping[str, Path]) -> Marks:
    return {site: next_seq(path) for site, path in spools.items()}


_COUNT = """
SELECT count(DISTINCT seq), count(*), count(DISTINCT (device, ts))
FROM readings WHERE site_id = %s AND seq >= %s AND seq < %s
"""


async def count(dsn: str, start: Marks, end: Marks) -> Count:
    """What the hub's database holds of the readings numbered ``start[site] <= seq < end[site]``."""
    total = NOTHING
    async with await psycopg.AsyncConnection.connect(dsn, connect_timeout=10) as conn:
        for site, first in start.items():
            last = end[site]
            cursor = await conn.execute(_COUNT, (site, first, last))
            row = await cursor.fetchone()
            assert row is not None
            total += tally(last - first, *(int(value) for value in row))
    return total


def tally(produced: int, distinct_seqs: int, rows: int, distinct_measurements: int) -> Count:
    """One site's count from the database's three figures for the window."""
    duplicated = (rows - distinct_seqs) + max(0, distinct_seqs - distinct_measurements)
    return Count(produced, distinct_seqs, duplicated)


def total(counts: Iterable[Count]) -> Count:
    result = NOTHING
    for one in counts:
        result += one
    return result
