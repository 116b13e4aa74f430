"""Energy requests: a consumer asks; providers of the community hear of it at once."""

from __future__ import annotations

from fastapi import APIRouter, status

from hub.api.deps import CurrentUser, OrderListing, RowId, SessionDep, StateDep
from hub.api.schemas.market import RequestCreate, RequestOut
from hub.db.models import EnergyRequest, Urgency, UserRole
from hub.market.orders import cancel, place_request, visible_orders
from hub.market.views import request_view
from hub.privacy import owned_sites

router = APIRouter(tags=["requests"])


@router.get("/requests", operation_id="requests-list")
async def list_requests(
    user: CurrentUser, session: SessionDep, state: StateDep, listing: OrderListing
) -> list[RequestOut]:
    """Requests in the caller's communities, newest first (others' without their site)."""
    found = await visible_orders(session, user, EnergyRequest, listing, state["clock"].now())
    owned = await owned_sites(session, user)
    admin = user.role is UserRole.ADMIN
    return [request_view(o, full=admin or o.site_id in owned, mine=o.site_id in owned) for o in found]


@router.post("/requests", status_code=status.HTTP_201_CREATED, operation_id="requests-create")
async def create_request(
    body: RequestCreate, user: CurrentUser, session: SessionDep, state: StateDep
) -> RequestOut:
    """Place a request; a critical one is matched at once against what is left this and next interval."""
    request, outbox = await place_request(session, user, body, state["clock"].now())
    await session.commit()
    outbox.publish(state["bus"])
    if request.urgency is Urgency.CRITICAL:
        await state["market"].match_critical(request)
        await session.refresh(request)
    return request_view(request, full=True, mine=True)


@router.post("/requests/{request_id}/cancel", operation_id="requests-cancel")
async def cancel_request(
    request_id: RowId, user: CurrentUser, session: SessionDep, state: StateDep
) -> RequestOut:
    owned = await owned_sites(session, user)
    request, outbox = await cancel(session, user, EnergyRequest, request_id, owned, state["clock"].now())
    await session.commit()
    outbox.publish(state["bus"])
    assert isinstance(request, EnergyRequest)
    return request_view(request, full=True, mine=request.site_id in owned)
