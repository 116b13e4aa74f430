"""Clearing one settlement interval of a community market: order book in, trades out. Pure.

``clear(book, rules)`` maximises the surplus Σ kWh × (bid − ask − fee) over the pairs that may
trade, and prices the trades by ``rules.mechanism`` (see docs/market.md, "Matching and
prices"). Plain books (no fees, no preferences, no owner on both sides) take the vectorised
merit order; everything else the min-cost-flow path of ``transport.py``. Explanations are built
only when asked for, one order at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from hub.db.models.enums import Mechanism
from hub.market.book import Book
from hub.market.explanations import Explanation
from hub.market.fees import NO_FEES, FeeSchedule, distance_km
from hub.market.merit_order import merit_order
from hub.market.pairs import Pairs, pairs_of
from hub.market.reasons import Outcome, explain_ask, explain_bid
from hub.market.ticks import from_ticks, money, to_ticks
from hub.market.transport import pay_as_bid, pay_as_clear

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Rules:
    """A community's market rules; every energy price lies in [feed_in, retail] per kWh."""

    mechanism: Mechanism
    feed_in: Decimal
    retail: Decimal
    fees: FeeSchedule = NO_FEES

    def __post_init__(self) -> None:
        if to_ticks(self.feed_in) > to_ticks(self.retail):
            raise ValueError("feed-in above retail leaves no price corridor")
        object.__setattr__(self, "_corridor", (to_ticks(self.feed_in), to_ticks(self.retail)))
        object.__setattr__(self, "_no_fees", self.fees.is_zero)

    @property
    def corridor_ticks(self) -> tuple[int, int]:
        corridor: tuple[int, int] = self.__dict__["_corridor"]
        return corridor

    @property
    def no_fees(self) -> bool:
        no_fees: bool = self.__dict__["_no_fees"]
        return no_fees


class TradeColumns(NamedTuple):
    """The trades of a clearing as columns: book indexes, Wh, ticks per kWh."""

    bid: I64
    ask: I64
    wh: I64
    energy: I64
    fee: I64


@dataclass(frozen=True, slots=True)
class Trade:
    bid_order_id: int
    ask_order_id: int
    buyer_site: str
    seller_site: str
    energy_wh: int
    energy_price: Decimal  # per kWh, what the seller earns
    fee: Decimal  # per kWh, the grid fee the buyer pays on top
    distance_km: float | None

    @property
    def buyer_price(self) -> Decimal:
        return self.energy_price + self.fee


class Clearing:
    """The result of one interval; trades as columns (book indexes), objects on demand.

    The trade columns come from ``columns`` on first use: most intervals are read only for
    their price and volume, so the plain path does not build them until asked.
    """

    def __init__(
        self,
        book: Book,
        rules: Rules,
        price: int | None,
        columns: Callable[[], TradeColumns],
        volume_wh: int | None = None,
        pairs: Pairs | None = None,
    ) -> None:
        self.book, self.rules = book, rules
        self.price_ticks = price
        self._columns_of = columns
        self._volume_wh = volume_wh
        self._pairs = pairs

    @cached_property
    def _columns(self) -> TradeColumns:
        bid, ask, wh, energy, fee = self._columns_of()
        order = np.lexsort((ask, bid))  # one order of trades, whatever the path
        return TradeColumns(bid[order], ask[order], wh[order], energy[order], fee[order])

    @property
    def trade_bid(self) -> I64:
        return self._columns.bid

    @property
    def trade_ask(self) -> I64:
        return self._columns.ask

    @property
    def trade_wh(self) -> I64:
        return self._columns.wh

    @property
    def trade_energy(self) -> I64:
        """Energy price per trade, ticks."""
        return self._columns.energy

    @property
    def trade_fee(self) -> I64:
        return self._columns.fee

    @property
    def price(self) -> Decimal | None:
        """Pay-as-clear: the one energy price of the interval; None without trades or pay-as-bid."""
        return None if self.price_ticks is None else from_ticks(self.price_ticks)

    @property
    def volume_wh(self) -> int:
        if self._volume_wh is None:
            self._volume_wh = int(self.trade_wh.sum())
        return self._volume_wh

    @property
    def surplus_wh_ticks(self) -> int:
        book = self.book
        gain = book.bid_ticks[self.trade_bid] - book.ask_ticks[self.trade_ask] - self.trade_fee
        return int((self.trade_wh * gain).sum())

    @property
    def surplus(self) -> Decimal:
        """Σ kWh × (bid − ask − fee), exact, in the community currency."""
        return money(self.surplus_wh_ticks)

    @cached_property
    def bid_filled(self) -> I64:
        """Wh traded per bid, in book order."""
        out = np.zeros(self.book.bid_count, dtype=np.int64)
        np.add.at(out, self.trade_bid, self.trade_wh)
        return out

    @cached_property
    def ask_filled(self) -> I64:
        out = np.zeros(self.book.ask_count, dtype=np.int64)
        np.add.at(out, self.trade_ask, self.trade_wh)
        return out

    def filled_bid_wh(self, order_id: int) -> int:
        return int(self.bid_filled[self._bid_index(order_id)])

    def filled_ask_wh(self, order_id: int) -> int:
        return int(self.ask_filled[self._ask_index(order_id)])

    def trades(self) -> list[Trade]:
        """The trades, ordered by bid order id, then ask order id."""
        book = self.book
        sites = book.sites
        buyer, seller = book.bid_site[self.trade_bid], book.ask_site[self.trade_ask]
        distances = self.pairs.distance_at(self.trade_bid, self.trade_ask)
        return [
            Trade(
                bid_order_id=int(book.bid_id[b]),
                ask_order_id=int(book.ask_id[a]),
                buyer_site=sites[int(buyer[k])],
                seller_site=sites[int(seller[k])],
                energy_wh=int(self.trade_wh[k]),
                energy_price=from_ticks(int(self.trade_energy[k])),
                fee=from_ticks(int(self.trade_fee[k])),
                distance_km=distance_km(int(distances[k])),
            )
            for k in np.lexsort((book.ask_id[self.trade_ask], book.bid_id[self.trade_bid]))
            for b, a in ((self.trade_bid[k], self.trade_ask[k]),)
        ]

    @property
    def pairs(self) -> Pairs:
        if self._pairs is None:
            rules = self.rules
            self._pairs = pairs_of(self.book, rules.fees, to_ticks(rules.feed_in), to_ticks(rules.retail))
        return self._pairs

    @cached_property
    def _outcome(self) -> Outcome:
        return Outcome(
            self.trade_bid,
            self.trade_ask,
            self.trade_wh,
            self.trade_energy,
            self.trade_fee,
            self.price_ticks,
            to_ticks(self.rules.feed_in),
            to_ticks(self.rules.retail),
        )

    def explain_bid(self, order_id: int) -> Explanation:
        return explain_bid(self.book, self.pairs, self._outcome, self._bid_index(order_id))

    def explain_ask(self, order_id: int) -> Explanation:
        return explain_ask(self.book, self.pairs, self._outcome, self._ask_index(order_id))

    def _bid_index(self, order_id: int) -> int:
        return _index(self.book.bid_id, order_id)

    def _ask_index(self, order_id: int) -> int:
        return _index(self.book.ask_id, order_id)


def _index(ids: I64, order_id: int) -> int:
    at = int(np.searchsorted(ids, order_id))
    if at == len(ids) or ids[at] != order_id:
        raise KeyError(order_id)
    return at


def clear(book: Book, rules: Rules) -> Clearing:
    feed_in, retail = rules.corridor_ticks
    if book.plain and rules.no_fees:
        plain = merit_order(
            book.bid_ticks, book.bid_wh, book.bid_urgency, book.ask_ticks, book.ask_wh, feed_in, retail
        )
        pay_as_bid_ = rules.mechanism is Mechanism.PAY_AS_BID

        def plain_columns() -> TradeColumns:
            bid, ask, wh = plain.trades()
            zero = np.zeros(wh.size, dtype=np.int64)
            if pay_as_bid_:
                return TradeColumns(bid, ask, wh, np.minimum(book.bid_ticks[bid], retail), zero)
            return TradeColumns(bid, ask, wh, np.full(wh.size, plain.price or 0, dtype=np.int64), zero)

        return Clearing(book, rules, None if pay_as_bid_ else plain.price, plain_columns, plain.volume)
    pairs = pairs_of(book, rules.fees, feed_in, retail)
    solved = pay_as_bid(book, pairs) if rules.mechanism is Mechanism.PAY_AS_BID else pay_as_clear(book, pairs)
    a = solved.allocation
    columns = TradeColumns(a.bid, a.ask, a.wh, solved.energy_ticks, pairs.fee[a.bid, a.ask].astype(np.int64))
    return Clearing(book, rules, solved.price, lambda: columns, pairs=pairs)
