"""Load a site the caller may see in detail, or fail with 404 / 403."""

from __future__ import annotations

from fastapi import status
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.errors import ApiError, ErrorCode, not_found
from hub.db.models import Site, User
from hub.privacy import owns


async def own_site(session: AsyncSession, user: User, site_id: str) -> Site:
    site = await session.get(Site, site_id)
    if site is None:
        raise not_found(ErrorCode.SITE_NOT_FOUND, f"site {site_id!r}", site=site_id)
    if not owns(user, site):
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            ErrorCode.SITE_OF_ANOTHER_RESIDENT,
            f"site {site_id!r} belongs to another resident",
            {"site": site_id},
        )
    return site
