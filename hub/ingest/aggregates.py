"""Keep per-site 15-minute energy intervals up to date as readings arrive.

In-order readings (the common case) are chained in memory: the energy since the site's
previous snapshot is booked into the interval of the new one. A late reading L, landing
between stored snapshots P and N, books E(P→L) into L's interval and corrects N's interval
by E(L→N) − E(P→N); both are read from the readings table in the writer's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

import orjson
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.db.models import RawReading, SiteInterval
from hub.energy.intervals import EPOCH, INTERVAL, Energy, Snapshot, energy_between, interval_start
from powershare_wire import SITE_DEVICE as SITE_DEVICE  # re-exported: ingest filters snapshots by it
from powershare_wire import Reading
from powershare_wire import site as vocabulary

# The site_intervals columns ingest adds to: every counter's energy, and what the home used.
ENERGY_COLUMNS = (*vocabulary.COUNTERS, "consumption_wh")

# PostgreSQL: a batch's bookings in one statement, the rows as one JSON document (encoded in
# one C call), where an executemany would send a statement per site and interval.
PG_ADD_TO_INTERVALS = (
    "INSERT INTO site_intervals (site_id, start, {columns}, readings, revised_at)"
    " SELECT site_id, start, {columns}, readings, revised_at FROM json_to_recordset(%(rows)s::json)"
    " AS v(site_id text, start timestamptz, {typed}, readings integer, revised_at timestamptz)"
    " ON CONFLICT (site_id, start) DO UPDATE SET {added}, revised_at = excluded.revised_at"
).format(
    columns=", ".join(ENERGY_COLUMNS),
    typed=", ".join(f"{c} double precision" for c in ENERGY_COLUMNS),
    added=", ".join(f"{c} = site_intervals.{c} + excluded.{c}" for c in (*ENERGY_COLUMNS, "readings")),
)


@dataclass(slots=True)
class Chained:
    seq: int
    snapshot: Snapshot


def _chain_order(reading: Reading) -> tuple[datetime, int]:
    return reading.ts, reading.seq


# The same key as _chain_order for sorting: an attrgetter runs in C, and a batch sorts every
# site reading it holds.
_by_chain_order = attrgetter("ts", "seq")


def snapshot_of(reading: Reading) -> Snapshot:
    # Snapshot.from_values also takes JSON; wire models are known here, which is 3× cheaper
    # (no Mapping check per value), and this runs for every site reading ingested.
    return Snapshot(
        reading.ts, {name: q["value"] for name, q in reading.values.items() if q["value"] is not None}
    )


class Bookings:
    """Energy and reading counts per (site, interval) within one batch."""

    def __init__(self) -> None:
        self.energy: dict[tuple[str, datetime], Energy] = defaultdict(Energy)
        self.readings: dict[tuple[str, datetime], int] = defaultdict(int)

    def book(self, site: str, ts: datetime, energy: Energy) -> None:
        self.energy[(site, interval_start(ts))] += energy

    def count(self, site: str, ts: datetime, energy: Energy | None = None, readings: int = 1) -> None:
        """More readings in ts's interval, with the energy booked there (if any)."""
        key = (site, interval_start(ts))
        self.readings[key] += readings
        booked = self.energy.get(key)
        if booked is None:
            self.energy[key] = energy if energy is not None else Energy()
        elif energy is not None:
            self.energy[key] = booked + energy

    def chain(self, site: str, head: Chained | None, fresh: list[Reading]) -> Chained | None:
        """Book in-order readings after ``head``; return the new head.

        Runs for every site reading ingested, so it sums each interval locally and touches
        the per-interval tables once per interval rather than once per reading.
        """
        if not fresh:
            return head
        start: datetime | None = None
        end = EPOCH  # of the interval being summed; readings before it start a new one
        energy: Energy | None = None
        count = 0
        previous = head.snapshot if head is not None else None
        for reading in fresh:
            snapshot = snapshot_of(reading)
            ts = reading.ts
            if start is None or not start <= ts < end:
                if start is not None:
                    self.count(site, start, energy, count)
                start, energy, count = interval_start(ts), None, 0
                end = start + INTERVAL
            if previous is not None:
                step = energy_between(previous, snapshot)
                energy = step if energy is None else energy + step
            count += 1
            previous = snapshot
        assert start is not None  # both set by the first reading
        assert previous is not None
        self.count(site, start, energy, count)
        return Chained(fresh[-1].seq, previous)

    def rows(self, revised_at: datetime) -> list[dict[str, Any]]:
        rows = []
        for (site, start), e in self.energy.items():
            row: dict[str, Any] = {
                "site_id": site,
                "start": start,
                "revised_at": revised_at,
                "readings": self.readings.get((site, start), 0),
                "consumption_wh": e.consumption_wh,
            }
            row.update(
                import_wh=e.import_wh,
                export_wh=e.export_wh,
                production_wh=e.production_wh,
                wind_wh=e.wind_wh,
                charge_wh=e.charge_wh,
                discharge_wh=e.discharge_wh,
            )
            rows.append(row)
        return rows


class Plan:
    """A batch's bookings, worked out while the batch before it is being written.

    It assumes every reading in the batch is new and arrives after its site's chain head,
    as when agents send live readings. The writer uses it only if both hold once the
    readings are stored (``usable``); otherwise it books the batch again from what was
    stored (``IntervalAggregator.apply``).
    """

    def __init__(self, aggregator: IntervalAggregator) -> None:
        self._aggregator = aggregator
        self.bookings = Bookings()
        self.assumed: dict[str, Chained | None] = {}  # site → the head this plan starts from
        self.heads: dict[str, Chained] = {}
        self.in_order = True

    def add(self, site: str, readings: list[Reading]) -> None:
        if not self.in_order or not readings:
            return
        if site not in self.assumed:
            self.assumed[site] = self._aggregator.planned_head(site)
        head = self.heads.get(site, self.assumed[site])
        ordered = sorted(readings, key=_by_chain_order)
        if head is not None and _chain_order(ordered[0]) <= (head.snapshot.ts, head.seq):
            self.in_order = False  # a late reading: its neighbours must be read from the database
            return
        new_head = self.bookings.chain(site, head, ordered)
        if new_head is not None:
            self.heads[site] = new_head

    def usable(self) -> bool:
        """Still valid: in order, and built on the heads the database now holds."""
        last = self._aggregator.committed_heads()
        return self.in_order and all(last.get(site) is head for site, head in self.assumed.items())


class IntervalAggregator:
    def __init__(self, insert: Any) -> None:
        self._upsert = _add_to_intervals(insert)  # built once: SQLAlchemy makes it slowly
        self._last: dict[str, Chained] = {}  # committed chain heads
        self._planned: dict[str, Chained] = {}  # heads of plans sealed but not yet committed

    def plan(self) -> Plan:
        return Plan(self)

    def seal(self, plan: Plan) -> None:
        """The plan's batch goes to the database next: later plans build on its heads."""
        self._planned.update(plan.heads)

    def planned_head(self, site: str) -> Chained | None:
        return self._planned.get(site) or self._last.get(site)

    def committed_heads(self) -> dict[str, Chained]:
        return self._last

    def settle(self, plan: Plan, heads: dict[str, Chained]) -> None:
        """The plan's batch committed with these heads (or, with none, was dropped)."""
        self._last.update(heads)
        for site, head in plan.heads.items():
            if self._planned.get(site) is head:
                del self._planned[site]

    async def write_plan(self, conn: AsyncConnection, plan: Plan) -> None:
        await self._write(conn, plan.bookings)

    async def _write(self, conn: AsyncConnection, bookings: Bookings) -> None:
        # Stamped with wall time (not the demo's clock): settlement looks for rows revised
        # since its last look, whatever clock the hub runs on.
        rows = bookings.rows(revised_at=datetime.now(UTC))
        if not rows:
            return
        if conn.dialect.name == "postgresql":
            await conn.exec_driver_sql(PG_ADD_TO_INTERVALS, {"rows": orjson.dumps(rows).decode()})
        else:
            await conn.execute(self._upsert, rows)

    def remember(self, site: str, latest: dict[str, Any] | None) -> None:
        """Seed the chain from a stored snapshot (sites.latest) at startup."""
        if latest:
            reading = Reading.model_validate(latest)
            self._last[site] = Chained(reading.seq, snapshot_of(reading))

    async def apply(self, conn: AsyncConnection, new: dict[str, list[Reading]]) -> dict[str, Chained]:
        """Book the new site readings; return the chain heads to keep once the transaction commits."""
        bookings = Bookings()
        heads: dict[str, Chained] = {}
        for site, readings in new.items():
            head = self._last.get(site)
            ordered = sorted(readings, key=_by_chain_order)
            # Sorted, so the readings at or before the chain head form a prefix (usually empty).
            split = 0
            if head is not None:
                mark = (head.snapshot.ts, head.seq)
                while split < len(ordered) and _chain_order(ordered[split]) <= mark:
                    split += 1
            if split:
                pending = {r.seq for r in ordered}
                for reading in ordered[:split]:
                    pending.discard(reading.seq)
                    await self._book_late(conn, bookings, site, reading, pending)
            head = bookings.chain(site, head, ordered[split:])
            if head is not None:
                heads[site] = head
        await self._write(conn, bookings)
        return heads

    async def _book_late(
        self, conn: AsyncConnection, bookings: Bookings, site: str, late: Reading, pending: set[int]
    ) -> None:
        snapshot = snapshot_of(late)
        before, after = await _neighbours(conn, site, late, pending)
        bookings.count(site, late.ts)
        if before is not None:
            bookings.book(site, late.ts, energy_between(before, snapshot))
        if after is not None:
            correction = energy_between(snapshot, after)
            if before is not None:
                correction = correction - energy_between(before, after)
            bookings.book(site, after.ts, correction)


def _add_to_intervals(insert: Any) -> Any:
    statement = insert(SiteInterval)
    added = {
        name: getattr(SiteInterval, name) + getattr(statement.excluded, name)
        for name in (*ENERGY_COLUMNS, "readings")
    }
    added["revised_at"] = statement.excluded.revised_at
    return statement.on_conflict_do_update(index_elements=["site_id", "start"], set_=added)


async def _neighbours(
    conn: AsyncConnection, site: str, reading: Reading, pending: Iterable[int]
) -> tuple[Snapshot | None, Snapshot | None]:
    """The stored site snapshots just before and just after ``reading`` (skipping unbooked ones)."""
    base = select(RawReading.ts, RawReading.values).where(
        RawReading.site_id == site,
        RawReading.device == SITE_DEVICE,
        RawReading.seq != reading.seq,
    )
    skip = list(pending)
    if skip:
        base = base.where(RawReading.seq.not_in(skip))
    earlier = or_(RawReading.ts < reading.ts, and_(RawReading.ts == reading.ts, RawReading.seq < reading.seq))
    later = or_(RawReading.ts > reading.ts, and_(RawReading.ts == reading.ts, RawReading.seq > reading.seq))
    before = (
        await conn.execute(base.where(earlier).order_by(RawReading.ts.desc(), RawReading.seq.desc()).limit(1))
    ).first()
    after = (await conn.execute(base.where(later).order_by(RawReading.ts, RawReading.seq).limit(1))).first()
    return (
        Snapshot.from_values(before.ts, before.values) if before else None,
        Snapshot.from_values(after.ts, after.values) if after else None,
    )
