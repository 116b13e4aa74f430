"""Load a site the caller may see in detail, or fail with 404 / 403."""

from __future__ import annotations

from fastapi import HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.errors import not_found
from hub.db.models import Site, User
from hub.privacy import owns


async def own_site(session: AsyncSession, user: User, site_id: str) -> Site:
    site = await session.get(Site, site_id)
    if site is None:
        raise not_found(f"site {site_id!r}")
    if not owns(user, site):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"site {site_id!r} belongs to another resident")
    return site
