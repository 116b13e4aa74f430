"""Meter readings entered by hand, for a site whose meter has no agent.

Each is stored as a snapshot of the site (device ``site``) so history and raw readings see it, with
a seq from ``MANUAL_SEQ_BASE`` up: agents count their seqs from 0, so the two never collide, and
the seq alone tells a hand-entered reading from an agent's. The API calls a reading by its seq
above that base (``id``), small enough for any JSON client.

The energy between two neighbouring readings is spread over the intervals between them
(``hub.ingest.manual``) and added to ``site_intervals`` with ``revised_at`` stamped, so settlement
settles those intervals again. Correcting (``PUT``) or withdrawing (``DELETE``) a reading takes
back what its two spans booked and books its new neighbours' instead, stamped the same way: the
affected intervals re-settle under a new revision, and ``meter_reading_corrections`` keeps what
the reading said before, who changed it and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.deps import INT4_MAX, CurrentUser, SessionDep, SiteId, StateDep
from hub.api.errors import ApiError, ErrorCode, field_error, not_found
from hub.api.site_access import own_site
from hub.db.models import MeterReadingCorrection, RawReading, Site, SiteInterval, User
from hub.ingest.aggregates import ENERGY_COLUMNS
from hub.ingest.manual import CounterRefused, Counters, Span, growth, rechained, spread
from powershare_wire import SITE_DEVICE
from powershare_wire import site as vocabulary
from powershare_wire.bounds import Unit

router = APIRouter(tags=["sites"])

MANUAL_SEQ_BASE = 1 << 62  # far above any agent's count (one a second for 10¹¹ years)
MAX_COUNTER_WH = 10**15  # a terawatt-hour meter; beyond it is a typing slip
# Readings lie within these: near datetime's limits an offset would overflow on the way to UTC.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)

# The counters an owner reads off a meter, in the order a form asks for them.
MANUAL_COUNTERS = (vocabulary.IMPORT_WH, vocabulary.EXPORT_WH, vocabulary.PRODUCTION_WH, vocabulary.WIND_WH)

ReadingId = Annotated[int, Path(ge=0, le=INT4_MAX, description="The reading's id on its site")]


class MeterReadingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    read_at: AwareDatetime = Field(description="When the meter showed these counters")
    import_wh: int = Field(ge=0, le=MAX_COUNTER_WH, description="Energy drawn from the grid, counter in Wh")
    export_wh: int = Field(ge=0, le=MAX_COUNTER_WH, description="Energy fed into the grid, counter in Wh")
    production_wh: int | None = Field(
        default=None, ge=0, le=MAX_COUNTER_WH, description="Generation meter (solar and wind), Wh"
    )
    wind_wh: int | None = Field(
        default=None,
        ge=0,
        le=MAX_COUNTER_WH,
        description="The wind part of production, Wh (at most production_wh, given with it)",
    )

    def counters(self) -> dict[str, int]:
        given = {name: getattr(self, name) for name in MANUAL_COUNTERS}
        return {name: value for name, value in given.items() if value is not None}


class MeterReadingOut(BaseModel):
    id: int = Field(description="The reading's id on its site, for correcting or withdrawing it")
    read_at: datetime
    import_wh: int
    export_wh: int
    production_wh: int | None = None
    wind_wh: int | None = None
    recorded_at: datetime = Field(description="When it was entered, or last corrected")


def _values(reading: RawReading) -> dict[str, int]:
    return {name: round(q["value"]) for name, q in reading.values.items() if name in MANUAL_COUNTERS}


def _out(reading: RawReading) -> MeterReadingOut:
    return MeterReadingOut(
        id=reading.seq - MANUAL_SEQ_BASE,
        read_at=reading.ts,
        recorded_at=reading.received_at,
        **_values(reading),
    )


def _chained(reading: RawReading) -> Counters:
    return Counters(reading.ts, _values(reading))


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
    site = await _site_for_entry(session, user, site_id, body, state)
    previous = await session.scalar(
        _manual(site.id).order_by(RawReading.ts.desc(), RawReading.seq.desc()).limit(1)
    )
    entered = Counters(body.read_at.astimezone(UTC), body.counters())
    spans = [Span(_chained(previous), entered, +1)] if previous is not None else []
    await _rebook(session, site.id, spans, entered)
    reading = _reading(site.id, await _next_seq(session, site.id), entered)
    session.add(reading)
    await session.commit()
    return _out(reading)


@router.put(
    "/sites/{site_id}/meter-readings/{reading_id}",
    operation_id="sites-meter-readings-correct",
    responses={404: {"description": "No such hand-entered reading on this site"}},
)
async def correct_meter_reading(
    site_id: SiteId,
    reading_id: ReadingId,
    body: MeterReadingIn,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
) -> MeterReadingOut:
    """Replace a hand-entered reading that was wrong; it must still fit between its neighbours.

    The intervals its energy was spread over, before and after, settle again.
    """
    site = await _site_for_entry(session, user, site_id, body, state)
    old = await _reading_of(session, site.id, reading_id)
    before, after = await _neighbours(session, site.id, old)
    entered = Counters(body.read_at.astimezone(UTC), body.counters())
    await _rebook(session, site.id, rechained(before, _chained(old), after, entered), entered)
    _record(session, site.id, old, user, entered)
    await session.delete(old)
    await session.flush()  # the corrected row may keep the old one's key
    reading = _reading(site.id, old.seq, entered)
    session.add(reading)
    await session.commit()
    return _out(reading)


@router.delete(
    "/sites/{site_id}/meter-readings/{reading_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="sites-meter-readings-withdraw",
    responses={404: {"description": "No such hand-entered reading on this site"}},
)
async def withdraw_meter_reading(
    site_id: SiteId, reading_id: ReadingId, user: CurrentUser, session: SessionDep
) -> Response:
    """Withdraw a hand-entered reading; the energy between its neighbours is spread anew.

    Without a reading before or after it, the intervals it bounded have no reading left and
    settle again as unmetered.
    """
    site = await _locked_manual_site(session, user, site_id)
    old = await _reading_of(session, site.id, reading_id)
    before, after = await _neighbours(session, site.id, old)
    await _rebook(session, site.id, rechained(before, _chained(old), after, None), None)
    _record(session, site.id, old, user, None)
    await session.delete(old)
    await session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Checks -----------------------------------------------------------------------------------------


async def _site_for_entry(
    session: AsyncSession, user: User, site_id: str, body: MeterReadingIn, state: StateDep
) -> Site:
    site = await _locked_manual_site(session, user, site_id)
    horizon = state["clock"].now() + timedelta(seconds=state["settings"].max_clock_skew_s)
    if not EARLIEST <= body.read_at <= LATEST:
        raise field_error(
            "read_at",
            ErrorCode.DATE_OUT_OF_RANGE,
            f"must lie between {EARLIEST:%Y} and {LATEST:%Y}",
            {"earliest": EARLIEST.year, "latest": LATEST.year},
        )
    if body.read_at > horizon:
        raise field_error(
            "read_at",
            ErrorCode.READING_IN_THE_FUTURE,
            f"{body.read_at.isoformat()} is in the future; enter when you read the meter",
        )
    if body.wind_wh is not None:
        if body.production_wh is None:
            raise field_error(
                "production_wh",
                ErrorCode.PRODUCTION_WITH_WIND,
                "give the whole production (solar and wind) with its wind part",
            )
        if body.wind_wh > body.production_wh:
            raise field_error(
                "wind_wh",
                ErrorCode.WIND_ABOVE_PRODUCTION,
                f"{body.wind_wh} Wh is more than the whole production, {body.production_wh} Wh",
                {"production_wh": body.production_wh},
            )
    return site


async def _locked_manual_site(session: AsyncSession, user: User, site_id: str) -> Site:
    site = await own_site(session, user, site_id)
    # One change at a time per site (PostgreSQL row lock): each builds on its neighbours.
    await session.refresh(site, with_for_update=True)
    await _refuse_if_agent_reports(session, site)
    return site


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
        raise ApiError(
            status.HTTP_409_CONFLICT,
            ErrorCode.METER_HAS_AGENT,
            f"site {site.id!r} has an agent reporting its meter; manual readings are for meters without one",
            {"site": site.id},
        )


# The chain ----------------------------------------------------------------------------------------


async def _reading_of(session: AsyncSession, site_id: str, reading_id: int) -> RawReading:
    reading: RawReading | None = await session.scalar(
        _manual(site_id).where(RawReading.seq == MANUAL_SEQ_BASE + reading_id)
    )
    if reading is None:
        raise not_found(
            ErrorCode.METER_READING_NOT_FOUND,
            f"meter reading {reading_id} of site {site_id!r}",
            reading=reading_id,
            site=site_id,
        )
    return reading


async def _neighbours(
    session: AsyncSession, site_id: str, reading: RawReading
) -> tuple[Counters | None, Counters | None]:
    before = await session.scalar(
        _manual(site_id).where(RawReading.ts < reading.ts).order_by(RawReading.ts.desc()).limit(1)
    )
    after = await session.scalar(
        _manual(site_id).where(RawReading.ts > reading.ts).order_by(RawReading.ts).limit(1)
    )
    return (
        _chained(before) if before is not None else None,
        _chained(after) if after is not None else None,
    )


async def _next_seq(session: AsyncSession, site_id: str) -> int:
    """Above every reading the site has had: a withdrawn reading's id is never given again."""
    latest = await session.scalar(
        select(func.max(RawReading.seq)).where(
            RawReading.site_id == site_id,
            RawReading.device == SITE_DEVICE,
            RawReading.seq >= MANUAL_SEQ_BASE,
        )
    )
    corrected = await session.scalar(
        select(func.max(MeterReadingCorrection.reading)).where(MeterReadingCorrection.site_id == site_id)
    )
    used = max(
        latest - MANUAL_SEQ_BASE if latest is not None else -1, corrected if corrected is not None else -1
    )
    return MANUAL_SEQ_BASE + used + 1


def _reading(site_id: str, seq: int, entered: Counters) -> RawReading:
    return RawReading(
        site_id=site_id,
        seq=seq,
        ts=entered.at,
        device=SITE_DEVICE,
        values={name: {"value": value, "unit": Unit.WH.value} for name, value in entered.values.items()},
        received_at=datetime.now(UTC),
    )


def _record(session: AsyncSession, site_id: str, old: RawReading, user: User, new: Counters | None) -> None:
    session.add(
        MeterReadingCorrection(
            site_id=site_id,
            reading=old.seq - MANUAL_SEQ_BASE,
            read_at=old.ts,
            counters=_values(old),
            new_read_at=new.at if new is not None else None,
            new_counters=dict(new.values) if new is not None else None,
            corrected_by=user.id,
        )
    )


async def _rebook(
    session: AsyncSession, site_id: str, spans: Sequence[Span], entered: Counters | None
) -> None:
    """Check every span first (a refusal names the entered field), then take back and book."""
    try:
        # Spans taken back were checked when booked; only the new ones are the entered reading's.
        deltas = [growth(s.earlier, s.later, checking=entered if s.sign > 0 else None) for s in spans]
    except CounterRefused as refused:
        raise field_error(refused.field, refused.problem) from None
    for span, delta in zip(spans, deltas, strict=True):
        await _book(session, site_id, span, delta)


async def _book(session: AsyncSession, site_id: str, span: Span, deltas: dict[str, int]) -> None:
    if not deltas:
        return
    revised_at = datetime.now(UTC)  # wall time, as ingest stamps it: settlement compares against it
    rows = []
    for start, energy in spread(span.earlier.at, span.later.at, deltas).items():
        row: dict[str, Any] = dict.fromkeys(ENERGY_COLUMNS, 0)
        row.update({name: span.sign * wh for name, wh in energy.items()})
        row["consumption_wh"] = row["import_wh"] + row["production_wh"] - row["export_wh"]
        # The span counts as one reading in each interval it covers: settlement treats
        # intervals without readings as unmetered. Taking a span back takes its reading too.
        rows.append(
            {**row, "site_id": site_id, "start": start, "readings": span.sign, "revised_at": revised_at}
        )
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
