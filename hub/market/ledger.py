"""Double-entry postings for one settled interval. Pure: deliveries and meters in, postings out.

Every posting's lines sum to zero, so every interval, and the whole ledger, balances.
Accounts are ``site:<id>``, ``grid`` (the retailer the community buys from and sells to),
``network`` (the grid fees of trades) and ``pool`` (ex-post sharing). Amounts are signed
(> 0 the account receives money) and quantized to 0.0001 of the currency; energy is signed
the same way (> 0 the account received energy).

For each delivered trade the buyer pays the seller the energy price: one ``trade`` posting per
seller and interval, a line per trade for its buyer (naming the trade) and one line for the
seller (their sum), so a trade costs one line and a seller one more, not two lines a trade.
The grid fees of an interval are one posting: each buyer pays the network its trades' fees.
What a site imported beyond what neighbours delivered it was bought from the grid at retail,
and what it exported beyond what it delivered to neighbours was sold to the grid at
feed-in: one posting each per interval, a line per site against one line of the grid.
Postings per interval rather than per trade and site keep a city's ledger to about a line
per trade and site, and the bill reads the same from either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from hub.db.models.enums import LedgerKind

CENT_FRACTION = Decimal("0.0001")
GRID = "grid"
NETWORK = "network"
POOL = "pool"


def site_account(site_id: str) -> str:
    return f"site:{site_id}"


# Cached: an interval of a city prices thousands of trades at a few prices, each several times
# (delivery, posting, fees, the resident's news). Decimals are immutable, so sharing is safe.
@lru_cache(maxsize=65536)
def money(price_per_kwh: Decimal, wh: int) -> Decimal:
    """What ``wh`` cost at ``price_per_kwh``, to 0.0001 (banker's rounding, so no side gains)."""
    return (price_per_kwh * wh / 1000).quantize(CENT_FRACTION, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Line:
    account: str
    amount: Decimal
    energy_wh: int = 0
    transaction_id: int | None = None  # the trade this line pays or is paid for, if one


@dataclass(frozen=True, slots=True)
class Posting:
    kind: LedgerKind
    lines: tuple[Line, ...]

    def balance(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def transfer(
    kind: LedgerKind,
    payer: str,
    payee: str,
    amount: Decimal,
    energy_wh: int,
    transaction_id: int | None = None,
) -> Posting:
    """``payer`` pays ``payee`` for ``energy_wh`` going the other way (0: money only)."""
    lines = (Line(payer, -amount, energy_wh, transaction_id), Line(payee, amount, -energy_wh, transaction_id))
    return Posting(kind, lines)


@dataclass(frozen=True, slots=True)
class Tariff:
    retail: Decimal  # per kWh, what import from the grid costs
    feed_in: Decimal  # per kWh, what export to the grid earns


@dataclass(frozen=True, slots=True)
class Delivered:
    """A trade's delivered energy, as the ledger needs it."""

    transaction_id: int
    seller: str
    buyer: str
    delivered_wh: int
    energy_price: Decimal
    fee: Decimal


def seller_posting(trades: Sequence[Delivered]) -> Posting:
    """One seller's delivered trades of an interval: each buyer pays for its trade (a line each,
    naming the trade), and the seller is paid their sum (one line, naming none)."""
    bought = tuple(
        Line(site_account(t.buyer), -money(t.energy_price, t.delivered_wh), t.delivered_wh, t.transaction_id)
        for t in trades
    )
    earned = -sum((line.amount for line in bought), Decimal(0))
    sold = -sum(line.energy_wh for line in bought)
    return Posting(LedgerKind.TRADE, (Line(site_account(trades[0].seller), earned, sold), *bought))


def trade_postings(trades: Iterable[Delivered]) -> list[Posting]:
    """A posting per seller (in account order), its trades in the order given."""
    by_seller: dict[str, list[Delivered]] = defaultdict(list)
    for trade in trades:
        by_seller[trade.seller].append(trade)
    return [seller_posting(by_seller[seller]) for seller in sorted(by_seller)]


def gathered(
    kind: LedgerKind, counterpart: str, amounts: Mapping[str, tuple[Decimal, int]]
) -> Posting | None:
    """One posting of many accounts against one: ``amounts`` maps an account to what it
    receives (amount, energy); ``counterpart`` takes the opposite of their sum."""
    lines = [Line(account, *amounts[account]) for account in sorted(amounts) if any(amounts[account])]
    if not lines:
        return None
    total = sum((line.amount for line in lines), Decimal(0))
    energy = sum(line.energy_wh for line in lines)
    return Posting(kind, (*lines, Line(counterpart, -total, -energy)))


def fee_posting(trades: Iterable[Delivered]) -> Posting | None:
    """Each buyer pays the network the fees of its delivered trades (each rounded, as on the trade)."""
    fees: dict[str, Decimal] = defaultdict(Decimal)
    for trade in trades:
        fees[site_account(trade.buyer)] -= money(trade.fee, trade.delivered_wh)
    return gathered(LedgerKind.GRID_FEE, NETWORK, {account: (fee, 0) for account, fee in fees.items()})


def grid_postings(residual: Mapping[str, tuple[int, int]], tariff: Tariff) -> list[Posting]:
    """The grid covers each site's import and takes its export that neighbours did not.

    ``residual`` maps a site to (import, export) in Wh left after sharing.
    """
    bought = {site_account(s): (-money(tariff.retail, i), i) for s, (i, _) in residual.items() if i}
    sold = {site_account(s): (money(tariff.feed_in, e), -e) for s, (_, e) in residual.items() if e}
    postings = [gathered(LedgerKind.GRID_IMPORT, GRID, bought), gathered(LedgerKind.GRID_EXPORT, GRID, sold)]
    return [p for p in postings if p is not None]


def allocation_posting(
    given: Mapping[str, int], received: Mapping[str, int], price: Decimal
) -> Posting | None:
    """Ex post: receivers pay, givers are paid, all at the community's price, through the pool.

    Each member's amount is rounded on its own, so the pool may keep a few ten-thousandths
    of rounding; the posting still balances.
    """
    amounts: dict[str, tuple[Decimal, int]] = {}
    for site, wh in received.items():
        if wh:
            amounts[site_account(site)] = (-money(price, wh), wh)
    for site, wh in given.items():
        if wh:
            paid, energy = amounts.get(site_account(site), (Decimal(0), 0))
            amounts[site_account(site)] = (paid + money(price, wh), energy - wh)
    return gathered(LedgerKind.ALLOCATION, POOL, amounts)


def balances(postings: Iterable[Posting]) -> dict[str, Decimal]:
    """Each account's net amount."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        for line in posting.lines:
            totals[line.account] += line.amount
    return dict(totals)


def reversal(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The lines that cancel ``lines``: a correction never edits what was posted."""
    return tuple(Line(line.account, -line.amount, -line.energy_wh, line.transaction_id) for line in lines)
