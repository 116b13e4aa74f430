"""How a community shares at a given time (market or ex post), and changing it ahead of time.

A community's sharing is a series of periods (``sharing_periods``): each holds from its
``effective_from`` until the next one starts; before the first, the community runs the market.
A change never touches an interval residents may already rely on: the open interval (its gate
not yet closed) may already hold orders, standing orders among them, so a change takes effect
from the interval after it. A change scheduled there replaces any change scheduled before.

The order service asks this module whether a window runs ex post, so this module does not
import the order service; a bad change raises ``SharingRejected`` naming the body field, and
the router answers 422 with it, as for community settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field  # `field` is SharingRejected's own
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.schemas.sharing import SharingOut, SharingPeriodOut
from hub.db.models import AllocationKey, Community, SharingMode, SharingPeriod, Site, User, UserRole
from hub.error_codes import Ctx, ErrorCode
from hub.market.expost import allocation_price
from hub.market.intervals import open_interval
from hub.market.ticks import TICK
from hub.privacy import owned_sites


@dataclass
class SharingRejected(Exception):
    """A change of sharing the hub cannot take; ``field`` is the body field to fix."""

    field: str
    code: ErrorCode
    message: str
    ctx: Ctx = dataclass_field(default_factory=dict)


async def period_at(session: AsyncSession, community_id: str, when: datetime) -> SharingPeriod | None:
    """The period in force at ``when`` (the latest that started by then); None: the market, as ever."""
    period: SharingPeriod | None = await session.scalar(
        select(SharingPeriod)
        .where(SharingPeriod.community == community_id, SharingPeriod.effective_from <= when)
        .order_by(SharingPeriod.effective_from.desc())
        .limit(1)
    )
    return period


async def mode_at(session: AsyncSession, community_id: str, when: datetime) -> SharingMode:
    period = await period_at(session, community_id, when)
    return period.mode if period is not None else SharingMode.MARKET


async def scheduled_after(session: AsyncSession, community_id: str, when: datetime) -> list[SharingPeriod]:
    """Periods that start after ``when``, earliest first: changes decided but not yet in force."""
    rows = await session.scalars(
        select(SharingPeriod)
        .where(SharingPeriod.community == community_id, SharingPeriod.effective_from > when)
        .order_by(SharingPeriod.effective_from)
    )
    return list(rows)


async def ex_post_from(
    session: AsyncSession, community_id: str, start: datetime, end: datetime
) -> datetime | None:
    """When the community starts sharing ex post if it does so at any time in [start, end): the
    start of that period (≤ ``start`` if it already does at ``start``); None: the market throughout."""
    current = await period_at(session, community_id, start)
    if current is not None and current.mode is SharingMode.EX_POST:
        return current.effective_from
    later: datetime | None = await session.scalar(
        select(SharingPeriod.effective_from)
        .where(
            SharingPeriod.community == community_id,
            SharingPeriod.effective_from > start,
            SharingPeriod.effective_from < end,
            SharingPeriod.mode == SharingMode.EX_POST,
        )
        .order_by(SharingPeriod.effective_from)
        .limit(1)
    )
    return later


def first_changeable(community: Community, now: datetime) -> datetime:
    """The first interval a change may take effect in: the one after the open interval."""
    # The order service's interval_of / gate_lead, read off the community here (see the docstring).
    length = timedelta(minutes=community.settlement_interval_min)
    return open_interval(now, length, timedelta(seconds=community.gate_lead_s)) + length


def weights_of(period: SharingPeriod) -> dict[str, Decimal]:
    """A static key's weights as exact decimals (stored as JSON strings, since JSON has no decimal)."""
    return {site: Decimal(str(weight)) for site, weight in (period.shares or {}).items()}


async def change_sharing(
    session: AsyncSession,
    community: Community,
    mode: SharingMode,
    key: AllocationKey | None,
    price: Decimal | None,
    shares: Mapping[str, Decimal] | None,
    now: datetime,
) -> SharingPeriod:
    """Schedule ``mode`` from the first interval a change may take effect in; flushes, does not commit."""
    shares = dict(shares or {})
    if mode is SharingMode.MARKET:
        for name, value in (("key", key), ("price", price), ("shares", shares or None)):
            if value is not None:
                raise SharingRejected(
                    name,
                    ErrorCode.MARKET_TAKES_NO_SHARING_OPTION,
                    "applies only to ex-post sharing; leave it out for the market",
                )
    else:
        await _check_ex_post(session, community, key, price, shares)
    start = first_changeable(community, now)
    # What was scheduled from then on was never in force: the new decision replaces it.
    await session.execute(
        delete(SharingPeriod).where(
            SharingPeriod.community == community.id, SharingPeriod.effective_from >= start
        )
    )
    period = SharingPeriod(
        community=community.id,
        effective_from=start,
        mode=mode,
        key=key,
        price=price.quantize(TICK) if price is not None else None,  # "0.1500" on SQLite as on PostgreSQL
        shares={site: str(weight) for site, weight in sorted(shares.items())},
        created_at=now,
    )
    session.add(period)
    await session.flush()
    return period


async def sharing_view(session: AsyncSession, community: Community, user: User, now: datetime) -> SharingOut:
    """The period in force now and the changes scheduled; residents see the weights of their own sites."""
    visible = None if user.role is UserRole.ADMIN else await owned_sites(session, user)

    def view(period: SharingPeriod | None) -> SharingPeriodOut:
        if period is None:
            return SharingPeriodOut(
                effective_from=None,
                mode=SharingMode.MARKET,
                key=None,
                price=None,
                allocation_price=None,
                shares={},
                total_weight=None,
            )
        weights = weights_of(period)
        ex_post = period.mode is SharingMode.EX_POST
        return SharingPeriodOut(
            effective_from=period.effective_from,
            mode=period.mode,
            key=period.key,
            price=period.price,
            allocation_price=allocation_price(
                period.price, community.feed_in_price_per_kwh, community.retail_price_per_kwh
            )
            if ex_post
            else None,
            shares={s: w for s, w in weights.items() if visible is None or s in visible},
            total_weight=sum(weights.values(), Decimal(0)) if weights else None,
        )

    return SharingOut(
        community=community.id,
        currency=community.currency,
        now=now,
        current=view(await period_at(session, community.id, now)),
        scheduled=[view(p) for p in await scheduled_after(session, community.id, now)],
        earliest_change=first_changeable(community, now),
    )


async def _check_ex_post(
    session: AsyncSession,
    community: Community,
    key: AllocationKey | None,
    price: Decimal | None,
    shares: dict[str, Decimal],
) -> None:
    if key is None:
        raise SharingRejected(
            "key",
            ErrorCode.ALLOCATION_KEY_REQUIRED,
            "ex-post sharing needs an allocation key: static or dynamic",
        )
    if price is not None:
        low, high = community.feed_in_price_per_kwh, community.retail_price_per_kwh
        if not low <= price <= high:
            raise SharingRejected(
                "price",
                ErrorCode.PRICE_OUTSIDE_CORRIDOR,
                f"must lie in the community's corridor: between the feed-in price {low} and the retail"
                f" price {high} per kWh (got {price}); leave it out for midway",
                {"low": str(low), "high": str(high), "price": str(price)},
            )
    if key is AllocationKey.DYNAMIC:
        if shares:
            raise SharingRejected(
                "shares",
                ErrorCode.DYNAMIC_KEY_TAKES_NO_SHARES,
                "a dynamic key shares by demand; shares apply only to a static key",
            )
        return
    if not shares:
        raise SharingRejected(
            "shares", ErrorCode.SHARES_REQUIRED, "a static key needs a weight for at least one site"
        )
    for site, weight in shares.items():
        if not weight > 0:
            raise SharingRejected(
                "shares",
                ErrorCode.SHARE_NOT_POSITIVE,
                f"weights must be positive (site {site!r}: {weight})",
                {"site": site, "weight": str(weight)},
            )
    members = set(
        await session.scalars(
            select(Site.id).where(Site.community == community.id, Site.id.in_(list(shares)))
        )
    )
    if missing := sorted(set(shares) - members):
        raise SharingRejected(
            "shares",
            ErrorCode.SHARE_SITE_NOT_IN_COMMUNITY,
            f"no site {missing[0]!r} in community {community.id!r}",
            {"site": missing[0], "community": community.id},
        )


__all__ = [
    "SharingRejected",
    "change_sharing",
    "ex_post_from",
    "first_changeable",
    "mode_at",
    "period_at",
    "scheduled_after",
    "sharing_view",
    "weights_of",
]
