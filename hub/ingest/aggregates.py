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
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.db.models import RawReading, SiteInterval
from hub.energy.intervals import Energy, Snapshot, energy_between, interval_start
from powershare_wire import Reading

SITE_DEVICE = "site"
ENERGY_COLUMNS = ("import_wh", "export_wh", "production_wh", "consumption_wh", "charge_wh", "discharge_wh")


@dataclass(slots=True)
class Chained:
    seq: int
    snapshot: Snapshot


def snapshot_of(reading: Reading) -> Snapshot:
    # Snapshot.from_values also takes JSON; wire models are known here, which is 3× cheaper
    # (no Mapping check per value), and this runs for every site reading ingested.
    return Snapshot(reading.ts, {name: q.value for name, q in reading.values.items() if q.value is not None})


class Bookings:
    """Energy and reading counts per (site, interval) within one batch."""

    def __init__(self) -> None:
        self.energy: dict[tuple[str, datetime], Energy] = defaultdict(Energy)
        self.readings: dict[tuple[str, datetime], int] = defaultdict(int)

    def book(self, site: str, ts: datetime, energy: Energy) -> None:
        self.energy[(site, interval_start(ts))] += energy

    def count(self, site: str, ts: datetime, energy: Energy | None = None) -> None:
        """One more reading in ts's interval, with the energy booked there (if any)."""
        key = (site, interval_start(ts))
        self.readings[key] += 1
        booked = self.energy.get(key)
        if booked is None:
            self.energy[key] = energy if energy is not None else Energy()
        elif energy is not None:
            self.energy[key] = booked + energy

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for (site, start), e in self.energy.items():
            row: dict[str, Any] = {
                "site_id": site,
                "start": start,
                "readings": self.readings.get((site, start), 0),
                "consumption_wh": e.consumption_wh,
            }
            row.update(
                import_wh=e.import_wh,
                export_wh=e.export_wh,
                production_wh=e.production_wh,
                charge_wh=e.charge_wh,
                discharge_wh=e.discharge_wh,
            )
            rows.append(row)
        return rows


class IntervalAggregator:
    def __init__(self, insert: Any) -> None:
        self._insert = insert
        self._last: dict[str, Chained] = {}

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
            ordered = sorted(readings, key=lambda r: (r.ts, r.seq))
            # Sorted, so the readings at or before the chain head form a prefix.
            late = [r for r in ordered if head is not None and (r.ts, r.seq) <= (head.snapshot.ts, head.seq)]
            fresh = ordered[len(late) :]
            pending = {r.seq for r in ordered}
            for reading in late:
                pending.discard(reading.seq)
                await self._book_late(conn, bookings, site, reading, pending)
            for reading in fresh:
                snapshot = snapshot_of(reading)
                energy = energy_between(head.snapshot, snapshot) if head is not None else None
                bookings.count(site, reading.ts, energy)
                head = Chained(reading.seq, snapshot)
            if head is not None:
                heads[site] = head
        rows = bookings.rows()
        if rows:
            await conn.execute(self._upsert(), rows)
        return heads

    def advance(self, heads: dict[str, Chained]) -> None:
        self._last.update(heads)

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

    def _upsert(self) -> Any:
        statement = self._insert(SiteInterval)
        added = {
            name: getattr(SiteInterval, name) + getattr(statement.excluded, name)
            for name in (*ENERGY_COLUMNS, "readings")
        }
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
