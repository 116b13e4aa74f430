"""Bills as the API shows them: energy in integer Wh, money as exact decimal strings ("0.1500").

Signs are the household's: an ``amount`` > 0 is paid, < 0 is earned; a ``total`` > 0 is due.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from hub.api.schemas.settlement import CorrectionOut, correction_out
from hub.market.bills import Adjustment, Bill, Figure, Item, Statement


class FigureOut(BaseModel):
    energy_wh: int = Field(description="Bought or sold (fees: 0)")
    amount: Decimal = Field(description="> 0 paid, < 0 earned")


class AdjustmentOut(BaseModel):
    interval_start: datetime
    revision: int = Field(description="The interval's latest settlement")
    correction: CorrectionOut | None = Field(description="Why it was settled again, as a code")
    note: str | None = Field(description="The correction in English, e.g. late readings from a site")
    amount: Decimal = Field(description="> 0 the household pays more than first billed")
    import_wh: int = Field(description="Change in energy received")
    export_wh: int = Field(description="Change in energy given")


class StatementOut(BaseModel):
    """Items as first settled, the adjustments of later settlements, and the comparison."""

    bought_from_neighbours: FigureOut
    bought_from_grid: FigureOut
    sold_to_neighbours: FigureOut
    sold_to_grid: FigureOut
    allocation_received: FigureOut = Field(description="Ex post: from the community's pool")
    allocation_given: FigureOut = Field(description="Ex post: to the community's pool")
    grid_fees: FigureOut = Field(description="Paid to the network for energy bought from neighbours")
    adjustments: list[AdjustmentOut]
    adjustments_total: Decimal
    total: Decimal = Field(description="Items + adjustments; > 0 the household pays")
    import_wh: int = Field(description="Metered import, as last settled")
    export_wh: int = Field(description="Metered export, as last settled")
    grid_only: Decimal = Field(
        description="The same meters priced grid-only: import at retail, export at feed-in"
    )
    savings: Decimal = Field(description="grid_only − total")


class SiteStatementOut(StatementOut):
    site: str


class BillOut(StatementOut):
    """A household's bill: its sites together, then each site (``sites``)."""

    community: str
    household: int | None = Field(description="The owner's user id (null: a site nobody owns)")
    start: datetime
    end: datetime
    month: str | None = Field(description="YYYY-MM when the bill is for a month of the community's calendar")
    currency: str
    sites: list[SiteStatementOut]


def _figure(figure: Figure) -> FigureOut:
    return FigureOut(energy_wh=figure.energy_wh, amount=figure.amount)


def _adjustment(a: Adjustment) -> AdjustmentOut:
    return AdjustmentOut(
        interval_start=a.interval_start,
        revision=a.revision,
        correction=correction_out(a.correction),
        note=a.note,
        amount=a.amount,
        import_wh=a.import_wh,
        export_wh=a.export_wh,
    )


def statement_fields(s: Statement) -> dict[str, Any]:
    return {
        **{item.value: _figure(s.items[item]) for item in Item},
        "adjustments": [_adjustment(a) for a in s.adjustments],
        "adjustments_total": s.adjusted,
        "total": s.total,
        "import_wh": s.import_wh,
        "export_wh": s.export_wh,
        "grid_only": s.grid_only,
        "savings": s.savings,
    }


def bill_out(bill: Bill, community: str, household: int | None, month: str | None) -> BillOut:
    return BillOut.model_validate(
        {
            "community": community,
            "household": household,
            "start": bill.start,
            "end": bill.end,
            "month": month,
            "currency": bill.currency,
            "sites": [
                SiteStatementOut.model_validate({"site": site, **statement_fields(s)})
                for site, s in bill.sites.items()
            ],
            **statement_fields(bill.household),
        }
    )
