"""The uniform-price double auction of a plain book, vectorised: the fast path of ``clear``.

A plain book has no grid fee, no preferences and no owner or site on both sides, so any bid
may buy from any ask and the surplus-maximising allocation is the merit order: bids from the
highest price down (ties: higher urgency, then lower order id), asks from the lowest up
(ties: lower order id), matched along their cumulative energy for as long as the bid at that
point still pays at least the ask. Orders outside the corridor never trade (an ask above
retail, a bid below feed-in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class MeritOrder:
    bid_filled: I64  # Wh, in book order
    ask_filled: I64
    trade_bid: I64  # book indexes
    trade_ask: I64
    trade_wh: I64
    price: int | None  # ticks


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
    ob = np.argsort(-(bid_ticks * 4 + bid_urgency), kind="stable")  # urgency ranks 0…3
    ob = ob[bid_ticks[ob] >= feed_in]
    oa = np.argsort(ask_ticks, kind="stable")
    oa = oa[ask_ticks[oa] <= retail]
    empty = np.zeros(0, dtype=np.int64)
    if not ob.size or not oa.size:
        return MeritOrder(np.zeros(nb, np.int64), np.zeros(na, np.int64), empty, empty, empty, None)
    bt, bw, at, aw = bid_ticks[ob], bid_wh[ob], ask_ticks[oa], ask_wh[oa]
    bc, ac = np.cumsum(bw), np.cumsum(aw)
    # the bid (ask) standing at the point where each ask (bid) would start being served
    bid_at = np.searchsorted(bc, ac - aw, side="right")
    ask_at = np.searchsorted(ac, bc - bw, side="right")
    asks_in = int(((bid_at < bt.size) & (bt[np.minimum(bid_at, bt.size - 1)] >= at)).sum())
    bids_in = int(((ask_at < at.size) & (at[np.minimum(ask_at, at.size - 1)] <= bt)).sum())
    if not asks_in or not bids_in:
        return MeritOrder(np.zeros(nb, np.int64), np.zeros(na, np.int64), empty, empty, empty, None)
    volume = min(int(ac[asks_in - 1]), int(bc[bids_in - 1]))
    fb = np.minimum(np.maximum(volume - (bc - bw), 0), bw)
    fa = np.minimum(np.maximum(volume - (ac - aw), 0), aw)
    bid_filled = np.zeros(nb, np.int64)
    bid_filled[ob] = fb
    ask_filled = np.zeros(na, np.int64)
    ask_filled[oa] = fa

    points = np.sort(np.concatenate((bc[bc < volume], ac[ac < volume])))
    points = points[np.concatenate(([True], points[1:] != points[:-1]))] if points.size else points
    starts = np.concatenate(([0], points))
    ends = np.concatenate((points, [volume]))
    trade_bid = ob[np.searchsorted(bc, starts, side="right")]
    trade_ask = oa[np.searchsorted(ac, starts, side="right")]

    last_bid = int(np.searchsorted(bc, volume - 1, side="right"))
    last_ask = int(np.searchsorted(ac, volume - 1, side="right"))
    lo, hi = max(feed_in, int(at[last_ask])), min(retail, int(bt[last_bid]))
    rest_bid = np.flatnonzero(fb < bw)
    rest_ask = np.flatnonzero(fa < aw)
    price = uniform_price(
        lo,
        hi,
        int(bt[rest_bid[0]]) if rest_bid.size else None,
        int(at[rest_ask[0]]) if rest_ask.size else None,
    )
    return MeritOrder(bid_filled, ask_filled, trade_bid, trade_ask, (ends - starts).astype(np.int64), price)
