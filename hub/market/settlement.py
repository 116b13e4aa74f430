"""What one interval's trades delivered, as the meters show it, and the postings that follow. Pure.

After an interval, each site's metered export is shared pro rata across the trades it sold
in that interval, and its metered import across the trades it bought: a seller that sold
1,000 Wh in two trades of 600 and 400 Wh and exported 500 Wh delivers 300 and 200 Wh. A
trade delivers the lesser of its seller's and its buyer's share. Integer Wh are shared by
largest remainder, ties to the lower trade id, so shares always add up to what was metered.

A site without readings in the interval delivers nothing and is billed nothing yet: its
trades are ``failed`` for missing readings until late readings re-settle the interval.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from hub.db.models.enums import AllocationKey, SharingMode, Shortfall, TransactionStatus
from hub.market.expost import Metered, Share, allocate
from hub.market.ledger import (
    Delivered,
    Posting,
    Tariff,
    allocation_posting,
    fee_posting,
    grid_postings,
    money,
    trade_postings,
)


@dataclass(frozen=True, slots=True)
class Trade:
    """A trade as matched: who sells whom how much at what price and fee per kWh."""

    id: int
    seller: str
    buyer: str
    energy_wh: int
    energy_price: Decimal
    fee: Decimal


@dataclass(frozen=True, slots=True)
class Delivery:
    trade_id: int
    delivered_wh: int
    status: TransactionStatus
    shortfall: Shortfall | None
    amount: Decimal  # what the buyer pays for what was delivered, fee included


@dataclass(frozen=True, slots=True)
class ExPost:
    """How an ex-post interval shares: the allocation key and the community's price."""

    key: AllocationKey
    price: Decimal
    shares: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    deliveries: list[Delivery]
    allocations: dict[str, Share]
    postings: list[Posting]

    @property
    def shared_wh(self) -> int:
        """Energy that went from neighbour to neighbour."""
        traded = sum(d.delivered_wh for d in self.deliveries)
        return traded + sum(share.received_wh for share in self.allocations.values())


def pro_rata(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` shared in proportion to ``weights``, each share capped at its weight.

    Largest remainder: the floor of each exact share, then one more Wh to the largest
    remainders (the earlier weight on a tie) until the total is reached.
    """
    whole = sum(weights)
    if total >= whole:
        return list(weights)
    if total <= 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    rest = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:rest]:
        shares[i] += 1
    return shares


def _site_shares(trades: Sequence[Trade], side: str, metered: Mapping[str, int]) -> dict[int, int]:
    """Each trade's share of its site's metered energy (export for sellers, import for buyers)."""
    by_site: dict[str, list[Trade]] = defaultdict(list)
    for trade in trades:
        by_site[getattr(trade, side)].append(trade)
    shares: dict[int, int] = {}
    for site, own in by_site.items():
        own.sort(key=lambda t: t.id)
        for trade, share in zip(own, pro_rata(metered.get(site, 0), [t.energy_wh for t in own]), strict=True):
            shares[trade.id] = share
    return shares


def deliveries(trades: Sequence[Trade], meters: Mapping[str, Metered]) -> list[Delivery]:
    """Each trade's delivered energy, status and shortfall, in trade id order."""
    exported = _site_shares(trades, "seller", {site: m.export_wh for site, m in meters.items()})
    imported = _site_shares(trades, "buyer", {site: m.import_wh for site, m in meters.items()})
    result = []
    for trade in sorted(trades, key=lambda t: t.id):
        seller_share, buyer_share = exported[trade.id], imported[trade.id]
        delivered = min(trade.energy_wh, seller_share, buyer_share)
        shortfall = None
        if delivered < trade.energy_wh:
            if trade.seller not in meters or trade.buyer not in meters:
                shortfall = Shortfall.READINGS_MISSING
            elif seller_share <= buyer_share:
                shortfall = Shortfall.SELLER_EXPORTED_LESS
            else:
                shortfall = Shortfall.BUYER_IMPORTED_LESS
        if delivered == trade.energy_wh:
            status = TransactionStatus.COMPLETED
        elif delivered:
            status = TransactionStatus.PARTIAL
        else:
            status = TransactionStatus.FAILED
        amount = money(trade.energy_price, delivered) + money(trade.fee, delivered)
        result.append(Delivery(trade.id, delivered, status, shortfall, amount))
    return result


def settle(
    trades: Sequence[Trade], meters: Mapping[str, Metered], tariff: Tariff, ex_post: ExPost | None = None
) -> Outcome:
    """Deliveries (or ex-post allocations), then the grid for the rest, as balanced postings.

    ``meters`` holds the sites with readings in the interval; ex post, trades are ignored.
    """
    postings: list[Posting] = []
    bought: dict[str, int] = defaultdict(int)
    sold: dict[str, int] = defaultdict(int)
    done: list[Delivery] = []
    allocations: dict[str, Share] = {}
    if ex_post is None:
        by_id = {t.id: t for t in trades}
        done = deliveries(trades, meters)
        delivered = []
        for delivery in done:
            if delivery.delivered_wh:
                t = by_id[delivery.trade_id]
                delivered.append(
                    Delivered(t.id, t.seller, t.buyer, delivery.delivered_wh, t.energy_price, t.fee)
                )
        for trade in delivered:
            bought[trade.buyer] += trade.delivered_wh
            sold[trade.seller] += trade.delivered_wh
        postings += trade_postings(delivered)
        fees = fee_posting(delivered)
        if fees is not None:
            postings.append(fees)
    else:
        allocations = allocate(meters, ex_post.key, ex_post.shares)
        for site, share in allocations.items():
            bought[site] += share.received_wh
            sold[site] += share.given_wh
        shared = allocation_posting(
            {s: a.given_wh for s, a in allocations.items()},
            {s: a.received_wh for s, a in allocations.items()},
            ex_post.price,
        )
        if shared is not None:
            postings.append(shared)
    residual = {site: (m.import_wh - bought[site], m.export_wh - sold[site]) for site, m in meters.items()}
    postings += grid_postings(residual, tariff)
    return Outcome(done, allocations, postings)


def digest(
    mode: SharingMode,
    trades: Sequence[Trade],
    meters: Mapping[str, Metered],
    tariff: Tariff,
    ex_post: ExPost | None = None,
) -> str:
    """A fingerprint of everything a settlement depends on: equal inputs, equal digest."""
    document = {
        "mode": mode.value,
        "trades": sorted(
            [t.id, t.seller, t.buyer, t.energy_wh, str(t.energy_price), str(t.fee)] for t in trades
        ),
        "meters": sorted([site, m.import_wh, m.export_wh] for site, m in meters.items()),
        "tariff": [str(tariff.retail), str(tariff.feed_in)],
        "ex_post": None
        if ex_post is None
        else [ex_post.key.value, str(ex_post.price), sorted([s, str(w)] for s, w in ex_post.shares.items())],
    }
    return hashlib.sha256(json.dumps(document, separators=(",", ":")).encode()).hexdigest()


__all__ = [
    "Delivery",
    "ExPost",
    "Outcome",
    "Trade",
    "deliveries",
    "digest",
    "pro_rata",
    "settle",
]
