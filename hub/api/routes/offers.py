"""Energy offers: a provider offers energy for a window at a minimum price."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import select

from hub.api.deps import CurrentUser, RowId, SessionDep, StateDep
from hub.api.errors import not_found
from hub.api.routes.orders import check_order
from hub.api.routes.requests import PROVIDERS, owned_sites
from hub.api.schemas.market import OfferCreate, OfferOut
from hub.db.models import Offer, OrderStatus, User, UserRole
from hub.events import Event, EventBus, market_channel
from hub.privacy import communities_of

router = APIRouter(tags=["offers"])


def offer_view(offer: Offer, user: User, owned: set[str]) -> OfferOut:
    mine = offer.site_id in owned or user.role is UserRole.ADMIN
    return OfferOut(
        id=offer.id,
        community=offer.community,
        site=offer.site_id if mine else None,
        mine=offer.site_id in owned,
        amount_kwh=offer.amount_kwh,
        window_start=offer.window_start,
        window_end=offer.window_end,
        status=offer.status,
        created_at=offer.created_at,
        min_price_per_kwh=offer.min_price_per_kwh,
    )


def _broadcast(bus: EventBus, offer: Offer, user: User) -> None:
    public = offer_view(offer, user, set())
    bus.publish(
        Event.build(
            "offer",
            offer.community,
            None,
            channels=[market_channel(offer.community)],
            offer=public.model_dump(mode="json"),
        )
    )


@router.get("/offers", operation_id="offers-list")
async def list_offers(
    user: CurrentUser,
    session: SessionDep,
    status_: Annotated[OrderStatus | None, Query(alias="status")] = None,
) -> list[OfferOut]:
    """Offers in the caller's communities, newest first (others' without their site)."""
    query = select(Offer).order_by(Offer.id.desc()).limit(500)
    if user.role is not UserRole.ADMIN:
        query = query.where(Offer.community.in_(await communities_of(session, user)))
    if status_ is not None:
        query = query.where(Offer.status == status_)
    owned = await owned_sites(session, user)
    return [offer_view(o, user, owned) for o in await session.scalars(query)]


@router.post("/offers", status_code=status.HTTP_201_CREATED, operation_id="offers-create")
async def create_offer(
    body: OfferCreate, user: CurrentUser, session: SessionDep, state: StateDep
) -> OfferOut:
    site = await check_order(session, user, body, PROVIDERS, "offer energy")
    offer = Offer(
        community=site.community,
        site_id=site.id,
        amount_kwh=body.amount_kwh,
        window_start=body.window_start,
        window_end=body.window_end,
        min_price_per_kwh=body.min_price_per_kwh,
    )
    session.add(offer)
    await session.commit()
    _broadcast(state["bus"], offer, user)
    return offer_view(offer, user, {site.id})


@router.post("/offers/{offer_id}/cancel", operation_id="offers-cancel")
async def cancel_offer(offer_id: RowId, user: CurrentUser, session: SessionDep, state: StateDep) -> OfferOut:
    offer = await session.get(Offer, offer_id)
    owned = await owned_sites(session, user)
    if offer is None or (offer.site_id not in owned and user.role is not UserRole.ADMIN):
        raise not_found(f"offer {offer_id}")
    if offer.status is not OrderStatus.OPEN:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"the offer is {offer.status.value}, not open")
    offer.status = OrderStatus.CANCELLED
    await session.commit()
    _broadcast(state["bus"], offer, user)
    return offer_view(offer, user, owned)
