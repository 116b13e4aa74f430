"""Settled intervals and the ledger's check, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from hub.db.models import AllocationKey, Settlement, SharingMode
from hub.market.correction_notes import CorrectionNote, NoteCode, stored


class SettlementOut(BaseModel):
    """One interval of a community as last settled from the meters."""

    start: datetime
    end: datetime
    mode: SharingMode
    revision: int = Field(description="1 = the first settlement; more after corrections")
    shared_wh: int = Field(
        description="Delivered from neighbour to neighbour (trades and ex-post allocations)"
    )
    retail_price: Decimal
    feed_in_price: Decimal
    correction: CorrectionOut | None = Field(
        description="Why the latest revision was needed, as a code (null: a first settlement)"
    )
    note: str | None = Field(description="The correction in English, e.g. late readings from a site")
    settled_at: datetime


class CorrectionOut(BaseModel):
    """Why an interval was settled again, as a code the dashboard words in the resident's language."""

    code: NoteCode = Field(
        description="late_readings: the meters of the sites listed in sites showed something new;"
        " trades_changed: the meters did not change, the interval's trades (or its sharing) did"
    )
    sites: list[str] = Field(description="late_readings: the sites whose meters changed, sorted")


def correction_out(note: CorrectionNote | None) -> CorrectionOut | None:
    return None if note is None else CorrectionOut(code=note.code, sites=list(note.sites))


def settlement_out(row: Settlement) -> SettlementOut:
    note = stored(row.note_code, row.note_sites)
    return SettlementOut(
        start=row.start,
        end=row.end,
        mode=row.mode,
        revision=row.revision,
        shared_wh=row.shared_wh,
        retail_price=row.retail_price,
        feed_in_price=row.feed_in_price,
        correction=correction_out(note),
        note=None if note is None else note.text(),
        settled_at=row.settled_at,
    )


class UnbalancedPosting(BaseModel):
    interval_start: datetime
    revision: int
    entry: int
    off_by: Decimal


class LedgerAudit(BaseModel):
    """The ledger's own check: every posting's lines sum to zero."""

    balanced: bool
    lines: int
    postings: int
    unbalanced: list[UnbalancedPosting]


class AllocationOut(BaseModel):
    """Ex post: what one of the caller's sites gave to or received from the community's pool."""

    community: str
    start: datetime
    site: str
    given_wh: int
    received_wh: int
    price: Decimal = Field(description="Per kWh, the community's price for shared energy")
    amount: Decimal = Field(
        description="> 0 the site pays for what it received, < 0 it is paid for what it gave"
    )
    key: AllocationKey | None = Field(
        description="How the surplus was divided: static shares or pro rata to demand"
    )
    explanation: AllocationExplanation


class AllocationExplanation(BaseModel):
    """Why a site got its share, as a code the dashboard words in the resident's language."""

    code: Literal["gave_surplus", "static_share", "dynamic_share"] = Field(
        description="gave_surplus: its export went to the pool, pro rata to every member's export;"
        " static_share: a fixed share (weight) of the pool; dynamic_share: pro rata to its demand"
    )
    weight: str | None = Field(default=None, description="static_share: the site's weight")
