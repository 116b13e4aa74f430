"""Settled intervals and the ledger's check, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from hub.db.models import SharingMode


class SettlementOut(BaseModel):
    """One interval of a community as last settled from the meters."""

    model_config = ConfigDict(from_attributes=True)

    start: datetime
    end: datetime
    mode: SharingMode
    revision: int = Field(description="1 = the first settlement; more after corrections")
    shared_wh: int = Field(
        description="Delivered from neighbour to neighbour (trades and ex-post allocations)"
    )
    retail_price: Decimal
    feed_in_price: Decimal
    note: str | None = Field(description="Why the latest revision was needed, e.g. late readings from a site")
    settled_at: datetime


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
