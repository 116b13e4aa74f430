"""Which bid may trade with which ask, stage by stage, and at which prices.

A pair passes, in this order: different owners and sites, the buyer has not excluded the
seller, green only (solar or wind), the buyer's maximum distance, and then prices: the pair
can trade at an energy price p when ``max(ask, feed_in) ≤ p ≤ min(bid − fee, retail)``. The
stages are kept apart because the explanations name the first one that ruled a bid out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hub.market.book import Book
from hub.market.fees import UNKNOWN, FeeSchedule

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Pairs:
    """Bid × ask matrices for one book under one fee schedule and price corridor."""

    not_own: Mask
    not_excluded: Mask
    green_ok: Mask
    distance_ok: Mask
    preferred: Mask
    distance: I64  # 10 m units, UNKNOWN without a location
    fee: I64  # ticks
    lowest: I64  # lowest energy price the pair can trade at: max(ask, feed_in)
    highest: I64  # highest: min(bid − fee, retail)
    bid_ticks: I64
    ask_ticks: I64

    @property
    def allowed(self) -> Mask:
        """Every preference and the owner rule pass (prices aside)."""
        return self.not_own & self.not_excluded & self.green_ok & self.distance_ok

    @property
    def admissible(self) -> Mask:
        return self.allowed & (self.lowest <= self.highest)

    @property
    def weight(self) -> I64:
        """Surplus per Wh in ticks: bid − ask − fee (the price splits it, never changes it)."""
        return self.bid_ticks[:, None] - self.ask_ticks[None, :] - self.fee


def pairs_of(book: Book, fees: FeeSchedule, feed_in: int, retail: int) -> Pairs:
    nb, na = book.bid_count, book.ask_count
    not_own = (book.bid_owner[:, None] != book.ask_owner[None, :]) & (
        book.bid_site[:, None] != book.ask_site[None, :]
    )
    not_excluded = np.ones((nb, na), dtype=np.bool_)
    preferred = np.zeros((nb, na), dtype=np.bool_)
    for sets, target, value in (
        (book.bid_excluded, not_excluded, False),
        (book.bid_preferred, preferred, True),
    ):
        for i, chosen in enumerate(sets):
            if chosen:
                target[i, np.isin(book.ask_site, list(chosen))] = value
    green_ok = ~book.bid_green_only[:, None] | book.ask_green[None, :]
    distance = book.pair_distances()
    limit = book.bid_max_km[:, None]
    with np.errstate(invalid="ignore"):
        within = (distance != UNKNOWN) & (distance <= np.floor(limit * 100 + 1e-9))
    distance_ok = np.isnan(limit) | within
    fee = fees.fee_ticks(distance)
    lowest = np.broadcast_to(np.maximum(book.ask_ticks, feed_in)[None, :], (nb, na))
    highest = np.minimum(book.bid_ticks[:, None] - fee, retail)
    return Pairs(
        not_own=not_own,
        not_excluded=not_excluded,
        green_ok=green_ok,
        distance_ok=distance_ok,
        preferred=preferred,
        distance=distance,
        fee=fee,
        lowest=lowest,
        highest=highest,
        bid_ticks=book.bid_ticks,
        ask_ticks=book.ask_ticks,
    )
