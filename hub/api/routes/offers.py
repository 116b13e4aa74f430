"""Energy offers: a provider offers energy in each interval of a window at a minimum price."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from hub.api.deps import CurrentUser, RowId, SessionDep, StateDep
from hub.api.schemas.market import OfferCreate, OfferOut
from hub.db.models import Offer, OrderStatus, UserRole
from hub.market.orders import ACTIVE, cancel, place_offer
from hub.market.views import offer_view
from hub.privacy import communities_of, owned_sites

router = APIRouter(tags=["offers"])


@router.get("/offers", operation_id="offers-list")
async def list_offers(
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    status_: Annotated[OrderStatus | None, Query(alias="status")] = None,
    active: Annotated[
        bool, Query(description="Only orders still in the book: open or partly matched, window not over")
    ] = False,
    mine: Annotated[bool, Query(description="Only the caller's own")] = False,
) -> list[OfferOut]:
    """Offers in the caller's communities, newest first (others' without their site)."""
    query = select(Offer).order_by(Offer.id.desc()).limit(500)
    if user.role is not UserRole.ADMIN:
        query = query.where(Offer.community.in_(await communities_of(session, user)))
    if status_ is not None:
        query = query.where(Offer.status == status_)
    if active:
        query = query.where(Offer.status.in_(ACTIVE), Offer.window_end > state["clock"].now())
    owned = await owned_sites(session, user)
    if mine:
        query = query.where(Offer.site_id.in_(owned))
    admin = user.role is UserRole.ADMIN
    return [
        offer_view(o, full=admin or o.site_id in owned, mine=o.site_id in owned)
        for o in await session.scalars(query)
    ]


@router.post("/offers", status_code=status.HTTP_201_CREATED, operation_id="offers-create")
async def create_offer(
    body: OfferCreate, user: CurrentUser, session: SessionDep, state: StateDep
) -> OfferOut:
    offer, outbox = await place_offer(session, user, body, state["clock"].now())
    await session.commit()
    outbox.publish(state["bus"])
    return offer_view(offer, full=True, mine=True)


@router.post("/offers/{offer_id}/cancel", operation_id="offers-cancel")
async def cancel_offer(offer_id: RowId, user: CurrentUser, session: SessionDep, state: StateDep) -> OfferOut:
    owned = await owned_sites(session, user)
    offer, outbox = await cancel(session, user, Offer, offer_id, owned)
    await session.commit()
    outbox.publish(state["bus"])
    assert isinstance(offer, Offer)
    return offer_view(offer, full=True, mine=offer.site_id in owned)
