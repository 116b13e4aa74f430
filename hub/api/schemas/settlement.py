"""Settled intervals and the ledger's check, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.db.models import AllocationKey, SharingMode


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
