"""The community market: its rules, the book of an interval, results, clearing now, standing orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import select

from hub.api.deps import AdminUser, CommunityId, CurrentUser, RowId, SessionDep, SiteId, StateDep
from hub.api.errors import ApiError, ErrorCode, field_error, not_found
from hub.api.routes.communities import member_community
from hub.api.schemas.market import (
    ClearRequest,
    GridFee,
    IntervalResult,
    MarketOverview,
    OfferOut,
    RequestOut,
    StandingOrderCreate,
    StandingOrderOut,
)
from hub.api.site_access import own_site
from hub.db.models import MarketInterval, SiteKind, StandingKind, StandingOrder, UserRole
from hub.market.clearing import AlreadyCleared, snapshot
from hub.market.intervals import floor_to
from hub.market.orders import PROVIDERS, gate_lead, interval_of
from hub.market.views import offer_view, request_view
from hub.privacy import owned_sites

router = APIRouter(tags=["market"])
MAX_RESULTS_SPAN = timedelta(days=31)


class BookOut(BaseModel):
    community: str
    start: datetime
    requests: list[RequestOut]
    offers: list[OfferOut]


@router.get("/communities/{community_id}/market", operation_id="market-overview")
async def market_overview(
    community_id: CommunityId, user: CurrentUser, session: SessionDep, state: StateDep
) -> MarketOverview:
    """The market's rules, when the next gate closes, and the latest results."""
    community = await member_community(session, user, community_id)
    now = state["clock"].now()
    start = state["market"].next_interval(community, now)
    rows = await session.scalars(
        select(MarketInterval)
        .where(MarketInterval.community == community.id)
        .order_by(MarketInterval.start.desc())
        .limit(24)
    )
    return MarketOverview(
        community=community.id,
        currency=community.currency,
        mechanism=community.mechanism,
        interval_minutes=community.settlement_interval_min,
        gate_lead_s=community.gate_lead_s,
        feed_in_price=community.feed_in_price_per_kwh,
        retail_price=community.retail_price_per_kwh,
        grid_fee=GridFee.model_validate(community.grid_fee),
        now=now,
        open_interval=start,
        next_gate=start - gate_lead(community),
        results=[IntervalResult.model_validate(r) for r in rows],
    )


@router.get("/communities/{community_id}/market/intervals", operation_id="market-intervals")
async def market_intervals(
    community_id: CommunityId,
    user: CurrentUser,
    session: SessionDep,
    start: AwareDatetime,
    end: AwareDatetime,
) -> list[IntervalResult]:
    """Cleared intervals in [start, end), oldest first: price, volume, trades, community share."""
    community = await member_community(session, user, community_id)
    if end <= start:
        raise field_error("end", ErrorCode.END_NOT_AFTER_START, "must be after start", where="query")
    if end - start > MAX_RESULTS_SPAN:
        days = MAX_RESULTS_SPAN.days
        raise field_error(
            "end", ErrorCode.SPAN_TOO_LONG, f"at most {days} days at once", {"max_days": days}, where="query"
        )
    rows = await session.scalars(
        select(MarketInterval)
        .where(
            MarketInterval.community == community.id,
            MarketInterval.start >= start,
            MarketInterval.start < end,
        )
        .order_by(MarketInterval.start)
    )
    return [IntervalResult.model_validate(r) for r in rows]


@router.get("/communities/{community_id}/market/book", operation_id="market-book")
async def market_book(
    community_id: CommunityId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    start: Annotated[
        AwareDatetime | None, Query(description="An interval's start; default: the open one")
    ] = None,
) -> BookOut:
    """The orders taking part in one interval (neighbours' coarsely, as everywhere)."""
    community = await member_community(session, user, community_id)
    when = (
        floor_to(start, interval_of(community))
        if start
        else state["market"].next_interval(community, state["clock"].now())
    )
    snap = await snapshot(session, community, when)
    owned = await owned_sites(session, user)
    admin = user.role is UserRole.ADMIN
    return BookOut(
        community=community.id,
        start=when,
        requests=[
            request_view(r, full=admin or r.site_id in owned, mine=r.site_id in owned)
            for r, _ in snap.requests.values()
        ],
        offers=[
            offer_view(o, full=admin or o.site_id in owned, mine=o.site_id in owned)
            for o, _ in snap.offers.values()
        ],
    )


@router.post("/communities/{community_id}/market/clear", operation_id="market-clear")
async def clear_now(
    community_id: CommunityId, body: ClearRequest, _admin: AdminUser, session: SessionDep, state: StateDep
) -> IntervalResult:
    """Admin: clear an interval now, before its gate (operations, tests). Each interval clears once."""
    community = await member_community(session, _admin, community_id)
    length = interval_of(community)
    start = (
        floor_to(body.start, length)
        if body.start
        else state["market"].next_interval(community, state["clock"].now())
    )
    try:
        interval = await state["market"].clear(community.id, start)
    except AlreadyCleared as exc:
        raise ApiError(
            status.HTTP_409_CONFLICT,
            ErrorCode.INTERVAL_ALREADY_CLEARED,
            str(exc),
            {"start": start.isoformat()},
        ) from None
    return IntervalResult.model_validate(interval)


SELLS = {StandingKind.SELL_SURPLUS, StandingKind.SELL_BATTERY}


@router.get("/sites/{site_id}/standing-orders", operation_id="market-standing-list")
async def list_standing(site_id: SiteId, user: CurrentUser, session: SessionDep) -> list[StandingOrderOut]:
    site = await own_site(session, user, site_id)
    rows = await session.scalars(
        select(StandingOrder).where(StandingOrder.site_id == site.id).order_by(StandingOrder.id)
    )
    return [StandingOrderOut.model_validate(r) for r in rows]


@router.post(
    "/sites/{site_id}/standing-orders",
    status_code=status.HTTP_201_CREATED,
    operation_id="market-standing-create",
)
async def create_standing(
    site_id: SiteId, body: StandingOrderCreate, user: CurrentUser, session: SessionDep
) -> StandingOrderOut:
    """A rule the market turns into orders for upcoming intervals, so nobody trades by hand."""
    site = await own_site(session, user, site_id)
    if body.kind in SELLS and site.kind not in PROVIDERS:
        raise field_error(
            "kind",
            ErrorCode.STANDING_ONLY_BUYS,
            f"a {site.kind.value} site may only buy (buy_deficit)",
            {"kind": site.kind.value},
        )
    if body.kind is StandingKind.BUY_DEFICIT and site.kind is SiteKind.PROVIDER:
        raise field_error(
            "kind",
            ErrorCode.STANDING_ONLY_SELLS,
            "a provider site may only sell (sell_surplus, sell_battery)",
            {"kind": site.kind.value},
        )
    if body.kind is StandingKind.SELL_BATTERY:
        if not any(a.get("kind") == "battery" and a.get("energy_kwh") for a in site.assets):
            raise field_error(
                "kind",
                ErrorCode.BATTERY_CAPACITY_UNKNOWN,
                "sell_battery needs a battery with its capacity among the site's assets",
            )
        if body.min_soc_pct is None:
            raise field_error(
                "min_soc_pct",
                ErrorCode.MIN_SOC_REQUIRED,
                "sell_battery needs the state of charge to keep (0…100 %)",
            )
    community = await member_community(session, user, site.community)
    if not community.feed_in_price_per_kwh <= body.price <= community.retail_price_per_kwh:
        low, high = community.feed_in_price_per_kwh, community.retail_price_per_kwh
        raise field_error(
            "price",
            ErrorCode.PRICE_OUTSIDE_CORRIDOR,
            f"must lie between the feed-in price {low} and the retail price {high} per kWh (got {body.price})",
            {"low": str(low), "high": str(high), "price": str(body.price)},
        )
    order = StandingOrder(community=site.community, site_id=site.id, **body.model_dump())
    session.add(order)
    await session.commit()
    return StandingOrderOut.model_validate(order)


@router.delete(
    "/standing-orders/{standing_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="market-standing-delete",
)
async def delete_standing(standing_id: RowId, user: CurrentUser, session: SessionDep) -> None:
    """Stop a standing order; orders it already placed stay in the book."""
    order = await session.get(StandingOrder, standing_id)
    if order is None:
        raise not_found(ErrorCode.STANDING_ORDER_NOT_FOUND, f"standing order {standing_id}", id=standing_id)
    await own_site(session, user, order.site_id)
    await session.delete(order)
    await session.commit()
