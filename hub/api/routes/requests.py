"""Energy requests: a consumer asks; providers of the community hear of it at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import select

from hub.api.deps import CurrentUser, RowId, SessionDep, StateDep
from hub.api.errors import not_found
from hub.api.routes.orders import check_order, owners_in
from hub.api.schemas.market import RequestCreate, RequestOut
from hub.db.models import EnergyRequest, OrderStatus, Site, SiteKind, User, UserRole
from hub.events import Event, market_channel
from hub.notify import notify, push
from hub.privacy import communities_of

router = APIRouter(tags=["requests"])
CONSUMERS = {SiteKind.CONSUMER, SiteKind.HYBRID}
PROVIDERS = {SiteKind.PROVIDER, SiteKind.HYBRID}


def request_view(request: EnergyRequest, user: User, owned: set[str]) -> RequestOut:
    mine = request.site_id in owned or user.role is UserRole.ADMIN
    return RequestOut(
        id=request.id,
        community=request.community,
        site=request.site_id if mine else None,
        mine=request.site_id in owned,
        amount_kwh=request.amount_kwh,
        window_start=request.window_start,
        window_end=request.window_end,
        status=request.status,
        created_at=request.created_at,
        urgency=request.urgency,
        max_price_per_kwh=request.max_price_per_kwh,
    )


async def owned_sites(session: SessionDep, user: User) -> set[str]:
    return set(await session.scalars(select(Site.id).where(Site.owner_id == user.id)))


@router.get("/requests", operation_id="requests-list")
async def list_requests(
    user: CurrentUser,
    session: SessionDep,
    status_: Annotated[OrderStatus | None, Query(alias="status")] = None,
) -> list[RequestOut]:
    """Requests in the caller's communities, newest first (others' without their site)."""
    query = select(EnergyRequest).order_by(EnergyRequest.id.desc()).limit(500)
    if user.role is not UserRole.ADMIN:
        query = query.where(EnergyRequest.community.in_(await communities_of(session, user)))
    if status_ is not None:
        query = query.where(EnergyRequest.status == status_)
    owned = await owned_sites(session, user)
    return [request_view(r, user, owned) for r in await session.scalars(query)]


@router.post("/requests", status_code=status.HTTP_201_CREATED, operation_id="requests-create")
async def create_request(
    body: RequestCreate, user: CurrentUser, session: SessionDep, state: StateDep
) -> RequestOut:
    site = await check_order(session, user, body, CONSUMERS, "request energy")
    request = EnergyRequest(
        community=site.community,
        site_id=site.id,
        amount_kwh=body.amount_kwh,
        window_start=body.window_start,
        window_end=body.window_end,
        urgency=body.urgency,
        max_price_per_kwh=body.max_price_per_kwh,
    )
    session.add(request)
    await session.flush()
    providers = await owners_in(session, site.community, PROVIDERS, besides=site.owner_id)
    notes = notify(
        session,
        providers,
        "request",
        "A neighbour needs energy",
        f"{body.amount_kwh:g} kWh ({body.urgency.value} urgency), up to {body.max_price_per_kwh:g} per kWh",
        request_id=request.id,
    )
    await session.commit()
    push(state["bus"], notes)
    public = request_view(request, user, set())
    state["bus"].publish(
        Event.build(
            "request",
            site.community,
            None,
            channels=[market_channel(site.community)],
            request=public.model_dump(mode="json"),
        )
    )
    return request_view(request, user, {site.id})


@router.post("/requests/{request_id}/cancel", operation_id="requests-cancel")
async def cancel_request(
    request_id: RowId, user: CurrentUser, session: SessionDep, state: StateDep
) -> RequestOut:
    request = await session.get(EnergyRequest, request_id)
    owned = await owned_sites(session, user)
    if request is None or (request.site_id not in owned and user.role is not UserRole.ADMIN):
        raise not_found(f"request {request_id}")
    if request.status is not OrderStatus.OPEN:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"the request is {request.status.value}, not open"
        )
    request.status = OrderStatus.CANCELLED
    await session.commit()
    public = request_view(request, user, set())
    state["bus"].publish(
        Event.build(
            "request",
            request.community,
            None,
            channels=[market_channel(request.community)],
            request=public.model_dump(mode="json"),
        )
    )
    return request_view(request, user, owned)
