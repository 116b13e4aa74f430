"""Energy history of one site per 15 min, hour, day or month (UTC), as JSON or CSV, and its totals."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import select

from hub.api.deps import CurrentUser, SessionDep, SiteId, StateDep
from hub.api.errors import ErrorCode, field_error
from hub.api.schemas.sites import EnergyTotals, SiteStats
from hub.api.site_access import own_site
from hub.db.models import Site, SiteInterval
from hub.energy.intervals import Energy
from hub.energy.periods import MAX_SPAN, Period, default_range, roll_up
from hub.energy.site import site_figures

router = APIRouter(tags=["history"])

CSV_COLUMNS = (
    "start",
    "import_kwh",
    "export_kwh",
    "production_kwh",
    "wind_kwh",
    "consumption_kwh",
    "charge_kwh",
    "discharge_kwh",
    "readings",
)


class HistoryPoint(BaseModel):
    start: datetime
    import_kwh: float
    export_kwh: float
    production_kwh: float
    wind_kwh: float
    consumption_kwh: float
    charge_kwh: float
    discharge_kwh: float
    readings: int


class History(BaseModel):
    site: str
    period: Period
    start: datetime
    end: datetime
    points: list[HistoryPoint]
    totals: EnergyTotals


def _kwh(wh: float) -> float:
    return round(wh / 1000, 6)


def point(start: datetime, e: Energy, readings: int) -> HistoryPoint:
    return HistoryPoint(
        start=start,
        import_kwh=_kwh(e.import_wh),
        export_kwh=_kwh(e.export_wh),
        production_kwh=_kwh(e.production_wh),
        wind_kwh=_kwh(e.wind_wh),
        consumption_kwh=_kwh(max(e.consumption_wh, 0.0)),
        charge_kwh=_kwh(e.charge_wh),
        discharge_kwh=_kwh(e.discharge_wh),
        readings=readings,
    )


@router.get(
    "/sites/{site_id}/history",
    operation_id="history-get",
    response_model=History,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def get_history(
    site_id: SiteId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    period: Period = Period.HOUR,
    start: AwareDatetime | None = None,
    end: AwareDatetime | None = None,
    format: Literal["json", "csv"] = Query(default="json", description="csv downloads a spreadsheet"),
) -> History | Response:
    """Energy per period for one of the caller's sites; ``start``/``end`` default to a recent span."""
    site = await own_site(session, user, site_id)
    default_start, default_end = default_range(period, state["clock"].now())
    start = start or (end - (default_end - default_start) if end else default_start)
    end = end or default_end
    if end <= start:
        raise field_error("end", ErrorCode.END_NOT_AFTER_START, "must be after start", where="query")
    if end - start > MAX_SPAN[period]:
        days = MAX_SPAN[period].days
        raise field_error(
            "start",
            ErrorCode.SPAN_TOO_LONG,
            f"at most {days} days of {period.value} history at once",
            {"max_days": days, "period": period.value},
            where="query",
        )
    intervals = await _intervals(session, site, start, end)
    buckets = roll_up(intervals, period)
    history = History(
        site=site.id,
        period=period,
        start=start,
        end=end,
        points=[point(b.start, b.energy, b.readings) for b in buckets],
        totals=totals(energy for _, energy, _ in intervals),
    )
    if format == "csv":
        return _csv(history)
    return history


@router.get("/sites/{site_id}/stats", operation_id="sites-stats")
async def get_site_stats(
    site_id: SiteId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    start: AwareDatetime | None = None,
    end: AwareDatetime | None = None,
) -> SiteStats:
    """Totals, self-consumption and self-sufficiency of one of the caller's sites between
    ``start`` and ``end`` (default: today, UTC, on the hub's clock)."""
    site = await own_site(session, user, site_id)
    today = state["clock"].now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = start or today
    try:
        end = end or start + timedelta(days=1)
    except OverflowError:  # a start in the year 9999
        raise field_error(
            "start", ErrorCode.START_TOO_LATE, "must leave a day before the end of time", where="query"
        ) from None
    if end <= start:
        raise field_error("end", ErrorCode.END_NOT_AFTER_START, "must be after start", where="query")
    if end - start > MAX_SPAN[Period.DAY]:
        days = MAX_SPAN[Period.DAY].days
        raise field_error(
            "start",
            ErrorCode.SPAN_TOO_LONG,
            f"at most {days} days at once",
            {"max_days": days},
            where="query",
        )
    intervals = await _intervals(session, site, start, end)
    figures = totals(energy for _, energy, _ in intervals)
    return SiteStats(site=site.id, start=start, end=end, **figures.model_dump())


async def _intervals(
    session: SessionDep, site: Site, start: datetime, end: datetime
) -> list[tuple[datetime, Energy, int]]:
    rows = await session.execute(
        select(SiteInterval)
        .where(SiteInterval.site_id == site.id, SiteInterval.start >= start, SiteInterval.start < end)
        .order_by(SiteInterval.start)
    )
    return [
        (
            r.start,
            Energy(r.import_wh, r.export_wh, r.production_wh, r.charge_wh, r.discharge_wh, r.wind_wh),
            r.readings,
        )
        for r in rows.scalars()
    ]


def totals(intervals: Iterable[Energy]) -> EnergyTotals:
    f = site_figures(intervals)
    return EnergyTotals(
        produced_kwh=_kwh(f.produced_wh),
        wind_kwh=_kwh(f.wind_wh),
        consumed_kwh=_kwh(f.consumed_wh),
        imported_kwh=_kwh(f.imported_wh),
        exported_kwh=_kwh(f.exported_wh),
        self_consumption=None if f.self_consumption is None else round(f.self_consumption, 6),
        self_sufficiency=None if f.self_sufficiency is None else round(f.self_sufficiency, 6),
    )


def _csv(history: History) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in history.points:
        writer.writerow([p.start.isoformat(), *(getattr(p, name) for name in CSV_COLUMNS[1:])])
    name = f"{history.site}-{history.period.value}-{history.start:%Y%m%d}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
