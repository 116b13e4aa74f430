"""Ex-post allocation: one interval's metered surplus shared among the members short of energy.

This is how EU renewable energy communities share today (Austria's allocate 15-minute smart-meter
values): nothing is traded ahead; after the interval the members' metered export forms the pool,
and the pool is allocated to the members' metered import with a key.

- **Dynamic key**: pro rata to demand. Member i receives min(import_i, pool × import_i / Σimport),
  so the community uses all it can: Σreceived = min(Σexport, Σimport).
- **Static key**: fixed weights. Member i receives min(import_i, pool × w_i / Σw), where Σw sums
  the weights of every member in the key (metered this interval or not); a member without a weight
  receives nothing. What a member cannot take is *not* passed on to the others: it goes to the
  grid as surplus. That is the published Austrian rule ("Wird der Anteil in der jeweiligen
  Viertelstunde nicht verbraucht, gilt er als ins Netz eingespeister Überschuss",
  energiegemeinschaften.gv.at, "Energiezuteilung in Energiegemeinschaften"), and it keeps a
  static share what members signed up for: my share does not grow because a neighbour is away.

Givers give pro rata to their export, so that Σgiven == Σreceived exactly.

A member that both imported and exported in the interval (counters measured apart, as a prosumer
has a consumption and a feed-in metering point) takes part on both sides, gross: its export
joins the pool and its import draws from it. Netting it first would be a decision the meter did
not make, and would make the community's "shared" figure (min(Σexport, Σimport), see
``hub.energy.community``) disagree with what was allocated.

Energy is whole Wh. Exact shares are computed as fractions and rounded by largest remainder:
everyone gets the floor of their exact share, and the Wh left go one each to the largest
fractional parts, ties to the lower site id. So the result does not depend on the mapping's
order, and nobody gets more than the ceiling of their exact share, which never exceeds their
import or export. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from math import floor

from hub.db.models.enums import AllocationKey
from hub.market.ticks import TICK

Weight = Decimal | int | float


@dataclass(frozen=True, slots=True)
class Metered:
    """One member's metered energy in one interval, Wh."""

    import_wh: int
    export_wh: int

    def __post_init__(self) -> None:
        if self.import_wh < 0 or self.export_wh < 0:
            raise ValueError(f"metered energy is never negative: {self}")


@dataclass(frozen=True, slots=True)
class Share:
    """What one member gave to and received from the pool in one interval, Wh."""

    given_wh: int = 0
    received_wh: int = 0


def allocate(
    meters: Mapping[str, Metered],
    key: AllocationKey,
    shares: Mapping[str, Weight] | None = None,
) -> dict[str, Share]:
    """Allocate one interval's pool (Σ export) to the members' import with ``key``.

    ``shares`` are the static key's weights {site id: weight > 0}; not read for a dynamic key.
    Returns a ``Share`` for every metered member (zeros included); Σgiven == Σreceived.
    """
    pool = sum(m.export_wh for m in meters.values())
    if key is AllocationKey.DYNAMIC:
        quotas = _dynamic_quotas(meters, pool)
    else:
        if not shares:
            raise ValueError("a static key needs shares")
        quotas = _static_quotas(meters, pool, shares)
    # Static quotas may sum to a fraction; rounding down keeps every member within its quota
    # in total, and the part of a Wh left over goes to the grid with the rest.
    received = _largest_remainder(quotas, floor(sum(quotas.values(), Fraction(0))))
    total = sum(received.values())  # ≤ pool, so pool > 0 whenever there is something to give
    exported = {site: m.export_wh for site, m in meters.items() if m.export_wh and total}
    given = _largest_remainder({site: Fraction(total * wh, pool) for site, wh in exported.items()}, total)
    return {site: Share(given.get(site, 0), received.get(site, 0)) for site in meters}


def allocation_price(period_price: Decimal | None, feed_in: Decimal, retail: Decimal) -> Decimal:
    """The price per kWh of an allocation: the period's, or midway between feed-in and retail.

    Midway splits the gain of sharing evenly: the giver earns as much over feed-in as the
    receiver saves under retail. Quantized to 0.0001 (half to even, as the ticks round).
    """
    price = period_price if period_price is not None else (feed_in + retail) / 2
    return price.quantize(TICK, ROUND_HALF_EVEN)


def _dynamic_quotas(meters: Mapping[str, Metered], pool: int) -> dict[str, Fraction]:
    demand = sum(m.import_wh for m in meters.values())
    if pool >= demand:  # enough for everyone: each takes all its import
        return {site: Fraction(m.import_wh) for site, m in meters.items() if m.import_wh}
    return {site: Fraction(pool * m.import_wh, demand) for site, m in meters.items() if m.import_wh}


def _static_quotas(
    meters: Mapping[str, Metered], pool: int, shares: Mapping[str, Weight]
) -> dict[str, Fraction]:
    # Fraction takes Decimal, int and float exactly, so the weights' type does not change the result.
    weights = {site: Fraction(w) for site, w in shares.items()}
    if any(w <= 0 for w in weights.values()):
        raise ValueError(f"static weights must be positive: {dict(shares)}")
    total = sum(weights.values(), Fraction(0))
    return {
        site: min(Fraction(m.import_wh), pool * weights[site] / total)
        for site, m in meters.items()
        if m.import_wh and site in weights
    }


def _largest_remainder(quotas: Mapping[str, Fraction], total: int) -> dict[str, int]:
    """Whole Wh summing to ``total`` (Σquotas or its floor), each the floor or the ceiling of its
    quota: the floors first, then one more Wh each to the largest remainders, ties by site id."""
    floors = {site: floor(q) for site, q in quotas.items()}
    left = total - sum(floors.values())
    ranked = sorted(quotas, key=lambda site: (-(quotas[site] - floors[site]), site))
    assert 0 <= left <= sum(1 for s in ranked if quotas[s] != floors[s]), (quotas, total)
    for site in ranked[:left]:
        floors[site] += 1
    return floors


__all__ = ["Metered", "Share", "Weight", "allocate", "allocation_price"]
