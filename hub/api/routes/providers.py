"""The community's providers for the map: who offers how much now, and from what price.

Single offers stay anonymous (``/offers`` and the book show neighbours' without their site); here a
provider's offers are summed per interval, so residents see what each provider has on offer now
without seeing its individual orders, partners or explanations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.api.deps import CommunityId, CurrentUser, SessionDep, StateDep
from hub.api.routes.communities import member_community
from hub.api.schemas.sites import Location
from hub.db.models import AssetKind, Offer, Site, SiteKind, User
from hub.market.clearing import snapshot
from hub.market.intervals import floor_to
from hub.market.orders import interval_of
from hub.privacy import coarse, owns, shows_on_map

router = APIRouter(tags=["communities"])
SOURCE_ORDER = (AssetKind.SOLAR, AssetKind.WIND, AssetKind.BATTERY)


class OnOffer(BaseModel):
    start: datetime = Field(description="The interval's start")
    energy_wh: int = Field(
        ge=0, description="Left to buy in this interval: open and standing offers, less traded"
    )
    min_price_per_kwh: Decimal | None = Field(description="The lowest asking price; none without offers")


class ProviderOut(BaseModel):
    site: str
    name: str
    kind: SiteKind
    mine: bool
    sources: list[AssetKind] = Field(description="Solar, wind, battery: declared assets and offered sources")
    location: Location | None = Field(
        description="Exact for own sites, rounded to about 1 km for neighbours'"
    )
    on_offer: list[OnOffer] = Field(description="The current interval, then the next")
    min_price_per_kwh: Decimal | None = Field(description="The lowest asking price over both intervals")


class ProvidersOut(BaseModel):
    community: str
    currency: str
    now: datetime
    providers: list[ProviderOut]


@dataclass(frozen=True)
class Ask:
    """What one offer has left in one interval."""

    site: str
    energy_wh: int
    price: Decimal


def summed(asks: Iterable[Ask]) -> dict[str, tuple[int, Decimal]]:
    """Per site: the energy left on offer and the lowest price."""
    found: dict[str, tuple[int, Decimal]] = {}
    for ask in asks:
        wh, price = found.get(ask.site, (0, ask.price))
        found[ask.site] = (wh + ask.energy_wh, min(price, ask.price))
    return found


def lowest(prices: Iterable[Decimal | None]) -> Decimal | None:
    present = [p for p in prices if p is not None]
    return min(present) if present else None


def location_for(site: Site, user: User) -> Location | None:
    """As ``/sites`` shows it: exact to its owner, rounded for everyone else."""
    if site.lat is None or site.lon is None:
        return None
    if owns(user, site):
        return Location(lat=site.lat, lon=site.lon)
    return Location(lat=coarse(site.lat), lon=coarse(site.lon)) if shows_on_map(site) else None


def sources_of(site: Site, offered: set[AssetKind]) -> list[AssetKind]:
    declared = {AssetKind(a["kind"]) for a in site.assets if a.get("kind") in set(AssetKind)}
    return [kind for kind in SOURCE_ORDER if kind in declared | offered]


def _on_offer(start: datetime, sum_: tuple[int, Decimal] | None) -> OnOffer:
    if sum_ is None:
        return OnOffer(start=start, energy_wh=0, min_price_per_kwh=None)
    return OnOffer(start=start, energy_wh=sum_[0], min_price_per_kwh=sum_[1])


@router.get("/communities/{community_id}/providers", operation_id="communities-providers")
async def list_providers(
    community_id: CommunityId, user: CurrentUser, session: SessionDep, state: StateDep
) -> ProvidersOut:
    """Members: each provider and hybrid site with what it offers in the current and next interval."""
    community = await member_community(session, user, community_id)
    now = state["clock"].now()
    length = interval_of(community)
    current = floor_to(now, length)
    starts = (current, current + length)
    per_interval: list[dict[str, tuple[int, Decimal]]] = []
    offered: dict[str, set[AssetKind]] = {}
    for start in starts:
        snap = await snapshot(session, community, start)
        offers: list[tuple[Offer, int]] = list(snap.offers.values())
        for offer, _ in offers:
            offered.setdefault(offer.site_id, set()).add(offer.source)
        per_interval.append(summed(Ask(o.site_id, left, o.min_price) for o, left in offers))
    sites = await session.scalars(
        select(Site)
        .where(Site.community == community.id, Site.kind.in_((SiteKind.PROVIDER, SiteKind.HYBRID)))
        .order_by(Site.id)
    )
    providers = []
    for site in sites:
        on_offer = [
            _on_offer(start, sums.get(site.id)) for start, sums in zip(starts, per_interval, strict=True)
        ]
        providers.append(
            ProviderOut(
                site=site.id,
                name=site.name,
                kind=site.kind,
                mine=site.owner_id == user.id,
                sources=sources_of(site, offered.get(site.id, set())),
                location=location_for(site, user),
                on_offer=on_offer,
                min_price_per_kwh=lowest(o.min_price_per_kwh for o in on_offer),
            )
        )
    return ProvidersOut(community=community.id, currency=community.currency, now=now, providers=providers)
