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
    not_excluded = ~_chosen_asks(book, book.bid_excluded)
    preferred = _chosen_asks(book, book.bid_preferred)
    green_ok = ~book.bid_green_only[:, None] | book.ask_green[None, :]
    distance = book.pair_distances()
    limit = book.bid_max_km[:, None]
    with np.errstate(invalid="ignore"):
        within = (distance != UNKNOWN) & (distance <= np.floor(limit * 100 + 1e-9))
    distance_ok = np.isnan(limit) | within
    fee = fees.fee_ticks(distance)
    lowest = np.broadcast_to(np.maximum(book.ask_ticks, feed_in)[None, :], (nb, na))
    highest = book.bid_ticks[:, None] - fee
    np.minimum(highest, retail, out=highest)
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


def _chosen_asks(book: Book, sets: tuple[frozenset[int], ...]) -> Mask:
    """Bid × ask: the ask's site is in the bid's set (sites chosen by index, see ``Book``)."""
    by_site = np.zeros((book.bid_count, len(book.sites)), dtype=np.bool_)
    rows = [i for i, chosen in enumerate(sets) for _ in chosen]
    if rows:
        by_site[rows, [site for chosen in sets for site in chosen]] = True
    chosen_asks: Mask = by_site[:, book.ask_site]
    return chosen_asks
