"""Standing orders become concrete orders for the interval whose gate is closing.

"Offer my forecast surplus at no less than X", "offer my battery above R % in these hours at
no less than Y", "buy my forecast deficit up to Z": each gives one order for the interval,
sized from the site's forecast (hub.market.forecast) or its battery's latest state of
charge. An order already made for that interval (a restart) is not made again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import (
    AssetKind,
    Community,
    EnergyRequest,
    Offer,
    Site,
    SiteInterval,
    StandingKind,
    StandingOrder,
    Urgency,
)
from hub.energy.intervals import INTERVAL
from hub.market.forecast import (
    PV_RATIO_WINDOW,
    ClearSky,
    HistoryRow,
    SiteInputs,
    forecast_sites,
)
from hub.market.orders import interval_of
from hub.outbox import Outbox
from powershare_wire import site as vocabulary

LOAD_DAYS = 7  # the same time of day on each of the last days shapes the load forecast


async def materialize_standing(
    session: AsyncSession, community: Community, start: datetime, now: datetime
) -> Outbox:
    standing = list(
        await session.scalars(
            select(StandingOrder).where(StandingOrder.community == community.id, StandingOrder.active)
        )
    )
    if not standing:
        return Outbox()
    length = interval_of(community)
    # Each rule is weighed once per interval, ahead of the gate; at the gate only new rules are.
    todo = [s for s in standing if s.evaluated_for is None or s.evaluated_for < start]
    if not todo:
        return Outbox()
    done = await _already_placed(session, [s.id for s in todo], start)
    sites = {
        s.id: s for s in await session.scalars(select(Site).where(Site.id.in_({o.site_id for o in todo})))
    }
    needs_forecast = sorted(
        {o.site_id for o in todo if o.id not in done and o.kind is not StandingKind.SELL_BATTERY}
    )
    net = await _forecast_net(session, [sites[s] for s in needs_forecast], start, length, now)
    for rule in todo:
        rule.evaluated_for = start
        if rule.id in done:
            continue
        site = sites[rule.site_id]
        order = _order_for(rule, site, community, start, length, net.get(site.id), now)
        if order is not None:
            session.add(order)
    # Orders made by rules are not announced one by one: the clearing that follows at once tells
    # each owner about theirs, and the community hears the interval's result.
    return Outbox()


async def _already_placed(session: AsyncSession, ids: list[int], start: datetime) -> set[int]:
    found: set[int] = set()
    for kind in (EnergyRequest, Offer):
        rows = await session.scalars(
            select(kind.standing_order_id).where(kind.standing_order_id.in_(ids), kind.window_start == start)
        )
        found |= {r for r in rows if r is not None}
    return found


def _order_for(
    rule: StandingOrder,
    site: Site,
    community: Community,
    start: datetime,
    length: timedelta,
    net_wh: int | None,
    now: datetime,
) -> EnergyRequest | Offer | None:
    common = {
        "community": community.id,
        "site_id": site.id,
        "window_start": start,
        "window_end": start + length,
        "standing_order_id": rule.id,
        "created_at": now,
    }
    if rule.kind is StandingKind.BUY_DEFICIT:
        deficit = -(net_wh or 0)
        if deficit <= 0:
            return None
        return EnergyRequest(energy_wh=deficit, max_price=rule.price, urgency=Urgency.NORMAL, **common)
    if rule.kind is StandingKind.SELL_SURPLUS:
        surplus = net_wh or 0
        if surplus <= 0:
            return None
        return Offer(energy_wh=surplus, min_price=rule.price, source=_green_source(site), **common)
    energy = battery_energy_wh(rule, site, community, start, length)
    if energy <= 0:
        return None
    return Offer(energy_wh=energy, min_price=rule.price, source=AssetKind.BATTERY, **common)


def _green_source(site: Site) -> AssetKind:
    kinds = {a.get("kind") for a in site.assets}
    return AssetKind.SOLAR if "solar" in kinds or "wind" not in kinds else AssetKind.WIND


def battery_energy_wh(
    rule: StandingOrder, site: Site, community: Community, start: datetime, length: timedelta
) -> int:
    """What the battery can give in the interval above the kept state of charge, within its hours."""
    local_hour = start.astimezone(ZoneInfo(community.timezone)).hour
    low, high = rule.from_hour or 0, rule.to_hour if rule.to_hour is not None else 24
    in_hours = low <= local_hour < high if low <= high else (local_hour >= low or local_hour < high)
    if not in_hours:
        return 0
    battery = next((a for a in site.assets if a.get("kind") == "battery" and a.get("energy_kwh")), None)
    soc = _latest(site, vocabulary.SOC_PCT)
    if battery is None or soc is None:
        return 0
    above = (soc - (rule.min_soc_pct or 0)) / 100 * float(battery["energy_kwh"]) * 1000
    power_limit = float(battery.get("power_kw") or 0) * 1000 * length.total_seconds() / 3600
    return max(int(min(above, power_limit)), 0)


def _latest(site: Site, name: str) -> float | None:
    values = (site.latest or {}).get("values") or {}
    quantity = values.get(name)
    value = quantity.get("value") if isinstance(quantity, dict) else None
    return float(value) if isinstance(value, int | float) else None


async def _forecast_net(
    session: AsyncSession, sites: list[Site], start: datetime, length: timedelta, now: datetime
) -> dict[str, int]:
    """Forecast production − load (Wh) of each site over the interval."""
    if not sites:
        return {}
    same_slot = [
        start - timedelta(days=d) + k * INTERVAL
        for d in range(1, LOAD_DAYS + 1)
        for k in range(length // INTERVAL)
    ]
    rows = await session.execute(
        select(
            SiteInterval.site_id,
            SiteInterval.start,
            SiteInterval.production_wh,
            SiteInterval.import_wh,
            SiteInterval.export_wh,
            SiteInterval.charge_wh,
            SiteInterval.discharge_wh,
            SiteInterval.wind_wh,
        ).where(
            SiteInterval.site_id.in_([s.id for s in sites]),
            or_(SiteInterval.start >= now - PV_RATIO_WINDOW, SiteInterval.start.in_(same_slot)),
        )
    )
    history: dict[str, list[HistoryRow]] = defaultdict(list)
    for site_id, when, produced, imported, exported, charged, discharged, wind in rows.all():
        consumed = imported + produced + discharged - exported - charged
        history[site_id].append((when, produced, consumed, wind))
    inputs = [
        SiteInputs(
            lat=s.lat,
            lon=s.lon,
            solar_kwp=_rated(s, "solar"),
            wind_kw=_rated(s, "wind"),
            history=history.get(s.id, []),
            now=now,
        )
        for s in sites
    ]
    starts = [start + k * INTERVAL for k in range(length // INTERVAL)]
    forecasts = forecast_sites(inputs, starts, ClearSky())
    return {
        s.id: sum(p.pv_wh + p.wind_wh - p.load_wh for p in points)
        for s, points in zip(sites, forecasts, strict=True)
    }


def _rated(site: Site, kind: str) -> float:
    return sum(float(a.get("power_kw") or 0) for a in site.assets if a.get("kind") == kind)
