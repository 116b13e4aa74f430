"""Community figures: what was shared, what the meters say the community covered, CO₂.

Two figures, apart on purpose. **Shared** is what neighbours actually gave each other: the
energy delivered on trades (completed or partly delivered) plus ex-post allocations, as
settled; the caller sums it from the trades and allocations. **Community coverage** nets the
meters: within one settlement interval, energy exported by some homes while others import
stays inside the community (the grid connection is local), coverage = min(Σ export, Σ import),
whether or not anyone traded it. What the community drew from outside is Σ import − coverage;
self-sufficiency and CO₂ follow the meters too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from hub.energy.intervals import Energy

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Tariff:
    retail_price_per_kwh: Decimal
    feed_in_price_per_kwh: Decimal
    co2_g_per_kwh: float


@dataclass(frozen=True, slots=True)
class CommunityFigures:
    produced_kwh: float
    consumed_kwh: float
    shared_kwh: float  # traded and delivered, plus ex-post allocations
    community_coverage_kwh: float  # the meters netted per interval
    imported_kwh: float  # from outside the community
    exported_kwh: float  # to outside the community
    self_sufficiency: float  # 0…1: share of consumption met inside the community
    co2_avoided_kg: float
    savings: Decimal  # what was shared, at retail − feed-in, in the community's currency


def coverage_wh(interval: Iterable[Energy]) -> float:
    sites = list(interval)
    return min(sum(e.export_wh for e in sites), sum(e.import_wh for e in sites))


def community_figures(
    intervals: Iterable[Iterable[Energy]], tariff: Tariff, *, shared_wh: int
) -> CommunityFigures:
    """``intervals``: for each settlement interval, the energy of every site in it;
    ``shared_wh``: delivered on trades plus allocated ex post over the same span."""
    produced = consumed = coverage = imported = exported = 0.0
    for interval in intervals:
        sites = list(interval)
        inside = coverage_wh(sites)
        coverage += inside
        produced += sum(e.production_wh for e in sites)
        consumed += max(sum(e.consumption_wh for e in sites), 0.0)
        imported += sum(e.import_wh for e in sites) - inside
        exported += sum(e.export_wh for e in sites) - inside
    met_inside = max(consumed - imported, 0.0)
    return CommunityFigures(
        produced_kwh=produced / 1000,
        consumed_kwh=consumed / 1000,
        shared_kwh=shared_wh / 1000,
        community_coverage_kwh=coverage / 1000,
        imported_kwh=imported / 1000,
        exported_kwh=exported / 1000,
        self_sufficiency=met_inside / consumed if consumed > 0 else 0.0,
        co2_avoided_kg=met_inside / 1000 * tariff.co2_g_per_kwh / 1000,
        savings=(
            Decimal(shared_wh) / 1000 * (tariff.retail_price_per_kwh - tariff.feed_in_price_per_kwh)
        ).quantize(CENT),
    )
