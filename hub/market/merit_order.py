"""The uniform-price double auction of a plain book, vectorised: the fast path of ``clear``.

A plain book has no grid fee, no preferences and no owner or site on both sides, so any bid
may buy from any ask and the surplus-maximising allocation is the merit order: bids from the
highest price down (ties: higher urgency, then lower order id), asks from the lowest up
(ties: lower order id), matched along their cumulative energy for as long as the bid at that
point still pays at least the ask. Orders outside the corridor never trade (an ask above
retail, a bid below feed-in).

Thousands of communities clear every interval and most callers read only the price and the
volume, so ``merit_order`` works those out with a handful of array operations (one sort per
side, one cumulative sum per side, one search) and leaves the fills and the trades to the
methods of ``MeritOrder``, computed when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
_EMPTY = np.zeros(0, dtype=np.int64)
_ABOVE_ANY_BID = 2**62  # stands for "no ask left" where a bid looks for the ask at its start


@dataclass(frozen=True, eq=False)
class MeritOrder:
    """Price and volume of a plain book; who trades with whom is worked out on request."""

    bid_order: I64  # book indexes of the bids inside the corridor, in merit order
    ask_order: I64
    bid_cum: I64  # their cumulative Wh along the merit order
    ask_cum: I64
    bid_count: int  # orders in the book
    ask_count: int
    volume: int  # Wh
    price: int | None  # ticks; None without trades

    def bid_filled(self) -> I64:
        """Wh traded per bid, in book order."""
        return _filled(self.bid_order, self.bid_cum, self.volume, self.bid_count)

    def ask_filled(self) -> I64:
        return _filled(self.ask_order, self.ask_cum, self.volume, self.ask_count)

    def trades(self) -> tuple[I64, I64, I64]:
        """(bid index, ask index, Wh) of each trade: one per stretch between two cumulative
        sums, walking both sides of the merit order together."""
        volume, bc, ac = self.volume, self.bid_cum, self.ask_cum
        if not volume:
            return _EMPTY, _EMPTY, _EMPTY
        points = np.union1d(bc[bc < volume], ac[ac < volume])  # sorted, without repeats
        starts = np.concatenate(([0], points))
        ends = np.concatenate((points, [volume]))
        trade_bid = self.bid_order[np.searchsorted(bc, starts, side="right")]
        trade_ask = self.ask_order[np.searchsorted(ac, starts, side="right")]
        return trade_bid, trade_ask, (ends - starts).astype(np.int64)


def _filled(order: I64, cum: I64, volume: int, count: int) -> I64:
    out = np.zeros(count, dtype=np.int64)
    if volume:
        # an order's fill is the part of its stretch of the cumulative sum below the volume
        out[order] = np.diff(np.minimum(cum, volume), prepend=0)
    return out


def uniform_price(lo: int, hi: int, highest_rest_bid: int | None, lowest_rest_ask: int | None) -> int:
    """The clearing price in ticks from the range [lo, hi] every matched trade accepts.

    The range is narrowed by the orders left with energy, as a Walrasian price would be: at
    least the highest price a bid with a rest still pays (else it would buy more), at most the
    lowest an ask with a rest accepts (else it would sell more), each kept inside [lo, hi].
    The midpoint of what is left, rounded down to a tick.
    """
    low = lo if highest_rest_bid is None else min(max(lo, highest_rest_bid), hi)
    high = hi if lowest_rest_ask is None else max(min(hi, lowest_rest_ask), lo)
    return (low + high) // 2


def merit_order(
    bid_ticks: I64,
    bid_wh: I64,
    bid_urgency: I64,
    ask_ticks: I64,
    ask_wh: I64,
    feed_in: int,
    retail: int,
) -> MeritOrder:
    nb, na = len(bid_ticks), len(ask_ticks)
    ob = np.argsort(bid_ticks * -4 - bid_urgency, kind="stable")  # urgency ranks 0…3 break price ties
    oa = np.argsort(ask_ticks, kind="stable")
    bt, at = bid_ticks[ob], ask_ticks[oa]
    # both sides are sorted, so the corridor keeps a prefix of each
    bids_inside, asks_inside = int(np.count_nonzero(bt >= feed_in)), int(np.count_nonzero(at <= retail))
    nothing = MeritOrder(_EMPTY, _EMPTY, _EMPTY, _EMPTY, nb, na, 0, None)
    if not bids_inside or not asks_inside:
        return nothing
    ob, oa, bt, at = ob[:bids_inside], oa[:asks_inside], bt[:bids_inside], at[:asks_inside]
    bw = bid_wh[ob]
    bc, ac = np.cumsum(bw), np.cumsum(ask_wh[oa])
    # a bid trades when the ask standing where it starts is no dearer; bids only get cheaper
    # and asks dearer along the merit order, so those bids are a prefix
    ask_at_start = np.searchsorted(ac, bc - bw, side="right")
    bids_in = int(np.count_nonzero(np.append(at, _ABOVE_ANY_BID)[ask_at_start] <= bt))
    if not bids_in:
        return nothing
    last_bid = bids_in - 1
    # the last bid that trades buys until its energy or the asks it pays for run out
    asks_paid = int(np.searchsorted(at, bt[last_bid], side="right"))
    volume = min(int(bc[last_bid]), int(ac[asks_paid - 1]))
    last_ask = int(np.searchsorted(ac, volume - 1, side="right"))
    # the first order with energy left: the one after the last if that one is used up
    rest_bid = last_bid + 1 if int(bc[last_bid]) == volume else last_bid
    rest_ask = last_ask + 1 if int(ac[last_ask]) == volume else last_ask
    price = uniform_price(
        max(feed_in, int(at[last_ask])),
        min(retail, int(bt[last_bid])),
        int(bt[rest_bid]) if rest_bid < bids_inside else None,
        int(at[rest_ask]) if rest_ask < asks_inside else None,
    )
    return MeritOrder(ob, oa, bc, ac, nb, na, volume, price)
