"""Bills: a household's ledger lines over a period, read as a bill. Assembly is pure.

A bill reads only the ledger (hub.market.ledger writes it; see ``LedgerLine`` for the signs).
Every line lands in exactly one place:

- lines of revision 1, as the interval was first settled, make the **items**: bought from
  neighbours (``trade``, energy in), sold to neighbours (``trade``, energy out), bought from
  the grid (``grid_import``), sold to the grid (``grid_export``), ex-post allocations received
  and given (``allocation``), and grid fees (``grid_fee``);
- lines of later revisions (a reversal of what was posted and its replacement) make the
  **adjustments**, one per interval, with the settlement's note saying why.

So the **total** (> 0: the household pays) is items + adjustments, and it is exactly what the
ledger says the household's accounts paid minus what they received. On a bill the signs are
the household's: an item's ``amount`` > 0 is paid, < 0 is earned, and its energy is a
quantity (never negative as first settled).

The **grid-only comparison** prices the same meters as last settled (every revision summed)
as if there were no community: all import at retail and all export at feed-in, with each
interval's own tariffs from its ``Settlement``. Each site's import and export of an interval
are priced apart and rounded as the ledger rounds a grid line (``ledger.money``), so a
household's figures are the sum of its sites'. **Savings** = grid-only − total.

Lines are read one by one, never as postings, so a posting per trade or one per interval
(a line per site against one of the grid or the network) bills the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import LedgerKind, LedgerLine, Settlement
from hub.market.correction_notes import CorrectionNote, stored
from hub.market.ledger import money, site_account

# Sums start here so that every figure carries four decimals ("0.0000", never "0").
ZERO = Decimal("0.0000")
SITE_PREFIX = site_account("")
MAX_SPAN = timedelta(days=366)
# Periods lie within these: beyond them a date is a typo, and near datetime's limits a time
# zone's offset would overflow on the way to UTC.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


class Item(StrEnum):
    BOUGHT_FROM_NEIGHBOURS = "bought_from_neighbours"
    BOUGHT_FROM_GRID = "bought_from_grid"
    SOLD_TO_NEIGHBOURS = "sold_to_neighbours"
    SOLD_TO_GRID = "sold_to_grid"
    ALLOCATION_RECEIVED = "allocation_received"
    ALLOCATION_GIVEN = "allocation_given"
    GRID_FEES = "grid_fees"


# Items whose energy came in; the others' energy went out (fees carry none).
INBOUND_ITEMS = frozenset({Item.BOUGHT_FROM_NEIGHBOURS, Item.BOUGHT_FROM_GRID, Item.ALLOCATION_RECEIVED})


@dataclass(frozen=True, slots=True)
class Line:
    """A ledger line as bills read it (``amount`` and ``energy_wh`` signed as in the ledger)."""

    account: str
    interval_start: datetime
    revision: int
    kind: LedgerKind
    amount: Decimal
    energy_wh: int = 0
    reversal: bool = False

    @property
    def inbound(self) -> bool:
        """Whether the posting this line makes, or reverses, brought energy to the account.

        A reversal carries the opposite signs of the line it cancels, so it is read with the
        direction of that line: reversing a purchase reduces what was bought, it is no sale.
        """
        came_in = self.energy_wh > 0 if self.energy_wh else self.amount < 0
        return came_in != self.reversal

    @property
    def item(self) -> Item:
        match self.kind:
            case LedgerKind.TRADE:
                return Item.BOUGHT_FROM_NEIGHBOURS if self.inbound else Item.SOLD_TO_NEIGHBOURS
            case LedgerKind.ALLOCATION:
                return Item.ALLOCATION_RECEIVED if self.inbound else Item.ALLOCATION_GIVEN
            case LedgerKind.GRID_IMPORT:
                return Item.BOUGHT_FROM_GRID
            case LedgerKind.GRID_EXPORT:
                return Item.SOLD_TO_GRID
            case LedgerKind.GRID_FEE:
                return Item.GRID_FEES
        raise ValueError(f"unknown ledger kind {self.kind!r}")  # pragma: no cover - closed enum


@dataclass(frozen=True, slots=True)
class Settled:
    """What a bill needs of an interval's settlement."""

    retail_price: Decimal
    feed_in_price: Decimal
    revision: int = 1
    correction: CorrectionNote | None = None  # why the latest revision was needed


@dataclass(frozen=True, slots=True)
class Figure:
    energy_wh: int = 0  # how much was bought or sold (fees: 0)
    amount: Decimal = ZERO  # > 0 the household paid, < 0 it was paid


@dataclass(frozen=True, slots=True)
class Adjustment:
    """What re-settling one interval changed, as the household sees it."""

    interval_start: datetime
    revision: int  # the interval's latest
    correction: CorrectionNote | None  # why it was settled again
    amount: Decimal  # > 0 the household pays more
    import_wh: int  # change in energy received
    export_wh: int  # change in energy given

    @property
    def note(self) -> str | None:
        """Why, in English (the CSV export's wording)."""
        return None if self.correction is None else self.correction.text()


@dataclass(frozen=True, slots=True)
class Statement:
    """The bill of one site, or of a household's sites together."""

    items: Mapping[Item, Figure]
    adjustments: tuple[Adjustment, ...]
    import_wh: int  # metered, as last settled
    export_wh: int
    grid_only: Decimal  # the same meters priced at retail and feed-in

    @property
    def adjusted(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((f.amount for f in self.items.values()), ZERO) + self.adjusted

    @property
    def savings(self) -> Decimal:
        return self.grid_only - self.total


@dataclass(frozen=True, slots=True)
class Bill:
    start: datetime
    end: datetime
    currency: str
    household: Statement
    sites: Mapping[str, Statement] = field(default_factory=dict)


def statement(lines: Iterable[Line], settled: Mapping[datetime, Settled]) -> Statement:
    """Assemble the statement of ``lines`` (any accounts; each priced on its own)."""
    energy: dict[Item, int] = defaultdict(int)
    paid: dict[Item, Decimal] = defaultdict(lambda: ZERO)
    changes: dict[datetime, list[Line]] = defaultdict(list)
    metered: dict[tuple[str, datetime], list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        if line.revision > 1:
            changes[line.interval_start].append(line)
        else:
            item = line.item
            paid[item] -= line.amount
            energy[item] += line.energy_wh if item in INBOUND_ITEMS else -line.energy_wh
        meter = metered[line.account, line.interval_start]
        if line.inbound:
            meter[0] += line.energy_wh
        else:
            meter[1] -= line.energy_wh
    grid_only = ZERO
    for (_account, start), (imported, exported) in metered.items():
        tariff = _settled(settled, start)
        grid_only += money(tariff.retail_price, imported) - money(tariff.feed_in_price, exported)
    return Statement(
        items={item: Figure(energy[item], paid[item]) for item in Item},
        adjustments=tuple(
            _adjustment(start, changes[start], _settled(settled, start)) for start in sorted(changes)
        ),
        import_wh=sum(m[0] for m in metered.values()),
        export_wh=sum(m[1] for m in metered.values()),
        grid_only=grid_only,
    )


def bill(
    lines: Iterable[Line],
    settled: Mapping[datetime, Settled],
    sites: Collection[str],
    start: datetime,
    end: datetime,
    currency: str,
) -> Bill:
    """The bill of a household owning ``sites``, from their lines in [start, end)."""
    by_site: dict[str, list[Line]] = {site: [] for site in sites}
    for line in lines:
        site = line.account.removeprefix(SITE_PREFIX)
        if site not in by_site or not line.account.startswith(SITE_PREFIX):
            raise ValueError(f"line of {line.account!r} is not one of the household's sites")
        if not start <= line.interval_start < end:
            raise ValueError(f"line of interval {line.interval_start} is outside [{start}, {end})")
        by_site[site].append(line)
    return Bill(
        start=start,
        end=end,
        currency=currency,
        household=statement((line for site_lines in by_site.values() for line in site_lines), settled),
        sites={site: statement(by_site[site], settled) for site in sorted(by_site)},
    )


def _adjustment(start: datetime, lines: list[Line], tariff: Settled) -> Adjustment:
    imported = sum(line.energy_wh for line in lines if line.inbound)
    exported = -sum(line.energy_wh for line in lines if not line.inbound)
    return Adjustment(
        interval_start=start,
        revision=tariff.revision,
        correction=tariff.correction,
        amount=ZERO - sum((line.amount for line in lines), ZERO),
        import_wh=imported,
        export_wh=exported,
    )


def _settled(settled: Mapping[datetime, Settled], start: datetime) -> Settled:
    try:
        return settled[start]
    except KeyError:
        raise ValueError(f"ledger lines of interval {start} but no settlement of it") from None


# Periods -------------------------------------------------------------------------------------


def month_span(year: int, month: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month in the community's time zone, as UTC [start, end)."""
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def month_of(now: datetime, tz: ZoneInfo) -> tuple[int, int]:
    local = now.astimezone(tz)
    return local.year, local.month


# The query ------------------------------------------------------------------------------------


async def load_lines(
    session: AsyncSession, community: str, sites: Collection[str], start: datetime, end: datetime
) -> tuple[list[Line], dict[datetime, Settled]]:
    """The sites' ledger lines of intervals in [start, end), and those intervals' settlements.

    Amounts are summed in Python: SQLite keeps money as decimal text, which SQL SUM would
    turn into floats.
    """
    if not sites:
        return [], {}
    rows = await session.scalars(
        select(LedgerLine)
        .where(
            LedgerLine.community == community,
            LedgerLine.account.in_([site_account(s) for s in sites]),
            LedgerLine.interval_start >= start,
            LedgerLine.interval_start < end,
        )
        .order_by(LedgerLine.interval_start, LedgerLine.revision, LedgerLine.entry, LedgerLine.id)
    )
    lines = [
        Line(r.account, r.interval_start, r.revision, r.kind, r.amount, r.energy_wh, r.reversal) for r in rows
    ]
    starts = {line.interval_start for line in lines}
    settled: dict[datetime, Settled] = {}
    if starts:
        settlements = await session.scalars(
            select(Settlement).where(
                Settlement.community == community, Settlement.start >= start, Settlement.start < end
            )
        )
        settled = {
            s.start: Settled(s.retail_price, s.feed_in_price, s.revision, stored(s.note_code, s.note_sites))
            for s in settlements
            if s.start in starts
        }
    return lines, settled
