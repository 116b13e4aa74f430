"""One interval's clearing in one community: snapshot the book, match, store, and say so.

The book holds each active order's part of the interval: a request's even share of its
window, an offer's energy per interval, less what critical requests already bought in that
interval. Everything a clearing changes (transactions, orders, the interval's result) is one
database transaction; what to publish comes back in an Outbox for after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.schemas.events import MarketResultEvent
from hub.api.schemas.market import IntervalResult
from hub.db.models import (
    AssetKind,
    Community,
    EnergyRequest,
    MarketInterval,
    Offer,
    OrderStatus,
    Site,
    Transaction,
    TransactionStatus,
)
from hub.events import Event, market_channel, view_event
from hub.market.book import Ask, Bid, Book
from hub.market.fees import FeeSchedule
from hub.market.intervals import share_wh, starts_between
from hub.market.lifecycle import transaction_event
from hub.market.matching import Clearing, Rules, Trade, clear
from hub.market.orders import ACTIVE, Order, interval_of, order_changed
from hub.notify import notify
from hub.outbox import Outbox


class AlreadyCleared(Exception):
    pass


def rules_of(community: Community) -> Rules:
    return Rules(
        mechanism=community.mechanism,
        feed_in=community.feed_in_price_per_kwh,
        retail=community.retail_price_per_kwh,
        fees=fee_schedule(community.grid_fee),
    )


def fee_schedule(grid_fee: dict[str, Any]) -> FeeSchedule:
    if grid_fee.get("per_km") is not None:
        return FeeSchedule.rate(Decimal(grid_fee["per_km"]), Decimal(grid_fee.get("cap") or "0"))
    bands = grid_fee.get("bands") or []
    if not bands:
        return FeeSchedule.zero()
    return FeeSchedule.distance_bands(*[(b["up_to_km"], Decimal(b["fee"])) for b in bands])


@dataclass
class Snapshot:
    """The orders of one interval, with what each may still trade in it."""

    requests: dict[int, tuple[EnergyRequest, int]]  # id → (request, Wh to buy in this interval)
    offers: dict[int, tuple[Offer, int]]
    sites: dict[str, Site]


async def snapshot(
    session: AsyncSession, community: Community, start: datetime, only: EnergyRequest | None = None
) -> Snapshot:
    length = interval_of(community)
    bought = await _traded(session, community.id, start, Transaction.request_id)
    sold = await _traded(session, community.id, start, Transaction.offer_id)
    requests: dict[int, tuple[EnergyRequest, int]] = {}
    candidates = [only] if only is not None else await _active(session, EnergyRequest, community.id, start)
    for request in candidates:
        windows = starts_between(request.window_start, request.window_end, length)
        if start not in windows:
            continue
        left = share_wh(request.energy_wh, len(windows), windows.index(start)) - bought.get(request.id, 0)
        if left > 0:
            requests[request.id] = (request, left)
    offers: dict[int, tuple[Offer, int]] = {}
    for offer in await _active(session, Offer, community.id, start):
        left = offer.energy_wh - sold.get(offer.id, 0)
        if left > 0:
            offers[offer.id] = (offer, left)
    site_ids = {r.site_id for r, _ in requests.values()} | {o.site_id for o, _ in offers.values()}
    sites = {s.id: s for s in await session.scalars(select(Site).where(Site.id.in_(site_ids)))}
    return Snapshot(requests, offers, sites)


async def _active(
    session: AsyncSession, kind: type[EnergyRequest] | type[Offer], community: str, start: datetime
) -> Sequence[Any]:
    return (
        await session.scalars(
            select(kind).where(
                kind.community == community,
                kind.status.in_(ACTIVE),
                kind.window_start <= start,
                kind.window_end > start,
            )
        )
    ).all()


async def _traded(session: AsyncSession, community: str, start: datetime, column: Any) -> dict[int, int]:
    rows = await session.execute(
        select(column, func.sum(Transaction.energy_wh))
        .where(
            Transaction.community == community,
            Transaction.window_start == start,
            column.is_not(None),
            Transaction.status != TransactionStatus.CANCELLED,  # its energy is free again
        )
        .group_by(column)
    )
    return {int(order_id): int(wh) for order_id, wh in rows.all()}


def book_of(snap: Snapshot) -> Book:
    def owner(site_id: str) -> int | None:
        return snap.sites[site_id].owner_id

    bids = [
        Bid(
            order_id=r.id,
            site=r.site_id,
            owner=owner(r.site_id),
            energy_wh=wh,
            max_price=r.max_price,
            urgency=r.urgency,
            green_only=r.green_only,
            max_distance_km=r.max_distance_km,
            preferred=frozenset(r.preferred_partners),
            excluded=frozenset(r.excluded_partners),
        )
        for r, wh in snap.requests.values()
    ]
    asks = [
        Ask(
            order_id=o.id,
            site=o.site_id,
            owner=owner(o.site_id),
            energy_wh=wh,
            min_price=o.min_price,
            source=AssetKind(o.source),
        )
        for o, wh in snap.offers.values()
    ]
    locations = {s.id: (s.lat, s.lon) for s in snap.sites.values() if s.lat is not None and s.lon is not None}
    return Book.build(bids, asks, locations)


async def clear_interval(
    session: AsyncSession, community: Community, start: datetime, now: datetime
) -> tuple[MarketInterval, Outbox]:
    """The regular clearing at gate closure: every active order, the grid for the rest."""
    if await session.get(MarketInterval, (community.id, start)) is not None:
        raise AlreadyCleared(f"interval {start.isoformat()} of {community.id!r} is cleared already")
    end = start + interval_of(community)
    outbox = await _expire_ended(session, community, start)
    snap = await snapshot(session, community, start)
    result = clear(book_of(snap), rules_of(community))
    stored = _store(session, community, snap, result, start, end, now, regular=True)
    grid_import = sum(wh - result.filled_bid_wh(i) for i, (_, wh) in snap.requests.items())
    grid_export = sum(wh - result.filled_ask_wh(i) for i, (_, wh) in snap.offers.items())
    trades = result.trades()
    interval = MarketInterval(
        community=community.id,
        start=start,
        end=end,
        mechanism=community.mechanism,
        price=result.price if result.price is not None else _mean_price(trades),
        volume_wh=result.volume_wh,
        trades=len(trades),
        requests=len(snap.requests),
        offers=len(snap.offers),
        requested_wh=sum(wh for _, wh in snap.requests.values()),
        offered_wh=sum(wh for _, wh in snap.offers.values()),
        grid_import_wh=grid_import,
        grid_export_wh=grid_export,
        cleared_at=now,
    )
    session.add(interval)
    outbox.extend(await tell(session, stored, snap.sites))
    outbox.events.append(result_event(interval))
    return interval, outbox


async def match_at_once(
    session: AsyncSession, community: Community, request: EnergyRequest, start: datetime, now: datetime
) -> Outbox:
    """A critical request against the offers still unsold in one interval, before anyone else."""
    snap = await snapshot(session, community, start, only=request)
    if not snap.requests or not snap.offers:
        return Outbox()
    result = clear(book_of(snap), rules_of(community))
    end = start + interval_of(community)
    return await tell(
        session, _store(session, community, snap, result, start, end, now, regular=False), snap.sites
    )


def _mean_price(trades: Sequence[Trade]) -> Decimal | None:
    volume = sum(t.energy_wh for t in trades)
    if not volume:
        return None
    value = sum((t.energy_price * t.energy_wh for t in trades), Decimal(0))
    return (value / volume).quantize(Decimal("0.0001"))


@dataclass
class Stored:
    """What a clearing wrote, to tell once ids exist (after a flush)."""

    transactions: list[Transaction]
    orders: list[tuple[Order, int]]  # every order of the book, with the Wh it traded now


def _store(
    session: AsyncSession,
    community: Community,
    snap: Snapshot,
    result: Clearing,
    start: datetime,
    end: datetime,
    now: datetime,
    regular: bool,
) -> Stored:
    length = interval_of(community)
    transactions = [
        Transaction(
            community=community.id,
            request_id=trade.bid_order_id,
            offer_id=trade.ask_order_id,
            seller_site_id=trade.seller_site,
            buyer_site_id=trade.buyer_site,
            energy_wh=trade.energy_wh,
            energy_price=trade.energy_price,
            fee=trade.fee,
            distance_km=trade.distance_km,
            mechanism=community.mechanism,
            window_start=start,
            window_end=end,
            created_at=now,
            updated_at=now,
        )
        for trade in result.trades()
    ]
    session.add_all(transactions)
    orders: list[tuple[Order, int]] = []
    for request_id, (request, wanted) in snap.requests.items():
        filled = result.filled_bid_wh(request_id)
        _book(request, filled, wanted, end, length, regular, result.explain_bid(request_id).as_json())
        orders.append((request, filled))
    for offer_id, (offer, offered) in snap.offers.items():
        filled = result.filled_ask_wh(offer_id)
        _book(offer, filled, offered, end, length, regular, result.explain_ask(offer_id).as_json())
        orders.append((offer, filled))
    return Stored(transactions, orders)


async def tell(session: AsyncSession, stored: Stored, sites: dict[str, Site]) -> Outbox:
    """Events for every trade and order, and notifications for orders placed by hand."""
    await session.flush()  # transaction ids
    outbox = Outbox(events=[transaction_event(t) for t in stored.transactions])
    for order, filled in stored.orders:
        outbox.events += order_changed(order)
        owner = sites[order.site_id].owner_id
        if order.standing_order_id is not None or owner is None:
            continue  # standing orders trade every interval: their news is the market screen, not a ping
        if filled > 0 or order.status is OrderStatus.EXPIRED:
            outbox.notes += notify(
                session,
                [owner],
                "market",
                _headline(order, filled),
                "",
                order_kind=_kind(order),
                order_id=order.id,
                energy_wh=filled,
                explanation=order.explanation,
            )
    return outbox


def _headline(order: Order, filled: int) -> str:
    noun = _kind(order)
    if filled > 0:
        return f"Your {noun} traded {filled / 1000:g} kWh with neighbours"
    return f"Your {noun} found no neighbour; the grid covers it"


def _kind(order: Order) -> str:
    return "request" if isinstance(order, EnergyRequest) else "offer"


def _book(
    order: Order,
    filled: int,
    part: int,
    end: datetime,
    length: timedelta,
    regular: bool,
    explanation: dict[str, Any],
) -> None:
    order.filled_wh += filled
    if regular:
        order.grid_wh += part - filled
    order.explanation = explanation
    if regular and order.window_end <= end:
        order.status = final_status(order, length)
    elif order.filled_wh > 0:
        order.status = OrderStatus.PARTLY_MATCHED


def total_wh(order: Order, length: timedelta) -> int:
    """All the energy of an order: a request's total; an offer's energy per interval × intervals."""
    if isinstance(order, EnergyRequest):
        return order.energy_wh
    return order.energy_wh * ((order.window_end - order.window_start) // length)


def final_status(order: Order, length: timedelta) -> OrderStatus:
    if order.filled_wh <= 0:
        return OrderStatus.EXPIRED
    return OrderStatus.MATCHED if order.filled_wh >= total_wh(order, length) else OrderStatus.PARTLY_MATCHED


async def _expire_ended(session: AsyncSession, community: Community, start: datetime) -> Outbox:
    """Orders whose window ended without a clearing (the hub was down) get their final status."""
    outbox = Outbox()
    kinds: tuple[type[EnergyRequest], type[Offer]] = (EnergyRequest, Offer)
    for kind in kinds:
        stale: Any = await session.scalars(
            select(kind).where(
                kind.community == community.id, kind.status.in_(ACTIVE), kind.window_end <= start
            )
        )
        for order in stale:
            order.status = final_status(order, interval_of(community))
            outbox.events += order_changed(order)
    return outbox


def result_event(interval: MarketInterval) -> Event:
    view = IntervalResult.model_validate(interval, from_attributes=True)
    return view_event(MarketResultEvent, interval.community, [market_channel(interval.community)], view)
