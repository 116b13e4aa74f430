"""The on-disk outbox: every reading is stored here before it is published.

A reading leaves the spool only after the broker acknowledged it (PUBACK). The sequence
number lives in the same database and is bumped in the same transaction as the insert, so it
survives restarts and crashes. When the spool is full the oldest readings are dropped and
counted (``dropped`` in :meth:`Spool.stats`): the newest data is the most useful to the hub.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from powershare_wire import Reading

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


class Spool:
    """SQLite in WAL mode, used from a worker thread so the event loop never blocks on disk."""

    def __init__(self, path: Path, max_readings: int = 200_000) -> None:
        self.path = path
        self.max_readings = max_readings
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

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

    async def since(self, first_seq: int, limit: int) -> list[Reading]:
        """Readings with ``seq >= first_seq``, oldest first."""
        return await self._run(lambda: self._since(first_seq, limit))

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
        self._db = db

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("spool is not open")
        return self._db

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
        db = self._conn
        db.execute("BEGIN IMMEDIATE")
        try:
            first = int(self._get_meta("next_seq") or 0)
            readings = make(first)
            db.executemany(
                "INSERT INTO readings (seq, body) VALUES (?, ?)",
                [(r.seq, r.model_dump_json()) for r in readings],
            )
            self._set_meta("next_seq", first + count)
            for key, value in meta.items():
                self._set_meta(key, value)
            overflow = db.execute("SELECT COUNT(*) FROM readings").fetchone()[0] - self.max_readings
            if overflow > 0:
                db.execute(
                    "DELETE FROM readings WHERE seq IN (SELECT seq FROM readings ORDER BY seq LIMIT ?)",
                    (overflow,),
                )
                self._set_meta("dropped", int(self._get_meta("dropped") or 0) + overflow)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return readings

    def _oldest(self, limit: int, below_seq: int | None) -> list[Reading]:
        bound = below_seq if below_seq is not None else 2**62
        rows = self._conn.execute(
            "SELECT body FROM readings WHERE seq < ? ORDER BY seq LIMIT ?", (bound, limit)
        ).fetchall()
        return [Reading.model_validate_json(row[0]) for row in rows]

    def _since(self, first_seq: int, limit: int) -> list[Reading]:
        rows = self._conn.execute(
            "SELECT body FROM readings WHERE seq >= ? ORDER BY seq LIMIT ?", (first_seq, limit)
        ).fetchall()
        return [Reading.model_validate_json(row[0]) for row in rows]

    def _remove(self, seqs: Sequence[int]) -> None:
        db = self._conn
        db.execute("BEGIN")
        db.executemany("DELETE FROM readings WHERE seq = ?", [(s,) for s in seqs])
        db.execute("COMMIT")

    def _stats(self) -> SpoolStats:
        pending = self._conn.execute("SELECT COUNT(*) FROM readings").fetchone()[0]
        return SpoolStats(
            int(pending), int(self._get_meta("next_seq") or 0), int(self._get_meta("dropped") or 0)
        )
