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
from math import lcm

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
    # Static quotas may sum to a whole number and a fraction of a Wh: that fraction goes to the grid.
    received = _largest_remainder(quotas, sum(quotas.numerators.values()) // quotas.denominator)
    total = sum(received.values())
    given: dict[str, int] = {}
    if total:  # then pool > 0, since Σreceived never exceeds it
        exports = {site: total * m.export_wh for site, m in meters.items() if m.export_wh}
        given = _largest_remainder(_Quotas(exports, pool), total)
    return {site: Share(given.get(site, 0), received.get(site, 0)) for site in meters}


def allocation_price(period_price: Decimal | None, feed_in: Decimal, retail: Decimal) -> Decimal:
    """The price per kWh of an allocation: the period's, or midway between feed-in and retail.

    Midway splits the gain of sharing evenly: the giver earns as much over feed-in as the
    receiver saves under retail. Quantized to 0.0001 (half to even, as the ticks round).
    """
    price = period_price if period_price is not None else (feed_in + retail) / 2
    return price.quantize(TICK, ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class _Quotas:
    """Exact shares in Wh as numerators over one common denominator: integer arithmetic only
    (fractions made a 1,000-site interval some 20 times slower)."""

    numerators: dict[str, int]
    denominator: int


def _dynamic_quotas(meters: Mapping[str, Metered], pool: int) -> _Quotas:
    demand = sum(m.import_wh for m in meters.values())
    if pool >= demand:  # enough for everyone: each takes all its import
        return _Quotas({site: m.import_wh for site, m in meters.items() if m.import_wh}, 1)
    return _Quotas({site: pool * m.import_wh for site, m in meters.items() if m.import_wh}, demand)


def _static_quotas(meters: Mapping[str, Metered], pool: int, shares: Mapping[str, Weight]) -> _Quotas:
    # Decimal, int and float all give their exact ratio, so the weights' type does not change the
    # result; over their common denominator they become integers with the same proportions.
    ratios = {site: w.as_integer_ratio() for site, w in shares.items()}
    if any(num <= 0 for num, _ in ratios.values()):
        raise ValueError(f"static weights must be positive: {dict(shares)}")
    scale = lcm(*(den for _, den in ratios.values()))
    weights = {site: num * (scale // den) for site, (num, den) in ratios.items()}
    total = sum(weights.values())
    # min(import, pool × w / Σw), both sides over Σw
    return _Quotas(
        {
            site: min(m.import_wh * total, pool * weights[site])
            for site, m in meters.items()
            if m.import_wh and site in weights
        },
        total,
    )


def _largest_remainder(quotas: _Quotas, total: int) -> dict[str, int]:
    """Whole Wh summing to ``total`` (Σquotas or its floor), each the floor or the ceiling of its
    quota: the floors first, then one more Wh each to the largest remainders, ties by site id."""
    split = {site: divmod(n, quotas.denominator) for site, n in quotas.numerators.items()}
    shares = {site: whole for site, (whole, _) in split.items()}
    left = total - sum(shares.values())
    assert 0 <= left <= sum(1 for _, rest in split.values() if rest), (quotas, total)
    if left:
        for site in sorted(split, key=lambda site: (-split[site][1], site))[:left]:
            shares[site] += 1
    return shares


__all__ = ["Metered", "Share", "Weight", "allocate", "allocation_price"]
