"""What requests and offers share: checking the window and the site, and broadcasting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.errors import field_error
from hub.api.schemas.market import Window
from hub.db.models import Site, SiteKind, User
from hub.privacy import owns

MAX_WINDOW = timedelta(days=7)


async def check_order(
    session: AsyncSession, user: User, body: Window, kinds: set[SiteKind], role: str
) -> Site:
    if body.window_end <= body.window_start:
        raise field_error("window_end", "must be after window_start")
    if body.window_end <= datetime.now(UTC):
        raise field_error("window_end", "is in the past")
    if body.window_end - body.window_start > MAX_WINDOW:
        raise field_error("window_end", "the window may span at most 7 days")
    site = await session.get(Site, body.site)
    if site is None:
        raise field_error("site", f"no site {body.site!r}")
    if not owns(user, site):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail=f"site {body.site!r} belongs to another resident"
        )
    if site.kind not in kinds:
        raise field_error("site", f"a {site.kind.value} site cannot {role}")
    return site


async def owners_in(
    session: AsyncSession, community: str, kinds: set[SiteKind], besides: int | None
) -> list[int]:
    """Owners of the community's sites of these kinds, except one user."""
    rows = await session.scalars(
        select(Site.owner_id).where(
            Site.community == community, Site.kind.in_(kinds), Site.owner_id.is_not(None)
        )
    )
    return sorted({uid for uid in rows if uid is not None and uid != besides})
