"""Settled intervals of a community and the ledger's check."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlalchemy import select

from hub.api.deps import AdminUser, CommunityId, CurrentUser, SessionDep, StateDep
from hub.api.routes.communities import member_community
from hub.api.schemas.settlement import (
    AllocationExplanation,
    AllocationOut,
    LedgerAudit,
    SettlementOut,
    UnbalancedPosting,
    settlement_out,
)
from hub.db.models import Allocation, AllocationKey, Settlement, SharingPeriod, UserRole
from hub.market.audit import audit
from hub.market.ledger import money
from hub.market.sharing import period_at
from hub.privacy import owned_sites

router = APIRouter(tags=["settlement"])

MAX_SPAN = timedelta(days=31)


@router.get("/communities/{community_id}/settlements", operation_id="settlements-list")
async def list_settlements(
    community_id: CommunityId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    start: Annotated[AwareDatetime | None, Query(description="Default: a day before end")] = None,
    end: Annotated[AwareDatetime | None, Query(description="Default: now")] = None,
) -> list[SettlementOut]:
    """The community's settled intervals in [start, end), newest first (at most 31 days)."""
    community = await member_community(session, user, community_id)
    until = end or state["clock"].now()
    since = max(start or until - timedelta(days=1), until - MAX_SPAN)
    rows = await session.scalars(
        select(Settlement)
        .where(Settlement.community == community.id, Settlement.start >= since, Settlement.start < until)
        .order_by(Settlement.start.desc())
    )
    return [settlement_out(row) for row in rows]


@router.get("/communities/{community_id}/ledger/audit", operation_id="ledger-audit")
async def audit_ledger(
    community_id: CommunityId,
    admin: AdminUser,
    session: SessionDep,
    start: Annotated[datetime | None, Query()] = None,
    end: Annotated[datetime | None, Query()] = None,
) -> LedgerAudit:
    """Admin: check that every posting of the community's ledger sums to zero."""
    community = await member_community(session, admin, community_id)
    found = await audit(session, community.id, start, end)
    return LedgerAudit(
        balanced=found.balanced,
        lines=found.lines,
        postings=found.postings,
        unbalanced=[
            UnbalancedPosting(interval_start=interval, revision=revision, entry=entry, off_by=off)
            for (interval, revision, entry), off in sorted(found.unbalanced.items())
        ],
    )


@router.get("/allocations", operation_id="allocations-list")
async def list_allocations(
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    start: Annotated[AwareDatetime | None, Query(description="Default: a day before end")] = None,
    end: Annotated[AwareDatetime | None, Query(description="Default: now")] = None,
) -> list[AllocationOut]:
    """Ex post: the caller's sites' shares of the community's surplus per interval, newest first,
    explained like trades (admins: every site's)."""
    until = end or state["clock"].now()
    since = max(start or until - timedelta(days=1), until - MAX_SPAN)
    query = (
        select(Allocation)
        .where(Allocation.start >= since, Allocation.start < until)
        .order_by(Allocation.start.desc(), Allocation.site_id)
    )
    if user.role is not UserRole.ADMIN:
        query = query.where(Allocation.site_id.in_(await owned_sites(session, user)))
    rows = list(await session.scalars(query))
    periods: dict[tuple[str, datetime], SharingPeriod | None] = {}
    found = []
    for row in rows:
        if (row.community, row.start) not in periods:
            periods[(row.community, row.start)] = await period_at(session, row.community, row.start)
        period = periods[(row.community, row.start)]
        key = period.key if period is not None else None
        amount = money(row.price, row.received_wh) - money(row.price, row.given_wh)
        found.append(
            AllocationOut(
                community=row.community,
                start=row.start,
                site=row.site_id,
                given_wh=row.given_wh,
                received_wh=row.received_wh,
                price=row.price,
                amount=amount,
                key=key,
                explanation=_explain(row, key, period),
            )
        )
    return found


def _explain(
    row: Allocation, key: AllocationKey | None, period: SharingPeriod | None
) -> AllocationExplanation:
    if row.given_wh and not row.received_wh:
        return AllocationExplanation(code="gave_surplus")
    if key is AllocationKey.STATIC:
        weight = (period.shares or {}).get(row.site_id) if period is not None else None
        return AllocationExplanation(code="static_share", weight=None if weight is None else str(weight))
    return AllocationExplanation(code="dynamic_share")
