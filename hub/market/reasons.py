"""The explanation of one order after a clearing, from the book's pair stages and the trades.

An order that traded all its energy is ``matched``; one that traded some is ``partly_matched``
with a ``rest`` that says why the remainder found no partner; one that traded nothing gets
that reason alone. The reason is the first stage that ruled the order out (``pairs.py``), so a
green-only bid with nothing but a far battery nearby hears ``no_green_offer``, not ``too_far``.
Unmatched energy carries what the grid does with it: ``grid_wh`` at ``grid_price`` (retail for
a buyer, feed-in for a seller).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hub.market.book import Book
from hub.market.explanations import AskCode, BidCode, Explanation, Param
from hub.market.fees import UNKNOWN, distance_km
from hub.market.pairs import Pairs
from hub.market.ticks import average_ticks, price_text

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an explanation needs of a clearing besides the book."""

    trade_bid: I64
    trade_ask: I64
    trade_wh: I64
    trade_energy: I64  # ticks
    trade_fee: I64
    price: int | None  # pay-as-clear
    feed_in: int
    retail: int


def _average(wh: I64, ticks: I64) -> str:
    return price_text(average_ticks(int((wh * ticks).sum()), int(wh.sum())))


def _partners(book: Book, site_index: I64) -> list[str]:
    return sorted({book.sites[int(s)] for s in site_index})


def explain_bid(book: Book, pairs: Pairs, outcome: Outcome, i: int) -> Explanation:
    mine = np.flatnonzero(outcome.trade_bid == i)
    requested = int(book.bid_wh[i])
    traded = int(outcome.trade_wh[mine].sum())
    grid: dict[str, Param] = {"grid_wh": requested - traded, "grid_price": price_text(outcome.retail)}
    if not traded:
        reason = _bid_reason(book, pairs, outcome, i)
        return Explanation(reason.code, {**reason.params, **grid})
    wh, energy, fee = outcome.trade_wh[mine], outcome.trade_energy[mine], outcome.trade_fee[mine]
    params: dict[str, Param] = {
        "energy_wh": traded,
        "energy_price": _average(wh, energy),
        "fee": _average(wh, fee),
        "price": _average(wh, energy + fee),
        "partners": _partners(book, book.ask_site[outcome.trade_ask[mine]]),
    }
    if traded == requested:
        return Explanation(BidCode.MATCHED, params)
    params = {**params, "requested_wh": requested, **grid}
    return Explanation(BidCode.PARTLY_MATCHED, params, _bid_reason(book, pairs, outcome, i))


def _bid_reason(book: Book, pairs: Pairs, outcome: Outcome, i: int) -> Explanation:
    if not book.ask_count:
        return Explanation(BidCode.NO_OFFER)
    stage = pairs.not_own[i]
    if not stage.any():
        return Explanation(BidCode.ONLY_OWN_SITES)
    stage = stage & pairs.not_excluded[i]
    if not stage.any():
        return Explanation(BidCode.ONLY_EXCLUDED)
    stage = stage & pairs.green_ok[i]
    if not stage.any():
        return Explanation(BidCode.NO_GREEN_OFFER)
    reachable = stage & pairs.distance_ok[i]
    max_price = price_text(int(book.bid_ticks[i]))
    if not reachable.any():
        known = pairs.distance[i][stage & (pairs.distance[i] != UNKNOWN)]
        nearest = distance_km(int(known.min())) if known.size else None
        limit = float(book.bid_max_km[i])
        return Explanation(BidCode.TOO_FAR, {"nearest_km": nearest, "max_distance_km": round(limit, 2)})
    if not (reachable & (pairs.lowest[i] <= pairs.highest[i])).any():
        cheapest = int((pairs.lowest[i] + pairs.fee[i])[reachable].min())
        return Explanation(
            BidCode.PRICE_TOO_LOW, {"cheapest_price": price_text(cheapest), "max_price": max_price}
        )
    clearing = None if outcome.price is None else price_text(outcome.price)
    return Explanation(BidCode.OUTBID, {"clearing_price": clearing, "max_price": max_price})


def explain_ask(book: Book, pairs: Pairs, outcome: Outcome, j: int) -> Explanation:
    mine = np.flatnonzero(outcome.trade_ask == j)
    offered = int(book.ask_wh[j])
    traded = int(outcome.trade_wh[mine].sum())
    grid: dict[str, Param] = {"grid_wh": offered - traded, "grid_price": price_text(outcome.feed_in)}
    if not traded:
        reason = _ask_reason(book, pairs, outcome, j)
        return Explanation(reason.code, {**reason.params, **grid})
    params: dict[str, Param] = {
        "energy_wh": traded,
        "energy_price": _average(outcome.trade_wh[mine], outcome.trade_energy[mine]),
        "partners": _partners(book, book.bid_site[outcome.trade_bid[mine]]),
    }
    if traded == offered:
        return Explanation(AskCode.MATCHED, params)
    params = {**params, "offered_wh": offered, **grid}
    return Explanation(AskCode.PARTLY_MATCHED, params, _ask_reason(book, pairs, outcome, j))


def _ask_reason(book: Book, pairs: Pairs, outcome: Outcome, j: int) -> Explanation:
    if not book.bid_count:
        return Explanation(AskCode.NO_REQUEST)
    others = pairs.not_own[:, j]
    if not others.any():
        return Explanation(AskCode.ONLY_OWN_SITES)
    wanted = others & pairs.not_excluded[:, j] & pairs.green_ok[:, j] & pairs.distance_ok[:, j]
    if not wanted.any():
        ruled_out = [
            name
            for name, passed in (
                ("green_only", pairs.green_ok[:, j]),
                ("distance", pairs.distance_ok[:, j]),
                ("excluded", pairs.not_excluded[:, j]),
            )
            if (others & ~passed).any()
        ]
        return Explanation(AskCode.NOT_WANTED, {"preferences": ruled_out})
    min_price = price_text(int(book.ask_ticks[j]))
    if not (wanted & (pairs.lowest[:, j] <= pairs.highest[:, j])).any():
        best = int(pairs.highest[:, j][wanted].max())
        return Explanation(AskCode.PRICE_TOO_HIGH, {"best_price": price_text(best), "min_price": min_price})
    clearing = None if outcome.price is None else price_text(outcome.price)
    return Explanation(AskCode.UNDERCUT, {"clearing_price": clearing, "min_price": min_price})
