"""Idempotent seeding for the demo and tests: communities, users and sites, in-process.

Every function may be called again with the same arguments; it then changes nothing.
They flush and leave the commit to the caller, so a whole seeding appears at once.
The demo password is refused when POWERSHARE_ENV=production (see hub.accounts).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.accounts import new_user, user_by_email
from hub.api.schemas.sites import Asset
from hub.db.models import Community, Site, SiteKind, StandingKind, StandingOrder, User, UserRole


async def ensure_community(session: AsyncSession, community_id: str, **tariffs: Any) -> Community:
    """The community row, created with default tariffs (or those given) when missing."""
    community = await session.get(Community, community_id)
    if community is None:
        community = Community(id=community_id, name=tariffs.pop("name", community_id), **tariffs)
        session.add(community)
        await session.flush()
    return community


async def ensure_user(
    session: AsyncSession,
    email: str,
    password: str,
    role: UserRole | str = UserRole.RESIDENT,
    community: str | None = None,
    display_name: str = "",
) -> User:
    """The user with this email; created (with this password and role) when missing."""
    user = await user_by_email(session, email)
    if user is None:
        if community is not None:
            await ensure_community(session, community)
        user = new_user(email, password, UserRole(role), display_name or email.split("@")[0], community)
        session.add(user)
        await session.flush()
    return user


async def ensure_site(
    session: AsyncSession,
    site_id: str,
    community: str,
    owner_email: str | None = None,
    kind: SiteKind | str = SiteKind.HYBRID,
    lat: float | None = None,
    lon: float | None = None,
    assets: Sequence[Asset | dict[str, Any]] = (),
    name: str = "",
) -> Site:
    """Create the site or bring it to the given owner, kind, location and assets.

    The owner must exist already (see ensure_user). A site that agents created over MQTT
    (owner unset) is simply taken over.
    """
    await ensure_community(session, community)
    owner = None
    if owner_email is not None:
        owner = await user_by_email(session, owner_email)
        if owner is None:
            raise LookupError(f"no user {owner_email!r}; call ensure_user first")
    site = await session.get(Site, site_id)
    if site is None:
        site = Site(id=site_id, community=community, created_at=datetime.now(UTC))
        session.add(site)
    if site.community != community:
        raise ValueError(f"site {site_id!r} belongs to community {site.community!r}, not {community!r}")
    site.owner_id = owner.id if owner else site.owner_id
    site.kind = SiteKind(kind)
    site.lat, site.lon = lat, lon
    site.name = name or site.name or site_id
    site.assets = [Asset.model_validate(a).model_dump(mode="json") for a in assets]
    if owner is not None and owner.community is None:
        owner.community = community
    await session.flush()
    return site


async def ensure_standing_order(
    session: AsyncSession,
    site_id: str,
    kind: StandingKind | str,
    price: Decimal | str,
    min_soc_pct: int | None = None,
    from_hour: int | None = None,
    to_hour: int | None = None,
) -> StandingOrder:
    """The site's standing order of this kind, created or brought to these terms."""
    site = await session.get(Site, site_id)
    if site is None:
        raise LookupError(f"no site {site_id!r}; call ensure_site first")
    kind = StandingKind(kind)
    order = await session.scalar(
        select(StandingOrder).where(StandingOrder.site_id == site_id, StandingOrder.kind == kind)
    )
    if order is None:
        order = StandingOrder(community=site.community, site_id=site_id, kind=kind, price=Decimal(price))
        session.add(order)
    order.price = Decimal(price)
    order.min_soc_pct, order.from_hour, order.to_hour = min_soc_pct, from_hour, to_hour
    order.active = True
    await session.flush()
    return order
