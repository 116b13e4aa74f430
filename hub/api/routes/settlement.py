"""Settled intervals of a community and the ledger's check."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlalchemy import select

from hub.api.deps import AdminUser, CommunityId, CurrentUser, SessionDep, StateDep
from hub.api.routes.communities import member_community
from hub.api.schemas.settlement import LedgerAudit, SettlementOut, UnbalancedPosting
from hub.db.models import Settlement
from hub.market.audit import audit

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
    return [SettlementOut.model_validate(row) for row in rows]


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
