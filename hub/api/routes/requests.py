"""Energy requests: a consumer asks; providers of the community hear of it at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from hub.api.deps import CurrentUser, RowId, SessionDep, StateDep
from hub.api.schemas.market import RequestCreate, RequestOut
from hub.db.models import EnergyRequest, OrderStatus, Urgency, UserRole
from hub.market.orders import ACTIVE, cancel, place_request
from hub.market.views import request_view
from hub.privacy import communities_of, owned_sites

router = APIRouter(tags=["requests"])


@router.get("/requests", operation_id="requests-list")
async def list_requests(
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    status_: Annotated[OrderStatus | None, Query(alias="status")] = None,
    active: Annotated[
        bool, Query(description="Only orders still in the book: open or partly matched, window not over")
    ] = False,
    mine: Annotated[bool, Query(description="Only the caller's own")] = False,
) -> list[RequestOut]:
    """Requests in the caller's communities, newest first (others' without their site)."""
    query = select(EnergyRequest).order_by(EnergyRequest.id.desc()).limit(500)
    if user.role is not UserRole.ADMIN:
        query = query.where(EnergyRequest.community.in_(await communities_of(session, user)))
    if status_ is not None:
        query = query.where(EnergyRequest.status == status_)
    if active:
        query = query.where(EnergyRequest.status.in_(ACTIVE), EnergyRequest.window_end > state["clock"].now())
    owned = await owned_sites(session, user)
    if mine:
        query = query.where(EnergyRequest.site_id.in_(owned))
    admin = user.role is UserRole.ADMIN
    return [
        request_view(r, full=admin or r.site_id in owned, mine=r.site_id in owned)
        for r in await session.scalars(query)
    ]


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
    request, outbox = await cancel(session, user, EnergyRequest, request_id, owned)
    await session.commit()
    outbox.publish(state["bus"])
    assert isinstance(request, EnergyRequest)
    return request_view(request, full=True, mine=request.site_id in owned)
