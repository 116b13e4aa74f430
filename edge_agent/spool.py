"""The on-disk outbox: every reading is stored here before it is published.

A reading leaves the spool only once the hub says it is done with it (:meth:`Spool.confirm`,
fed by the hub's retained ``telemetry/ack``), not when the broker acknowledged it: a broker
that crashes before saving its sessions forgets what it held for the hub (#12). The sequence
number lives in the same database and is bumped in the same transaction as the insert, so it
survives restarts and crashes. When the spool is full the oldest readings are dropped and
counted (``dropped`` in :meth:`Spool.stats`): the newest data is the most useful to the hub.

Appending costs the same however full the spool is: the number of rows is counted once when
the spool opens and kept up to date, instead of counted by every append.

A stored reading that no longer validates (spooled by an older agent, before the wire models
refused such values) would block the drain for good: reading it back deletes and counts it
(``skipped`` in :meth:`Spool.stats`) instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from powershare_wire import Reading, TelemetryAck

log = logging.getLogger(__name__)

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS readings (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class SpoolStats:
    pending: int
    next_seq: int
    dropped: int
    skipped: int = 0  # stored readings that no longer validated, deleted unsent


class Spool:
    """SQLite in WAL mode, used from a worker thread so the event loop never blocks on disk."""

    def __init__(self, path: Path, max_readings: int = 200_000) -> None:
        self.path = path
        self.max_readings = max_readings
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._count = 0  # rows in ``readings``, kept up to date so that appends need not count

    async def open(self) -> None:
        await self._run(self._open)

    async def close(self) -> None:
        if self._db is not None:
            await self._run(self._db.close)
            self._db = None

    async def __aenter__(self) -> Spool:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def append(
        self, make: Callable[[int], list[Reading]], count: int, meta: dict[str, Any] | None = None
    ) -> list[Reading]:
        """Reserve ``count`` sequence numbers, build the readings with the first one, store them
        (and ``meta`` entries) in one transaction."""
        return await self._run(lambda: self._append(make, count, meta or {}))

    async def oldest(self, limit: int, below_seq: int | None = None) -> list[Reading]:
        return await self._run(lambda: self._oldest(limit, below_seq))

    async def since(self, first_seq: int, limit: int, below_seq: int | None = None) -> list[Reading]:
        """Readings with ``first_seq <= seq < below_seq``, oldest first."""
        return await self._run(lambda: self._since(first_seq, limit, below_seq))

    async def oldest_seq(self) -> int | None:
        """The sequence number of the oldest reading still here; None when empty."""
        return await self._run(self._oldest_seq)

    async def confirm(self, ack: TelemetryAck) -> int:
        """Delete the readings the hub is done with; how many were here."""
        return await self._run(lambda: self._confirm(ack))

    async def remove(self, seqs: Sequence[int]) -> None:
        await self._run(lambda: self._remove(seqs))

    async def stats(self) -> SpoolStats:
        return await self._run(self._stats)

    async def get_meta(self, key: str) -> Any:
        return await self._run(lambda: self._get_meta(key))

    async def set_meta(self, key: str, value: Any) -> None:
        await self._run(lambda: self._set_meta(key, value))

    # Everything below runs in the worker thread.

    async def _run(self, call: Callable[[], T]) -> T:
        def locked() -> T:
            with self._lock:
                return call()

        return await asyncio.to_thread(locked)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a process crash; a power cut may lose the last second.
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        self._count = int(db.execute("SELECT COUNT(*) FROM readings").fetchone()[0])  # once per open
        self._db = db

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("spool is not open")
        return self._db

    @contextmanager
    def _transaction(self, begin: str = "BEGIN") -> Iterator[sqlite3.Connection]:
        """One explicit transaction (the connection is in autocommit mode): committed, or rolled
        back whatever ends it early, a failed COMMIT included."""
        db = self._conn
        db.execute(begin)
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _get_meta(self, key: str) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def _set_meta(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def _append(
        self, make: Callable[[int], list[Reading]], count: int, meta: dict[str, Any]
    ) -> list[Reading]:
        with self._transaction("BEGIN IMMEDIATE") as db:
            first = int(self._get_meta("next_seq") or 0)
            readings = make(first)
            db.executemany(
                "INSERT INTO readings (seq, body) VALUES (?, ?)",
                [(r.seq, r.model_dump_json()) for r in readings],
            )
            self._set_meta("next_seq", first + count)
            for key, value in meta.items():
                self._set_meta(key, value)
            count_after = self._count + len(readings)
            overflow = count_after - self.max_readings
            if overflow > 0:
                dropped = db.execute(
                    "DELETE FROM readings WHERE seq IN (SELECT seq FROM readings ORDER BY seq LIMIT ?)",
                    (overflow,),
                ).rowcount
                count_after -= dropped
                self._set_meta("dropped", int(self._get_meta("dropped") or 0) + dropped)
        self._count = count_after  # only once committed
        return readings

    def _oldest(self, limit: int, below_seq: int | None) -> list[Reading]:
        return self._since(0, limit, below_seq)

    def _since(self, first_seq: int, limit: int, below_seq: int | None) -> list[Reading]:
        bound = below_seq if below_seq is not None else 2**62
        while True:
            rows = self._conn.execute(
                "SELECT seq, body FROM readings WHERE seq >= ? AND seq < ? ORDER BY seq LIMIT ?",
                (first_seq, bound, limit),
            ).fetchall()
            readings, undecodable = self._decode(rows)
            if not undecodable:
                return readings
            self._skip(undecodable)  # then read again, so a full batch goes out

    @staticmethod
    def _decode(rows: list[tuple[int, str]]) -> tuple[list[Reading], list[tuple[int, str]]]:
        readings: list[Reading] = []
        undecodable: list[tuple[int, str]] = []
        for seq, body in rows:
            try:
                readings.append(Reading.model_validate_json(body))
            except ValidationError as exc:
                undecodable.append((seq, str(exc.errors()[0]["msg"])))
        return readings, undecodable

    def _skip(self, undecodable: list[tuple[int, str]]) -> None:
        first_seq, why = undecodable[0]
        log.warning(
            "spool: %d stored reading(s) no longer valid, deleted unsent (seq %d: %s)",
            len(undecodable),
            first_seq,
            why,
        )
        self._delete_each([seq for seq, _ in undecodable], count_as="skipped")

    def _delete_each(self, seqs: Sequence[int], count_as: str | None = None) -> int:
        with self._transaction() as db:
            deleted = 0
            for seq in seqs:
                deleted += db.execute("DELETE FROM readings WHERE seq = ?", (seq,)).rowcount
            if count_as is not None:
                self._set_meta(count_as, int(self._get_meta(count_as) or 0) + deleted)
        self._count -= deleted
        return deleted

    def _remove(self, seqs: Sequence[int]) -> None:
        self._delete_each(seqs)

    def _oldest_seq(self) -> int | None:
        row = self._conn.execute("SELECT MIN(seq) FROM readings").fetchone()
        return None if row[0] is None else int(row[0])

    def _confirm(self, ack: TelemetryAck) -> int:
        # A watermark and a few ranges: one indexed range delete each, whatever the spool holds.
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM readings WHERE seq <= ?", (ack.seq,)).rowcount
            for first, last in ack.ranges:
                deleted += db.execute(
                    "DELETE FROM readings WHERE seq BETWEEN ? AND ?", (first, last)
                ).rowcount
        self._count -= deleted
        return deleted

    def _stats(self) -> SpoolStats:
        return SpoolStats(
            self._count,
            int(self._get_meta("next_seq") or 0),
            int(self._get_meta("dropped") or 0),
            int(self._get_meta("skipped") or 0),
        )
