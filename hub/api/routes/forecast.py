"""Forecast of one site per 15 min for the next hours: PV, wind, load and what is left over."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from hub.api.deps import CurrentUser, SessionDep, SiteId, StateDep
from hub.api.site_access import own_site
from hub.db.models import SiteInterval
from hub.energy.intervals import INTERVAL
from hub.market.forecast import LOAD_WINDOW, SiteInputs, fit_site, predict, upcoming_starts

router = APIRouter(tags=["sites"])


class SiteForecastPoint(BaseModel):
    start: datetime
    pv_wh: int
    wind_wh: int
    load_wh: int
    net_wh: int  # production minus load: positive to offer, negative to buy


class SiteForecast(BaseModel):
    site: str
    generated_at: datetime
    interval_minutes: int
    points: list[SiteForecastPoint]
    pv_ratio: float | None  # measured ÷ clear-sky production applied; null without PV or location
    method: list[str]  # which method or fallback each quantity used


def capacity_kw(assets: Iterable[Mapping[str, Any]], kind: str) -> float:
    return float(sum(a.get("power_kw") or 0 for a in assets if a.get("kind") == kind))


@router.get("/sites/{site_id}/forecast", operation_id="sites-forecast", response_model=SiteForecast)
async def get_forecast(
    site_id: SiteId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    hours: Annotated[int, Query(ge=1, le=48, description="How far ahead, in hours")] = 48,
) -> SiteForecast:
    """PV, wind and load per 15 min for one of the caller's sites, from its last 7 days."""
    site = await own_site(session, user, site_id)
    now = state["clock"].now()
    rows = await session.execute(
        select(
            SiteInterval.start, SiteInterval.production_wh, SiteInterval.consumption_wh, SiteInterval.wind_wh
        ).where(
            SiteInterval.site_id == site.id,
            SiteInterval.start >= now - LOAD_WINDOW,
            SiteInterval.start < now,
        )
    )
    inputs = SiteInputs(
        lat=site.lat,
        lon=site.lon,
        solar_kwp=capacity_kw(site.assets, "solar"),
        wind_kw=capacity_kw(site.assets, "wind"),
        history=[(start, produced, consumed, wind) for start, produced, consumed, wind in rows],
        now=now,
    )
    model = fit_site(inputs)
    points = predict(model, upcoming_starts(now, hours))
    return SiteForecast(
        site=site.id,
        generated_at=now,
        interval_minutes=int(INTERVAL.total_seconds() // 60),
        points=[
            SiteForecastPoint(
                start=p.start, pv_wh=p.pv_wh, wind_wh=p.wind_wh, load_wh=p.load_wh, net_wh=p.net_wh
            )
            for p in points
        ],
        pv_ratio=None if model.pv_ratio is None else round(model.pv_ratio, 4),
        method=list(model.method),
    )
