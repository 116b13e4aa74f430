"""The order book of one settlement interval, as columns the matching engine computes on.

``Bid`` and ``Ask`` are one request's or offer's share of the interval. ``Book.build`` turns
them into canonical columns: bids and asks each sorted by order id, prices as ticks, sites as
indexes into a sorted table. The same orders in any input order make the same ``Book``, which
is what makes a clearing deterministic.

An order without an owner never counts as the same owner as anything; each gets its own
negative owner key so that the check stays a plain comparison of integer columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from hub.db.models.enums import AssetKind, Urgency
from hub.market.fees import PairDistances
from hub.market.ticks import to_ticks

URGENCY_RANK = {Urgency.LOW: 0, Urgency.NORMAL: 1, Urgency.HIGH: 2, Urgency.CRITICAL: 3}
GREEN = frozenset({AssetKind.SOLAR, AssetKind.WIND})

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Bid:
    """A request's share of one interval: buy up to ``energy_wh`` at no more than ``max_price``."""

    order_id: int
    site: str
    owner: int | None  # no trade between sites of the same owner
    energy_wh: int
    max_price: Decimal  # per kWh, energy price + grid fee
    urgency: Urgency = Urgency.NORMAL
    green_only: bool = False  # only solar or wind offers
    max_distance_km: float | None = None
    preferred: frozenset[str] = frozenset()  # partner sites that win ties
    excluded: frozenset[str] = frozenset()  # partner sites never traded with


@dataclass(frozen=True, slots=True)
class Ask:
    """An offer's energy for one interval: sell up to ``energy_wh`` at no less than ``min_price``."""

    order_id: int
    site: str
    owner: int | None
    energy_wh: int
    min_price: Decimal  # per kWh, energy price only
    source: AssetKind


@dataclass(frozen=True, eq=False)
class Book:
    """Bids and asks as columns, each side sorted by order id; sites index ``sites``."""

    bid_id: I64
    bid_site: I64
    bid_owner: I64
    bid_wh: I64
    bid_ticks: I64
    bid_urgency: I64  # URGENCY_RANK
    bid_green_only: npt.NDArray[np.bool_]
    bid_max_km: npt.NDArray[np.float64]  # NaN: no limit
    bid_preferred: tuple[frozenset[int], ...]  # site indexes; empty tuple when no bid has any
    bid_excluded: tuple[frozenset[int], ...]
    ask_id: I64
    ask_site: I64
    ask_owner: I64
    ask_wh: I64
    ask_ticks: I64
    ask_green: npt.NDArray[np.bool_]
    sites: tuple[str, ...]
    site_lat: npt.NDArray[np.float64]  # NaN: no location
    site_lon: npt.NDArray[np.float64]
    plain: bool  # no preferences, no site or owner on both sides: the merit-order fast path applies

    @property
    def bid_count(self) -> int:
        return len(self.bid_id)

    @property
    def ask_count(self) -> int:
        return len(self.ask_id)

    def pair_points(self) -> tuple[F64, F64, F64, F64]:
        """Bid latitudes and longitudes as columns, ask ones as rows: broadcast, every pair."""
        lat_b, lon_b = self.site_lat[self.bid_site], self.site_lon[self.bid_site]
        lat_a, lon_a = self.site_lat[self.ask_site], self.site_lon[self.ask_site]
        return lat_b[:, None], lon_b[:, None], lat_a[None, :], lon_a[None, :]

    def pair_distances(self) -> PairDistances:
        """Bid × ask distances (10 m units, ``fees.UNKNOWN`` where a site has no location)."""
        return PairDistances(*self.pair_points())

    @classmethod
    def build(
        cls, bids: Iterable[Bid], asks: Iterable[Ask], locations: Mapping[str, tuple[float, float]]
    ) -> Book:
        """The canonical book of these orders; ``locations``: site → (latitude, longitude)."""
        bid_list = sorted(bids, key=lambda b: b.order_id)
        ask_list = sorted(asks, key=lambda a: a.order_id)
        orders: list[Bid | Ask] = [*bid_list, *ask_list]
        for order in orders:
            if order.energy_wh <= 0:
                raise ValueError(f"order {order.order_id}: energy must be positive")
        for ids in ([b.order_id for b in bid_list], [a.order_id for a in ask_list]):
            if len(set(ids)) != len(ids):
                raise ValueError("order ids must be unique on each side of the book")
        sites = tuple(sorted({o.site for o in bid_list} | {o.site for o in ask_list}))
        index = {site: i for i, site in enumerate(sites)}

        def owners(side: Sequence[int | None], first_anonymous: int) -> I64:
            keys = [o if o is not None else -(first_anonymous + k) for k, o in enumerate(side)]
            return np.array(keys, dtype=np.int64)

        def site_sets(sets: list[frozenset[str]]) -> tuple[frozenset[int], ...]:
            if not any(sets):
                return ()
            return tuple(frozenset(index[s] for s in chosen if s in index) for chosen in sets)

        bid_site = np.array([index[b.site] for b in bid_list], dtype=np.int64)
        ask_site = np.array([index[a.site] for a in ask_list], dtype=np.int64)
        bid_owner = owners([b.owner for b in bid_list], 1)
        ask_owner = owners([a.owner for a in ask_list], 1 + len(bid_list))
        bid_max_km = np.array(
            [np.nan if b.max_distance_km is None else b.max_distance_km for b in bid_list], dtype=np.float64
        )
        bid_green_only = np.array([b.green_only for b in bid_list], dtype=np.bool_)
        preferred = site_sets([b.preferred for b in bid_list])
        excluded = site_sets([b.excluded for b in bid_list])
        plain = (
            not bid_green_only.any()
            and bool(np.isnan(bid_max_km).all())
            and not preferred
            and not excluded
            and not np.intersect1d(bid_site, ask_site).size
            and not np.intersect1d(bid_owner, ask_owner).size
        )
        lat = np.array([locations[s][0] if s in locations else np.nan for s in sites], dtype=np.float64)
        lon = np.array([locations[s][1] if s in locations else np.nan for s in sites], dtype=np.float64)
        return cls(
            bid_id=np.array([b.order_id for b in bid_list], dtype=np.int64),
            bid_site=bid_site,
            bid_owner=bid_owner,
            bid_wh=np.array([b.energy_wh for b in bid_list], dtype=np.int64),
            bid_ticks=np.array([to_ticks(b.max_price) for b in bid_list], dtype=np.int64),
            bid_urgency=np.array([URGENCY_RANK[b.urgency] for b in bid_list], dtype=np.int64),
            bid_green_only=bid_green_only,
            bid_max_km=bid_max_km,
            bid_preferred=preferred,
            bid_excluded=excluded,
            ask_id=np.array([a.order_id for a in ask_list], dtype=np.int64),
            ask_site=ask_site,
            ask_owner=ask_owner,
            ask_wh=np.array([a.energy_wh for a in ask_list], dtype=np.int64),
            ask_ticks=np.array([to_ticks(a.min_price) for a in ask_list], dtype=np.int64),
            ask_green=np.array([a.source in GREEN for a in ask_list], dtype=np.bool_),
            sites=sites,
            site_lat=lat,
            site_lon=lon,
            plain=plain,
        )

    @classmethod
    def plain_from_arrays(
        cls,
        bid_id: I64,
        bid_wh: I64,
        bid_ticks: I64,
        ask_id: I64,
        ask_wh: I64,
        ask_ticks: I64,
        sites: tuple[str, ...],
        bid_site: I64,
        ask_site: I64,
        bid_urgency: I64 | None = None,
    ) -> Book:
        """A plain book straight from columns (prices in ticks): distinct owners, no preferences,
        no site on both sides, no locations. For callers that already hold numpy arrays."""
        bid_order = np.argsort(bid_id, kind="stable")
        ask_order = np.argsort(ask_id, kind="stable")
        nb, na = len(bid_id), len(ask_id)
        urgency = np.ones(nb, dtype=np.int64) if bid_urgency is None else bid_urgency[bid_order]
        return cls(
            bid_id=bid_id[bid_order],
            bid_site=bid_site[bid_order],
            bid_owner=-np.arange(1, nb + 1, dtype=np.int64),
            bid_wh=bid_wh[bid_order],
            bid_ticks=bid_ticks[bid_order],
            bid_urgency=urgency,
            bid_green_only=np.zeros(nb, dtype=np.bool_),
            bid_max_km=np.full(nb, np.nan),
            bid_preferred=(),
            bid_excluded=(),
            ask_id=ask_id[ask_order],
            ask_site=ask_site[ask_order],
            ask_owner=-np.arange(nb + 1, nb + na + 1, dtype=np.int64),
            ask_wh=ask_wh[ask_order],
            ask_ticks=ask_ticks[ask_order],
            ask_green=np.zeros(na, dtype=np.bool_),
            sites=sites,
            site_lat=np.full(len(sites), np.nan),
            site_lon=np.full(len(sites), np.nan),
            plain=True,
        )
