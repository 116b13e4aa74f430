"""Which bid may trade with which ask, stage by stage, and at which prices.

A pair passes, in this order: different owners and sites, the buyer has not excluded the
seller, green only (solar or wind), the buyer's maximum distance, and then prices: the pair
can trade at an energy price p when ``max(ask, feed_in) ≤ p ≤ min(bid − fee, retail)``. The
stages are kept apart because the explanations name the first one that ruled a bid out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from hub.market.book import Book
from hub.market.fees import FeeSchedule, PairDistances, distance_units

I64 = npt.NDArray[np.int64]
Ticks = npt.NDArray[np.signedinteger[Any]]
Mask = npt.NDArray[np.bool_]
Points = tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]
]
_FAR_KM = 2**24  # beyond any distance on Earth


@dataclass(frozen=True, eq=False)
class Pairs:
    """Bid × ask matrices for one book under one fee schedule and price corridor.

    Only booleans and the fee (int16 where every fee fits) are kept per pair: a clearing
    allocates these afresh, and every pair-sized int64 or float64 matrix costs page faults
    of its own. Distances and each pair's highest price are worked out when read.
    """

    not_own: Mask
    not_excluded: Mask
    green_ok: Mask
    distance_ok: Mask
    preferred: Mask
    fee: Ticks  # ticks
    ask_floor: I64  # per ask, the lowest energy price it trades at: max(ask, feed_in)
    bid_ticks: I64
    ask_ticks: I64
    feed_in: int  # the corridor, ticks
    retail: int
    fee_levels: tuple[int, ...] | None  # every fee a pair can pay, ascending (None: too many to list)
    points: Points  # bid and ask coordinates, broadcast against each other

    @cached_property
    def distance(self) -> I64:
        """10 m units, UNKNOWN without a location; only explanations read them."""
        return distance_units(*self.points)

    def distance_at(self, bid: I64, ask: I64) -> I64:
        """``distance`` of the pairs (bid[k], ask[k]) alone."""
        lat_b, lon_b, lat_a, lon_a = self.points
        return distance_units(lat_b[bid, 0], lon_b[bid, 0], lat_a[0, ask], lon_a[0, ask])

    @property
    def lowest(self) -> I64:
        """Lowest energy price the pair can trade at: ``ask_floor``, the same in every row."""
        out: I64 = np.broadcast_to(self.ask_floor[None, :], self.fee.shape)
        return out

    @cached_property
    def highest(self) -> I64:
        """Highest energy price the pair can trade at: min(bid − fee, retail)."""
        out: I64 = np.minimum(self.bid_ticks[:, None] - self.fee, self.retail)
        return out

    def highest_at(self, bid: I64, ask: I64) -> I64:
        out: I64 = np.minimum(self.bid_ticks[bid] - self.fee[bid, ask], self.retail)
        return out

    @property
    def allowed(self) -> Mask:
        """Every preference and the owner rule pass (prices aside)."""
        return self.not_own & self.not_excluded & self.green_ok & self.distance_ok

    @property
    def admissible(self) -> Mask:
        """Allowed, and some price suits both: lowest ≤ highest, i.e. max(ask, feed_in) is
        at most retail and at most bid − fee."""
        low = self.ask_floor
        out: Mask = self.allowed & self.fee_within(self.bid_ticks, low) & (low <= self.retail)[None, :]
        return out

    def fee_within(self, bid_part: I64, ask_part: I64) -> Mask:
        """fee ≤ bid_part[i] − ask_part[j] per pair. With a few fee levels each level is a
        comparison of the two parts (fee = L and ask_part ≤ bid_part − L), so no pair-sized
        integer matrix is made."""
        if self.fee_levels is None:
            within: Mask = self.fee <= bid_part[:, None] - ask_part[None, :]
            return within
        out = np.zeros(self.fee.shape, dtype=np.bool_)
        for level in self.fee_levels:
            out |= (self.fee == level) & (ask_part[None, :] <= (bid_part - level)[:, None])
        return out

    def admitted(self, admissible: Mask, price: int) -> Mask:
        """The admissible pairs that accept the energy price ``price``."""
        if not self.feed_in <= price <= self.retail:
            return np.zeros_like(admissible)
        # ask (or feed-in) ≤ price, and price ≤ bid − fee
        accepts: Mask = (self.ask_floor <= price)[None, :] & (self.fee <= (self.bid_ticks - price)[:, None])
        return admissible & accepts

    @property
    def weight(self) -> I64:
        """Surplus per Wh in ticks: bid − ask − fee (the price splits it, never changes it)."""
        out: I64 = self.bid_ticks[:, None] - self.ask_ticks[None, :] - self.fee
        return out


def pairs_of(book: Book, fees: FeeSchedule, feed_in: int, retail: int) -> Pairs:
    nb, na = book.bid_count, book.ask_count
    not_own = (book.bid_owner[:, None] != book.ask_owner[None, :]) & (
        book.bid_site[:, None] != book.ask_site[None, :]
    )
    not_excluded = ~_chosen_asks(book, book.bid_excluded)
    preferred = _chosen_asks(book, book.bid_preferred)
    green_ok = ~book.bid_green_only[:, None] | book.ask_green[None, :]
    points = book.pair_points()
    distances = PairDistances(*points)
    distance_ok = np.ones((nb, na), dtype=np.bool_)
    limited = np.flatnonzero(~np.isnan(book.bid_max_km))
    if limited.size:  # only the rows of bids with a maximum distance
        limit = np.floor(np.minimum(book.bid_max_km[limited], _FAR_KM) * 100 + 1e-9).astype(np.int64)
        distance_ok[limited] = distances.of_rows(limited).at_most(limit[:, None])
    fee = fees.fee_of(distances)
    return Pairs(
        not_own=not_own,
        not_excluded=not_excluded,
        green_ok=green_ok,
        distance_ok=distance_ok,
        preferred=preferred,
        fee=fee,
        ask_floor=np.maximum(book.ask_ticks, feed_in),
        bid_ticks=book.bid_ticks,
        ask_ticks=book.ask_ticks,
        feed_in=feed_in,
        retail=retail,
        fee_levels=fees.levels,
        points=points,
    )


def _chosen_asks(book: Book, sets: tuple[frozenset[int], ...]) -> Mask:
    """Bid × ask: the ask's site is in the bid's set (sites chosen by index, see ``Book``)."""
    if not sets:
        return np.zeros((book.bid_count, book.ask_count), dtype=np.bool_)
    by_site = np.zeros((book.bid_count, len(book.sites)), dtype=np.bool_)
    rows = [i for i, chosen in enumerate(sets) for _ in chosen]
    if rows:
        by_site[rows, [site for chosen in sets for site in chosen]] = True
    chosen_asks: Mask = by_site[:, book.ask_site]
    return chosen_asks
