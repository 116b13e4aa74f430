"""The order service: every way a request or an offer is placed, cancelled and told about.

Routes stay thin and call these functions; each returns the order and an Outbox of what to
publish, and the caller commits first (see hub.outbox). Bad orders raise OrderRejected, which
names the field and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field  # `field` is OrderRejected's own
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.schemas.events import OfferEvent, RequestEvent
from hub.api.schemas.market import OfferCreate, OfferOut, RequestCreate, RequestOut, Window
from hub.db.models import (
    Community,
    EnergyRequest,
    Offer,
    OrderStatus,
    Site,
    SiteKind,
    Transaction,
    TransactionStatus,
    Urgency,
    User,
    UserRole,
)
from hub.error_codes import Ctx, ErrorCode
from hub.events import Event, market_channel, site_channel, view_event
from hub.market.fees import distance_km, distance_units
from hub.market.intervals import ceil_to, floor_to, open_interval
from hub.market.lifecycle import advance
from hub.market.sharing import ex_post_from
from hub.market.views import offer_view, request_view
from hub.notify import notify
from hub.outbox import Outbox
from hub.privacy import communities_of, owned_sites, owns

CONSUMERS = frozenset({SiteKind.CONSUMER, SiteKind.HYBRID})
PROVIDERS = frozenset({SiteKind.PROVIDER, SiteKind.HYBRID})
ACTIVE = (OrderStatus.OPEN, OrderStatus.PARTLY_MATCHED)
MAX_WINDOW = timedelta(days=7)

Order = EnergyRequest | Offer
OrderT = TypeVar("OrderT", EnergyRequest, Offer)


@dataclass
class OrderRejected(Exception):
    """An order the market cannot take; ``field`` is the body field to fix."""

    field: str
    code: ErrorCode
    message: str
    status: int = 422
    ctx: Ctx = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class Placed:
    site: Site
    community: Community
    window_start: datetime
    window_end: datetime


def interval_of(community: Community) -> timedelta:
    return timedelta(minutes=community.settlement_interval_min)


def gate_lead(community: Community) -> timedelta:
    return timedelta(seconds=community.gate_lead_s)


async def _check(
    session: AsyncSession,
    user: User,
    body: Window,
    kinds: frozenset[SiteKind],
    now: datetime,
    immediate: bool,
) -> Placed:
    site = await session.get(Site, body.site)
    if site is None:
        raise OrderRejected(
            "site", ErrorCode.SITE_NOT_FOUND, f"no site {body.site!r}", ctx={"site": body.site}
        )
    if not owns(user, site):
        raise OrderRejected(
            "site",
            ErrorCode.SITE_OF_ANOTHER_RESIDENT,
            f"site {body.site!r} belongs to another resident",
            403,
            {"site": body.site},
        )
    if site.kind not in kinds:
        allowed = "offers" if site.kind is SiteKind.PROVIDER else "requests"
        code = ErrorCode.SITE_KIND_CANNOT_REQUEST if allowed == "offers" else ErrorCode.SITE_KIND_CANNOT_OFFER
        message = f"a {site.kind.value} site may place only {allowed}"
        raise OrderRejected("site", code, message, ctx={"kind": site.kind.value})
    community = await session.get(Community, site.community)
    if community is None:  # pragma: no cover - sites always belong to a community
        raise OrderRejected(
            "site",
            ErrorCode.SITE_WITHOUT_COMMUNITY,
            f"site {site.id!r} has no community",
            ctx={"site": site.id},
        )
    length = interval_of(community)
    start, end = floor_to(body.window_start, length), ceil_to(body.window_end, length)
    if end <= start:
        raise OrderRejected("window_end", ErrorCode.END_NOT_AFTER_START, "must be after window_start")
    if end - start > MAX_WINDOW:
        raise OrderRejected(
            "window_end",
            ErrorCode.SPAN_TOO_LONG,
            f"the window may span at most {MAX_WINDOW.days} days",
            ctx={"max_days": MAX_WINDOW.days},
        )
    # A critical request may still take the interval under way; others start where the gate is open.
    first = floor_to(now, length) if immediate else open_interval(now, length, gate_lead(community))
    if end <= first:
        raise OrderRejected(
            "window_end",
            ErrorCode.WINDOW_IN_THE_PAST,
            f"is in the past: intervals still taking orders start at {first.isoformat()}",
            ctx={"first": first.isoformat()},
        )
    start = max(start, first)
    # Ex post, the meters decide after the interval what was shared: an order would trade nothing.
    if (ex_post := await ex_post_from(session, community.id, start, end)) is not None:
        raise OrderRejected(
            "window_start" if ex_post <= start else "window_end",
            ErrorCode.ORDERS_NOT_NEEDED_EX_POST,
            f"this community shares ex post from {ex_post.isoformat()}: orders are not needed",
            ctx={"since": ex_post.isoformat()},
        )
    return Placed(site, community, start, end)


def _check_price(community: Community, field: str, price: Decimal) -> None:
    low, high = community.feed_in_price_per_kwh, community.retail_price_per_kwh
    if not low <= price <= high:
        raise OrderRejected(
            field,
            ErrorCode.PRICE_OUTSIDE_CORRIDOR,
            f"must lie in the community's corridor: between the feed-in price {low} and the retail"
            f" price {high} per kWh (got {price})",
            ctx={"low": str(low), "high": str(high), "price": str(price)},
        )


async def _check_partners(session: AsyncSession, placed: Placed, field: str, partners: Sequence[str]) -> None:
    if not partners:
        return
    known = set(
        await session.scalars(
            select(Site.id).where(Site.community == placed.community.id, Site.id.in_(partners))
        )
    )
    for partner in partners:
        if partner not in known:
            raise OrderRejected(
                field,
                ErrorCode.PARTNER_NOT_IN_COMMUNITY,
                f"no site {partner!r} in community {placed.community.id!r}",
                ctx={"site": partner, "community": placed.community.id},
            )
        if partner == placed.site.id:
            raise OrderRejected(field, ErrorCode.PARTNER_IS_SELF, "a site cannot be its own partner")


async def place_request(
    session: AsyncSession, user: User, body: RequestCreate, now: datetime
) -> tuple[EnergyRequest, Outbox]:
    placed = await _check(session, user, body, CONSUMERS, now, immediate=body.urgency is Urgency.CRITICAL)
    _check_price(placed.community, "max_price", body.max_price)
    await _check_partners(session, placed, "preferred_partners", body.preferred_partners)
    await _check_partners(session, placed, "excluded_partners", body.excluded_partners)
    request = EnergyRequest(
        community=placed.community.id,
        site_id=placed.site.id,
        energy_wh=body.energy_wh,
        window_start=placed.window_start,
        window_end=placed.window_end,
        urgency=body.urgency,
        max_price=body.max_price,
        green_only=body.green_only,
        max_distance_km=body.max_distance_km,
        preferred_partners=sorted(set(body.preferred_partners)),
        excluded_partners=sorted(set(body.excluded_partners)),
        created_at=now,
    )
    session.add(request)
    await session.flush()
    return request, await announce_request(session, request, placed.site)


async def announce_request(session: AsyncSession, request: EnergyRequest, site: Site) -> Outbox:
    """A new request reaches the community's providers at once, each with its distance to it."""
    outbox = Outbox()
    providers = list(
        await session.scalars(
            select(Site).where(
                Site.community == request.community, Site.kind.in_(PROVIDERS), Site.id != site.id
            )
        )
    )
    for provider, km in zip(providers, _distances(site, providers), strict=True):
        view = request_view(request, full=False, mine=False, distance_km=km)
        channels = [site_channel(provider.id)]
        outbox.events.append(view_event(RequestEvent, request.community, channels, view))
    outbox.events += order_changed(request)
    if request.standing_order_id is None:
        owners = {p.owner_id for p in providers if p.owner_id is not None and p.owner_id != site.owner_id}
        outbox.notes += notify(
            session,
            owners,
            "request",
            "A neighbour needs energy",
            f"{request.energy_wh / 1000:g} kWh ({request.urgency.value} urgency), up to {request.max_price} per kWh",
            request_id=request.id,
        )
    return outbox


def _distances(site: Site, others: Sequence[Site]) -> list[float | None]:
    """Kilometres from ``site`` to each of ``others``, by the market's own rounding (None: unknown)."""

    def coordinates(sites: Sequence[Site]) -> tuple[np.ndarray, np.ndarray]:
        nan = float("nan")
        lat = np.array([s.lat if s.lat is not None else nan for s in sites], dtype=np.float64)
        lon = np.array([s.lon if s.lon is not None else nan for s in sites], dtype=np.float64)
        return lat, lon

    if not others:
        return []
    units = distance_units(*coordinates([site]), *coordinates(others))
    return [distance_km(int(u)) for u in units]


async def place_offer(
    session: AsyncSession, user: User, body: OfferCreate, now: datetime
) -> tuple[Offer, Outbox]:
    placed = await _check(session, user, body, PROVIDERS, now, immediate=False)
    _check_price(placed.community, "min_price", body.min_price)
    offer = Offer(
        community=placed.community.id,
        site_id=placed.site.id,
        energy_wh=body.energy_wh,
        window_start=placed.window_start,
        window_end=placed.window_end,
        min_price=body.min_price,
        source=body.source,
        created_at=now,
    )
    session.add(offer)
    await session.flush()
    return offer, Outbox(events=order_changed(offer))


async def cancel(
    session: AsyncSession, user: User, kind: type[Order], order_id: int, owned: set[str], now: datetime
) -> tuple[Order, Outbox]:
    """Cancel what is left of an order, and its trades whose gate has not closed yet (a
    critical request matched at once for the next interval); trades past their gate stand."""
    order: Order | None = await session.get(kind, order_id)
    noun = "request" if kind is EnergyRequest else "offer"
    if order is None or (order.site_id not in owned and user.role is not UserRole.ADMIN):
        raise OrderRejected(
            "id",
            ErrorCode.ORDER_NOT_FOUND,
            f"{noun} {order_id} not found",
            404,
            {"id": order_id, "kind": noun},
        )
    community = await session.get(Community, order.community)
    assert community is not None  # an order's community is a foreign key
    column = Transaction.request_id if kind is EnergyRequest else Transaction.offer_id
    ahead = list(
        await session.scalars(
            select(Transaction).where(
                column == order.id,
                Transaction.status == TransactionStatus.SCHEDULED,
                Transaction.window_start > now + gate_lead(community),
            )
        )
    )
    if order.status not in ACTIVE and not ahead:
        raise OrderRejected(
            "id",
            ErrorCode.ORDER_NOT_CANCELLABLE,
            f"the {noun} is {order.status.value}; only open ones can be cancelled",
            409,
            {"status": order.status.value, "kind": noun},
        )
    order.status = OrderStatus.CANCELLED
    outbox = Outbox(events=order_changed(order))
    for trade in ahead:
        outbox.extend(await advance(session, trade, TransactionStatus.CANCELLED, now))
        traded = trade.energy_wh
        order.filled_wh -= traded
        other: Order | None = None
        if kind is EnergyRequest and trade.offer_id is not None:
            other = await session.get(Offer, trade.offer_id)
        elif kind is Offer and trade.request_id is not None:
            other = await session.get(EnergyRequest, trade.request_id)
        if other is not None:  # the partner's energy is free again
            other.filled_wh -= traded
            if other.status in (OrderStatus.MATCHED, OrderStatus.PARTLY_MATCHED) and other.window_end > now:
                other.status = OrderStatus.PARTLY_MATCHED if other.filled_wh > 0 else OrderStatus.OPEN
            outbox.events += order_changed(other)
    return order, outbox


@dataclass(frozen=True)
class Listing:
    """Which orders a list shows: by status, only those still in the book, only the caller's."""

    status: OrderStatus | None = None
    active: bool = False
    mine: bool = False
    limit: int = 500


async def visible_orders(
    session: AsyncSession, user: User, kind: type[OrderT], listing: Listing, now: datetime
) -> list[OrderT]:
    """The orders of the caller's communities (admins: all), newest first, with what it owns."""
    query: Any = select(kind).order_by(kind.id.desc()).limit(listing.limit)
    if user.role is not UserRole.ADMIN:
        query = query.where(kind.community.in_(await communities_of(session, user)))
    if listing.status is not None:
        query = query.where(kind.status == listing.status)
    if listing.active:
        query = query.where(kind.status.in_(ACTIVE), kind.window_end > now)
    if listing.mine:
        query = query.where(kind.site_id.in_(await owned_sites(session, user)))
    return list(await session.scalars(query))


def order_changed(order: Order) -> list[Event]:
    """The full view on the owner's site channel; the public one on the market channel, for
    orders placed by hand (those of standing orders change every interval: the community
    hears of them through the interval's result, or thousands of browsers would be told
    of every one)."""
    kind = RequestEvent if isinstance(order, EnergyRequest) else OfferEvent
    events = [view_event(kind, order.community, [site_channel(order.site_id)], _view(order, full=True))]
    if order.standing_order_id is None:
        public = _view(order, full=False)
        events.append(view_event(kind, order.community, [market_channel(order.community)], public))
    return events


def _view(order: Order, full: bool) -> RequestOut | OfferOut:
    if isinstance(order, EnergyRequest):
        return request_view(order, full=full, mine=full)
    return offer_view(order, full=full, mine=full)
