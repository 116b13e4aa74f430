"""Energy offers: a provider offers energy in each interval of a window at a minimum price."""

from __future__ import annotations

from fastapi import APIRouter, status

from hub.api.deps import CurrentUser, OrderListing, RowId, SessionDep, StateDep
from hub.api.schemas.market import OfferCreate, OfferOut
from hub.db.models import Offer, UserRole
from hub.market.orders import cancel, place_offer, visible_orders
from hub.market.views import offer_view
from hub.privacy import owned_sites

router = APIRouter(tags=["offers"])


@router.get("/offers", operation_id="offers-list")
async def list_offers(
    user: CurrentUser, session: SessionDep, state: StateDep, listing: OrderListing
) -> list[OfferOut]:
    """Offers in the caller's communities, newest first (others' without their site)."""
    found = await visible_orders(session, user, Offer, listing, state["clock"].now())
    owned = await owned_sites(session, user)
    admin = user.role is UserRole.ADMIN
    return [offer_view(o, full=admin or o.site_id in owned, mine=o.site_id in owned) for o in found]


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
    offer, outbox = await cancel(session, user, Offer, offer_id, owned, state["clock"].now())
    await session.commit()
    outbox.publish(state["bus"])
    assert isinstance(offer, Offer)
    return offer_view(offer, full=True, mine=offer.site_id in owned)
