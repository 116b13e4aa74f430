"""Meter readings entered by hand, for a site whose meter has no agent.

Each is stored as a snapshot of the site (device ``site``) so history and raw readings see it, with
a seq from ``MANUAL_SEQ_BASE`` up: agents count their seqs from 0, so the two never collide, and
the seq alone tells a hand-entered reading from an agent's. The energy since the site's previous
manual reading is spread over the intervals between the two (``hub.ingest.manual``) and added to
``site_intervals`` with ``revised_at`` stamped, so settlement settles those intervals again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.deps import CurrentUser, SessionDep, SiteId, StateDep
from hub.api.errors import field_error
from hub.api.site_access import own_site
from hub.db.models import RawReading, Site, SiteInterval
from hub.ingest.aggregates import ENERGY_COLUMNS
from hub.ingest.manual import spread
from powershare_wire import SITE_DEVICE
from powershare_wire import site as vocabulary
from powershare_wire.bounds import Unit

router = APIRouter(tags=["sites"])

MANUAL_SEQ_BASE = 1 << 62  # far above any agent's count (one a second for 10¹¹ years)
MAX_COUNTER_WH = 10**15  # a terawatt-hour meter; beyond it is a typing slip

# The counters an owner reads off a meter, in the order a form asks for them.
MANUAL_COUNTERS = (vocabulary.IMPORT_WH, vocabulary.EXPORT_WH, vocabulary.PRODUCTION_WH, vocabulary.WIND_WH)


class MeterReadingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    read_at: AwareDatetime = Field(description="When the meter showed these counters")
    import_wh: int = Field(ge=0, le=MAX_COUNTER_WH, description="Energy drawn from the grid, counter in Wh")
    export_wh: int = Field(ge=0, le=MAX_COUNTER_WH, description="Energy fed into the grid, counter in Wh")
    production_wh: int | None = Field(
        default=None, ge=0, le=MAX_COUNTER_WH, description="Generation meter (solar and wind), Wh"
    )
    wind_wh: int | None = Field(
        default=None, ge=0, le=MAX_COUNTER_WH, description="The wind part of production, Wh"
    )

    def counters(self) -> dict[str, int]:
        given = {name: getattr(self, name) for name in MANUAL_COUNTERS}
        return {name: value for name, value in given.items() if value is not None}


class MeterReadingOut(BaseModel):
    read_at: datetime
    import_wh: int
    export_wh: int
    production_wh: int | None = None
    wind_wh: int | None = None
    recorded_at: datetime = Field(description="When it was entered")


def _out(reading: RawReading) -> MeterReadingOut:
    counters = {name: round(q["value"]) for name, q in reading.values.items() if name in MANUAL_COUNTERS}
    return MeterReadingOut(read_at=reading.ts, recorded_at=reading.received_at, **counters)


def _manual(site_id: str) -> Any:
    return select(RawReading).where(
        RawReading.site_id == site_id,
        RawReading.device == SITE_DEVICE,
        RawReading.seq >= MANUAL_SEQ_BASE,
    )


@router.get("/sites/{site_id}/meter-readings", operation_id="sites-meter-readings-list")
async def list_meter_readings(
    site_id: SiteId, user: CurrentUser, session: SessionDep
) -> list[MeterReadingOut]:
    """The site's hand-entered meter readings, newest first."""
    site = await own_site(session, user, site_id)
    rows = await session.scalars(_manual(site.id).order_by(RawReading.ts.desc(), RawReading.seq.desc()))
    return [_out(row) for row in rows]


@router.post(
    "/sites/{site_id}/meter-readings",
    status_code=status.HTTP_201_CREATED,
    operation_id="sites-meter-readings-add",
)
async def add_meter_reading(
    site_id: SiteId, body: MeterReadingIn, user: CurrentUser, session: SessionDep, state: StateDep
) -> MeterReadingOut:
    """Record the counters the owner read off the site's meter; the first one sets the baseline."""
    site = await own_site(session, user, site_id)
    # One entry at a time per site (PostgreSQL row lock): each builds on the one before.
    await session.refresh(site, with_for_update=True)
    horizon = state["clock"].now() + timedelta(seconds=state["settings"].max_clock_skew_s)
    if body.read_at > horizon:
        raise field_error(
            "read_at", f"{body.read_at.isoformat()} is in the future; enter when you read the meter"
        )
    await _refuse_if_agent_reports(session, site)
    previous = await session.scalar(
        _manual(site.id).order_by(RawReading.ts.desc(), RawReading.seq.desc()).limit(1)
    )
    counters = body.counters()
    if previous is not None:
        deltas = _deltas(previous, body.read_at, counters)
        await _book(session, site.id, previous.ts, body.read_at, deltas)
    reading = RawReading(
        site_id=site.id,
        seq=previous.seq + 1 if previous is not None else MANUAL_SEQ_BASE,
        ts=body.read_at.astimezone(UTC),
        device=SITE_DEVICE,
        values={name: {"value": value, "unit": Unit.WH.value} for name, value in counters.items()},
        received_at=datetime.now(UTC),
    )
    session.add(reading)
    await session.commit()
    return _out(reading)


async def _refuse_if_agent_reports(session: AsyncSession, site: Site) -> None:
    # An agent already books this meter's energy: hand-entered counters would count it twice.
    agent = await session.scalar(
        select(RawReading.seq)
        .where(
            RawReading.site_id == site.id, RawReading.device == SITE_DEVICE, RawReading.seq < MANUAL_SEQ_BASE
        )
        .limit(1)
    )
    if agent is not None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"site {site.id!r} has an agent reporting its meter; manual readings are for meters without one",
        )


def _deltas(previous: RawReading, read_at: datetime, counters: dict[str, int]) -> dict[str, int]:
    """Each counter's growth since the previous reading; refused where it went back or time did."""
    if read_at <= previous.ts:
        raise field_error(
            "read_at", f"must be after the previous reading, taken at {previous.ts.isoformat()}"
        )
    deltas: dict[str, int] = {}
    for name, value in counters.items():
        if name not in previous.values:
            continue  # a counter read for the first time sets its baseline
        before = round(previous.values[name]["value"])
        if value < before:
            raise field_error(
                name, f"{value} Wh is below the previous reading's {before} Wh; a meter's counter only grows"
            )
        deltas[name] = value - before
    return deltas


async def _book(
    session: AsyncSession, site_id: str, earlier: datetime, later: datetime, deltas: dict[str, int]
) -> None:
    if not deltas:
        return
    revised_at = datetime.now(UTC)  # wall time, as ingest stamps it: settlement compares against it
    rows = []
    for start, energy in spread(earlier, later, deltas).items():
        row: dict[str, Any] = dict.fromkeys(ENERGY_COLUMNS, 0)
        row.update(energy)
        row["consumption_wh"] = row["import_wh"] + row["production_wh"] - row["export_wh"]
        # The span counts as one reading in each interval it covers: settlement treats
        # intervals without readings as unmetered.
        rows.append({**row, "site_id": site_id, "start": start, "readings": 1, "revised_at": revised_at})
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(SiteInterval)
    added = {
        name: getattr(SiteInterval, name) + getattr(statement.excluded, name)
        for name in (*ENERGY_COLUMNS, "readings")
    }
    added["revised_at"] = statement.excluded.revised_at
    await session.execute(
        statement.on_conflict_do_update(index_elements=["site_id", "start"], set_=added), rows
    )
