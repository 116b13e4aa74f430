"""Raw readings by day: partitions made ahead on PostgreSQL, and raw readings past the retention removed.

PostgreSQL keeps ``readings`` range-partitioned by ``ts`` (migration 0008), one partition per
UTC day, named ``readings_pYYYYMMDD``, plus ``readings_default`` for times no partition covers
(a clock far off, a day not yet made). A day is the unit because the retention counts in days
and a day of a village's readings (1,000 sites, 4 readings a second each: 346 million rows) is
a size PostgreSQL scans, indexes and drops comfortably, where a month would keep up to a month
more than the retention asks for. Maintenance makes today's partition and the next
``AHEAD_DAYS``' before readings arrive for them, and drops whole days that ended before the
retention's cutoff: a ``DROP TABLE`` of a partition frees its disk at once, where a ``DELETE`` of
billions of rows would leave them for vacuum.

Only raw readings expire. Interval energy (``site_intervals``), trades, settlements and the
ledger are other tables and are never touched. SQLite keeps a plain table: there retention is a
``DELETE`` of the readings older than the cutoff.

With several replicas on one database, a transaction-scoped advisory lock lets one of them do
the work at a time; the others skip that round.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.db.models import RawReading
from powershare_wire.clock import Clock

log = logging.getLogger(__name__)

DEFAULT_PARTITION = "readings_default"
AHEAD_DAYS = 3  # days made ahead, so a hub that is down a day or two still finds them ready
EVERY_S = 3600.0  # how often the hub maintains them
RETRY_S = 60.0  # after a failed round
# Any fixed number; pg_try_advisory_xact_lock takes a bigint. "PSRD": PowerShare raw readings by day.
LOCK_KEY = 0x50535244
# How long a step may wait for its table locks: a waiting ALTER holds up every insert behind it,
# so it gives up after this and the next round tries again.
LOCK_TIMEOUT = "5s"

_PARTITION = re.compile(r"^readings_p(\d{8})$")


def partition_name(day: date) -> str:
    return f"readings_p{day:%Y%m%d}"


def partition_day(name: str) -> date | None:
    """The day a partition of ours holds, or None for any other table name."""
    match = _PARTITION.match(name)
    return datetime.strptime(match.group(1), "%Y%m%d").date() if match else None


def is_partition(name: str) -> bool:
    """Whether a table is one of ``readings``' partitions (which the models do not list)."""
    return name == DEFAULT_PARTITION or partition_day(name) is not None


def modelled(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic's ``include_name``: compare every table with the models but the day partitions."""
    return not (type_ == "table" and name is not None and is_partition(name))


def cutoff(now: datetime, retention_days: int) -> datetime | None:
    """Raw readings older than this may go; None when they are kept forever (retention 0)."""
    return now - timedelta(days=retention_days) if retention_days else None


@dataclass(frozen=True)
class Plan:
    create: list[date]
    drop: list[date]


def plan(existing: Iterable[date], now: datetime, retention_days: int, ahead: int = AHEAD_DAYS) -> Plan:
    """Which day partitions to make and which to drop: a pure function of what exists and the time.

    A day is dropped only once all of it is older than the cutoff, so at least
    ``retention_days`` of readings are always kept.
    """
    have = set(existing)
    today = now.astimezone(UTC).date()
    oldest_kept = cutoff(now, retention_days)
    wanted = [today + timedelta(days=n) for n in range(ahead + 1)]
    create = [day for day in wanted if day not in have]
    if oldest_kept is None:
        return Plan(create, [])
    first_kept_day = oldest_kept.astimezone(UTC).date()  # it may hold readings still kept
    return Plan(create, sorted(day for day in have if day < first_kept_day))


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    deleted: int = 0  # raw readings deleted row by row (SQLite; PostgreSQL's default partition)
    skipped: bool = False  # another replica held the lock

    def __str__(self) -> str:
        if self.skipped:
            return "another hub is maintaining the raw readings; nothing done"
        return (
            f"partitions created: {', '.join(self.created) or 'none'}; "
            f"dropped: {', '.join(self.dropped) or 'none'}; old raw readings deleted: {self.deleted}"
        )


async def maintain(engine: AsyncEngine, now: datetime, retention_days: int) -> Report:
    """Make the coming days' partitions and remove raw readings past the retention, in one transaction."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            return await _maintain_postgresql(conn, now, retention_days)
        report = Report()
        oldest_kept = cutoff(now, retention_days)
        if oldest_kept is not None:
            result = await conn.execute(delete(RawReading).where(RawReading.ts < oldest_kept))
            report.deleted = result.rowcount
        return report


async def keep_maintained(engine: AsyncEngine, retention_days: int, clock: Clock) -> None:
    """The hub's task: maintain now and every ``EVERY_S`` (in the hub's time) until cancelled."""
    while True:
        pause = EVERY_S
        try:
            report = await maintain(engine, clock.now(), retention_days)
            if report.created or report.dropped or report.deleted:
                log.info("raw readings: %s", report)
        except SQLAlchemyError as exc:  # a lock not had in time, the database away: soon again
            pause = RETRY_S
            log.warning("raw reading maintenance failed, trying again in %.0f s: %s", pause, exc)
        await asyncio.sleep(pause / max(clock.speed, 1.0))


async def _maintain_postgresql(conn: AsyncConnection, now: datetime, retention_days: int) -> Report:
    await conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    locked = (await conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({LOCK_KEY})")).scalar_one()
    if not locked:
        return Report(skipped=True)
    existing = await _partition_days(conn)
    todo = plan(existing, now, retention_days)
    report = Report()
    if todo.create or todo.drop:
        # What a new or dropped partition needs, taken at once and in the order inserts take
        # them (table, then partitions), so an insert waits for this instead of deadlocking it.
        await conn.exec_driver_sql("LOCK TABLE readings IN ACCESS EXCLUSIVE MODE")
    for day in todo.create:
        await _create(conn, day)
        report.created.append(partition_name(day))
    for day in todo.drop:
        name = partition_name(day)
        await conn.exec_driver_sql(f"ALTER TABLE readings DETACH PARTITION {name}")
        await conn.exec_driver_sql(f"DROP TABLE {name}")
        report.dropped.append(name)
    oldest_kept = cutoff(now, retention_days)
    if oldest_kept is not None:  # late or odd readings that found no day of their own
        result = await conn.exec_driver_sql(
            f"DELETE FROM {DEFAULT_PARTITION} WHERE ts < %(cutoff)s", {"cutoff": oldest_kept}
        )
        report.deleted = result.rowcount
    return report


async def _partition_days(conn: AsyncConnection) -> set[date]:
    rows = await conn.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'readings'::regclass"
    )
    return {day for (name,) in rows if (day := partition_day(name)) is not None}


async def _create(conn: AsyncConnection, day: date) -> None:
    """Make ``day``'s partition, moving in any of its readings that went to the default partition.

    PostgreSQL refuses a new partition while the default one holds rows of its range. The
    caller holds the table's lock, so no insert puts such a row there between the move and the
    CREATE.
    """
    name = partition_name(day)
    start = datetime.combine(day, time(), UTC)
    bounds = {"start": start, "end": start + timedelta(days=1)}
    await conn.exec_driver_sql("CREATE TEMPORARY TABLE moving (LIKE readings) ON COMMIT DROP")
    await conn.exec_driver_sql(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE ts >= %(start)s AND ts < %(end)s RETURNING *)"
        " INSERT INTO moving SELECT * FROM moved",
        bounds,
    )
    await conn.exec_driver_sql(
        f"CREATE TABLE {name} PARTITION OF readings"
        f" FOR VALUES FROM ('{start.isoformat()}') TO ('{bounds['end'].isoformat()}')"
    )
    await conn.exec_driver_sql("INSERT INTO readings SELECT * FROM moving")
    await conn.exec_driver_sql("DROP TABLE moving")
