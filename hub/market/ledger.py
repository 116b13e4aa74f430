"""Double-entry postings for one settled interval. Pure: deliveries and meters in, postings out.

Every posting's lines sum to zero, so every interval, and the whole ledger, balances.
Accounts are ``site:<id>``, ``grid`` (the retailer the community buys from and sells to),
``network`` (the grid fees of trades) and ``pool`` (ex-post sharing). Amounts are signed
(> 0 the account receives money) and quantized to 0.0001 of the currency; energy is signed
the same way (> 0 the account received energy).

Per delivered trade the buyer pays the seller the energy price (a ``trade`` posting) and
the network the grid fee (a ``grid_fee`` posting). What a site imported beyond what
neighbours delivered it was bought from the grid at retail; what it exported beyond what
it delivered to neighbours was sold to the grid at feed-in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from hub.db.models.enums import LedgerKind

CENT_FRACTION = Decimal("0.0001")
GRID = "grid"
NETWORK = "network"
POOL = "pool"


def site_account(site_id: str) -> str:
    return f"site:{site_id}"


def money(price_per_kwh: Decimal, wh: int) -> Decimal:
    """What ``wh`` cost at ``price_per_kwh``, to 0.0001 (banker's rounding, so no side gains)."""
    return (price_per_kwh * wh / 1000).quantize(CENT_FRACTION, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Line:
    account: str
    amount: Decimal
    energy_wh: int = 0


@dataclass(frozen=True, slots=True)
class Posting:
    kind: LedgerKind
    lines: tuple[Line, ...]
    transaction_id: int | None = None

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
    return Posting(kind, (Line(payer, -amount, energy_wh), Line(payee, amount, -energy_wh)), transaction_id)


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


def trade_postings(trade: Delivered) -> list[Posting]:
    if trade.delivered_wh == 0:
        return []
    buyer, seller = site_account(trade.buyer), site_account(trade.seller)
    postings = [
        transfer(
            LedgerKind.TRADE,
            buyer,
            seller,
            money(trade.energy_price, trade.delivered_wh),
            trade.delivered_wh,
            trade.transaction_id,
        )
    ]
    fee = money(trade.fee, trade.delivered_wh)
    if fee:
        postings.append(transfer(LedgerKind.GRID_FEE, buyer, NETWORK, fee, 0, trade.transaction_id))
    return postings


def grid_postings(residual: Mapping[str, tuple[int, int]], tariff: Tariff) -> list[Posting]:
    """The grid covers each site's import and takes its export that neighbours did not.

    ``residual`` maps a site to (import, export) in Wh left after sharing.
    """
    postings = []
    for site in sorted(residual):
        imported, exported = residual[site]
        account = site_account(site)
        if imported:
            postings.append(
                transfer(LedgerKind.GRID_IMPORT, account, GRID, money(tariff.retail, imported), imported)
            )
        if exported:
            postings.append(
                transfer(LedgerKind.GRID_EXPORT, GRID, account, money(tariff.feed_in, exported), exported)
            )
    return postings


def allocation_postings(
    given: Mapping[str, int], received: Mapping[str, int], price: Decimal
) -> list[Posting]:
    """Ex post: receivers pay the pool, the pool pays givers, all at the community's price.

    Each member's amount is rounded on its own, so the pool may keep a few ten-thousandths
    of rounding; every posting still balances.
    """
    postings = []
    for site in sorted(received):
        if received[site]:
            postings.append(
                transfer(
                    LedgerKind.ALLOCATION,
                    site_account(site),
                    POOL,
                    money(price, received[site]),
                    received[site],
                )
            )
    for site in sorted(given):
        if given[site]:
            postings.append(
                transfer(
                    LedgerKind.ALLOCATION, POOL, site_account(site), money(price, given[site]), given[site]
                )
            )
    return postings


def balances(postings: Iterable[Posting]) -> dict[str, Decimal]:
    """Each account's net amount."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        for line in posting.lines:
            totals[line.account] += line.amount
    return dict(totals)


def reversal(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The lines that cancel ``lines``: a correction never edits what was posted."""
    return tuple(Line(line.account, -line.amount, -line.energy_wh) for line in lines)
