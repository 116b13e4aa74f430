"""Who may see what: a resident sees their own sites in full, neighbours only coarsely."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Site, SiteKind, User, UserRole

COARSE_DEGREES = 2  # decimals kept of others' coordinates: 0.01° ≈ 1 km


def owns(user: User, site: Site) -> bool:
    return user.role is UserRole.ADMIN or site.owner_id == user.id


def coarse(degrees: float) -> float:
    return round(degrees, COARSE_DEGREES)


def shows_on_map(site: Site) -> bool:
    """Only providers appear on others' maps: consumers' homes are nobody's business."""
    return site.kind in (SiteKind.PROVIDER, SiteKind.HYBRID) and site.lat is not None and site.lon is not None


async def owned_sites(session: AsyncSession, user: User) -> set[str]:
    return set(await session.scalars(select(Site.id).where(Site.owner_id == user.id)))


async def communities_of(session: AsyncSession, user: User) -> set[str]:
    """The communities a user belongs to: their own plus those of the sites they own."""
    owned = await session.scalars(select(Site.community).where(Site.owner_id == user.id).distinct())
    found = set(owned)
    if user.community is not None:
        found.add(user.community)
    return found
