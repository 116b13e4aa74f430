"""Communities: tariffs, how they share, and the figures residents compare (shared energy, self-sufficiency, CO₂)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import available_timezones

from fastapi import APIRouter, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from hub.accounts import (
    MembershipRefused,
    create_invitation,
    decide_membership,
    join_with_invitation,
    request_membership,
)
from hub.api.deps import AdminUser, CommunityId, CurrentUser, RowId, SessionDep, StateDep
from hub.api.errors import ApiError, ErrorCode, field_error, not_found
from hub.api.schemas.accounts import UserPublic
from hub.api.schemas.market import GridFee
from hub.api.schemas.membership import InvitationOut, JoinBody, MembershipDecision, MembershipRequestOut
from hub.api.schemas.sharing import SharingChange, SharingOut
from hub.db.models import (
    Allocation,
    Community,
    Mechanism,
    MembershipRequest,
    MembershipStatus,
    Site,
    SiteInterval,
    Transaction,
    TransactionStatus,
    User,
    UserRole,
)
from hub.energy.community import Tariff, community_figures
from hub.energy.intervals import Energy
from hub.market.clearing import fee_schedule
from hub.market.sharing import SharingRejected, change_sharing, sharing_view
from hub.privacy import communities_of

router = APIRouter(tags=["communities"])
MAX_STATS_SPAN = timedelta(days=366)


class CommunityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    currency: str
    retail_price_per_kwh: Decimal
    feed_in_price_per_kwh: Decimal
    settlement_interval_min: int
    co2_g_per_kwh: float
    timezone: str
    mechanism: Mechanism
    gate_lead_s: int
    grid_fee: GridFee


class CommunityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=120)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    retail_price_per_kwh: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=4)
    feed_in_price_per_kwh: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=4)
    settlement_interval_min: Literal[15, 30, 60] | None = None
    co2_g_per_kwh: float | None = Field(default=None, ge=0, le=2000)
    timezone: str | None = Field(default=None, max_length=64, description="IANA name, e.g. Europe/Berlin")
    mechanism: Mechanism | None = None
    gate_lead_s: int | None = Field(default=None, ge=0, le=3600, description="Orders close this long before")
    grid_fee: GridFee | None = None


class CommunityStats(BaseModel):
    community: str
    start: datetime
    end: datetime
    sites: int
    produced_kwh: float
    consumed_kwh: float
    shared_kwh: float = Field(
        description="Delivered between neighbours: completed and partly delivered trades, plus ex-post allocations"
    )
    community_coverage_kwh: float = Field(
        description="The meters netted per interval: exported by some homes while others imported, traded or not"
    )
    imported_kwh: float = Field(description="Drawn from outside the community")
    exported_kwh: float = Field(description="Sent outside the community")
    self_sufficiency: float = Field(description="0…1, share of consumption met inside the community")
    co2_avoided_kg: float
    savings: Decimal = Field(
        description="Shared energy valued at retail − feed-in (bills have each household's own)"
    )
    currency: str


async def member_community(session: SessionDep, user: User, community_id: CommunityId) -> Community:
    community = await session.get(Community, community_id)
    if community is None:
        raise not_found(ErrorCode.COMMUNITY_NOT_FOUND, f"community {community_id!r}", community=community_id)
    if user.role is not UserRole.ADMIN and community_id not in await communities_of(session, user):
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            ErrorCode.NOT_A_MEMBER,
            f"you are not a member of {community_id!r}",
            {"community": community_id},
        )
    return community


@router.get("/communities", operation_id="communities-list")
async def list_communities(user: CurrentUser, session: SessionDep) -> list[CommunityOut]:
    query = select(Community).order_by(Community.id)
    if user.role is not UserRole.ADMIN:
        query = query.where(Community.id.in_(await communities_of(session, user)))
    return [CommunityOut.model_validate(c) for c in await session.scalars(query)]


@router.patch("/communities/{community_id}", operation_id="communities-update")
async def update_community(
    community_id: CommunityId, body: CommunityUpdate, _admin: AdminUser, session: SessionDep
) -> CommunityOut:
    community = await session.get(Community, community_id)
    if community is None:
        raise not_found(ErrorCode.COMMUNITY_NOT_FOUND, f"community {community_id!r}", community=community_id)
    changes = body.model_dump(exclude_none=True)
    if body.timezone is not None and body.timezone not in available_timezones():
        raise field_error(
            "timezone",
            ErrorCode.UNKNOWN_TIMEZONE,
            f"unknown time zone {body.timezone!r}; use an IANA name like Europe/Berlin",
            {"timezone": body.timezone},
        )
    if body.grid_fee is not None:
        changes["grid_fee"] = body.grid_fee.model_dump(mode="json", exclude_none=True)
        try:
            fee_schedule(changes["grid_fee"])
        except ValueError as exc:
            raise field_error("grid_fee", ErrorCode.INVALID_GRID_FEE, str(exc)) from None
    retail = changes.get("retail_price_per_kwh", community.retail_price_per_kwh)
    feed_in = changes.get("feed_in_price_per_kwh", community.feed_in_price_per_kwh)
    if feed_in > retail:
        raise field_error(
            "feed_in_price_per_kwh",
            ErrorCode.FEED_IN_ABOVE_RETAIL,
            f"must not exceed the retail price {retail}",
            {"retail": str(retail)},
        )
    for name, value in changes.items():
        setattr(community, name, value)
    await session.commit()
    return CommunityOut.model_validate(community)


@router.get("/communities/{community_id}/stats", operation_id="communities-stats")
async def community_stats(
    community_id: CommunityId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    start: AwareDatetime | None = None,
    end: AwareDatetime | None = None,
) -> CommunityStats:
    """Community totals between ``start`` and ``end`` (default: today, UTC, on the hub's clock)."""
    community = await member_community(session, user, community_id)
    today = state["clock"].now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = start or today
    end = end or start + timedelta(days=1)
    if end <= start:
        raise field_error("end", ErrorCode.END_NOT_AFTER_START, "must be after start", where="query")
    if end - start > MAX_STATS_SPAN:
        days = MAX_STATS_SPAN.days
        raise field_error(
            "start",
            ErrorCode.SPAN_TOO_LONG,
            f"at most {days} days at once",
            {"max_days": days},
            where="query",
        )
    rows = await session.execute(
        select(SiteInterval)
        .join(Site, Site.id == SiteInterval.site_id)
        .where(Site.community == community.id, SiteInterval.start >= start, SiteInterval.start < end)
    )
    by_interval: dict[datetime, list[Energy]] = defaultdict(list)
    for r in rows.scalars():
        by_interval[r.start].append(
            Energy(r.import_wh, r.export_wh, r.production_wh, r.charge_wh, r.discharge_wh)
        )
    tariff = Tariff(community.retail_price_per_kwh, community.feed_in_price_per_kwh, community.co2_g_per_kwh)
    figures = community_figures(
        by_interval.values(), tariff, shared_wh=await _shared_wh(session, community.id, start, end)
    )
    sites = len((await session.scalars(select(Site.id).where(Site.community == community.id))).all())
    return CommunityStats(
        community=community.id,
        start=start,
        end=end,
        sites=sites,
        currency=community.currency,
        **{name: round(getattr(figures, name), 6) for name in figures.__slots__ if name != "savings"},
        savings=figures.savings,
    )


async def _shared_wh(session: SessionDep, community: str, start: datetime, end: datetime) -> int:
    """What neighbours delivered to each other: trades as the meters showed them, and allocations."""
    traded = await session.scalar(
        select(func.coalesce(func.sum(Transaction.delivered_wh), 0)).where(
            Transaction.community == community,
            Transaction.status.in_([TransactionStatus.COMPLETED, TransactionStatus.PARTIAL]),
            Transaction.window_start >= start,
            Transaction.window_start < end,
        )
    )
    allocated = await session.scalar(
        select(func.coalesce(func.sum(Allocation.received_wh), 0)).where(
            Allocation.community == community, Allocation.start >= start, Allocation.start < end
        )
    )
    return int(traded or 0) + int(allocated or 0)


@router.get("/communities/{community_id}/sharing", operation_id="communities-sharing")
async def get_sharing(
    community_id: CommunityId, user: CurrentUser, session: SessionDep, state: StateDep
) -> SharingOut:
    """How the community shares now (market or ex post) and any change scheduled."""
    community = await member_community(session, user, community_id)
    return await sharing_view(session, community, user, state["clock"].now())


@router.put("/communities/{community_id}/sharing", operation_id="communities-sharing-update")
async def put_sharing(
    community_id: CommunityId, body: SharingChange, admin: AdminUser, session: SessionDep, state: StateDep
) -> SharingOut:
    """Admin: share this way from the interval after the open one (replacing a change scheduled)."""
    community = await member_community(session, admin, community_id)
    now = state["clock"].now()
    try:
        await change_sharing(session, community, body.mode, body.key, body.price, body.shares, now)
    except SharingRejected as exc:
        raise field_error(exc.field, exc.code, exc.message, exc.ctx) from None
    await session.commit()
    return await sharing_view(session, community, admin, now)


# Membership: an invitation or an admin's approval, never just the community's id (#12).


def _refused(exc: MembershipRefused) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message, exc.ctx)


async def _community(session: SessionDep, community_id: str) -> Community:
    community = await session.get(Community, community_id)
    if community is None:
        raise not_found(ErrorCode.COMMUNITY_NOT_FOUND, f"community {community_id!r}", community=community_id)
    return community


@router.post(
    "/communities/{community_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    operation_id="communities-invite",
)
async def invite(
    community_id: CommunityId, admin: AdminUser, session: SessionDep, state: StateDep
) -> InvitationOut:
    """Admin: a one-use code that lets a resident join this community."""
    community = await _community(session, community_id)
    code, expires = await create_invitation(session, community.id, admin, state["clock"].now())
    await session.commit()
    return InvitationOut(community=community.id, code=code, expires_at=expires)


@router.post("/communities/{community_id}/join", operation_id="communities-join")
async def join(
    community_id: CommunityId, body: JoinBody, user: CurrentUser, session: SessionDep, state: StateDep
) -> UserPublic:
    """Join with an invitation code (403 without a valid one; ask with a membership request instead)."""
    community = await _community(session, community_id)
    try:
        await join_with_invitation(session, user, community.id, body.invitation, state["clock"].now())
    except MembershipRefused as exc:
        raise _refused(exc) from None
    await session.commit()
    return UserPublic.model_validate(user)


@router.post(
    "/communities/{community_id}/membership-requests",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="communities-request-membership",
)
async def ask_to_join(
    community_id: CommunityId, user: CurrentUser, session: SessionDep
) -> MembershipRequestOut:
    """Ask to join; you become a member when an admin approves."""
    community = await _community(session, community_id)
    try:
        request = await request_membership(session, user, community.id)
    except MembershipRefused as exc:
        raise _refused(exc) from None
    await session.commit()
    return MembershipRequestOut.model_validate(request)


@router.get("/communities/{community_id}/membership-requests", operation_id="communities-membership-requests")
async def membership_requests(
    community_id: CommunityId, _admin: AdminUser, session: SessionDep
) -> list[MembershipRequestOut]:
    """Admin: the requests to join, pending first."""
    community = await _community(session, community_id)
    rows = await session.scalars(
        select(MembershipRequest)
        .where(MembershipRequest.community == community.id)
        .order_by(MembershipRequest.status != MembershipStatus.PENDING, MembershipRequest.id)
    )
    return [MembershipRequestOut.model_validate(r) for r in rows]


@router.post(
    "/communities/{community_id}/membership-requests/{request_id}",
    operation_id="communities-decide-membership",
)
async def decide(
    community_id: CommunityId,
    request_id: RowId,
    body: MembershipDecision,
    admin: AdminUser,
    session: SessionDep,
    state: StateDep,
) -> MembershipRequestOut:
    """Admin: approve (the resident becomes a member) or refuse a pending request."""
    request = await session.get(MembershipRequest, request_id)
    if request is None or request.community != community_id:
        raise not_found(
            ErrorCode.MEMBERSHIP_REQUEST_NOT_FOUND,
            f"membership request {request_id} of {community_id!r}",
            id=request_id,
            community=community_id,
        )
    try:
        await decide_membership(session, request, admin, body.approve, state["clock"].now())
    except MembershipRefused as exc:
        raise _refused(exc) from None
    await session.commit()
    return MembershipRequestOut.model_validate(request)
