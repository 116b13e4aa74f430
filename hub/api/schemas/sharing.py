"""How a community shares: the market, or ex-post allocation of metered surplus. Prices are JSON strings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from hub.api.schemas.market import Price, SiteRef
from hub.db.models import AllocationKey, SharingMode

Weight = Annotated[Decimal, Field(gt=0, le=1_000_000, decimal_places=6, description="Relative weight")]
MAX_SHARES = 10_000


class SharingChange(BaseModel):
    """Admin: share this way from the interval after the open one (see ``earliest_change``)."""

    model_config = ConfigDict(extra="forbid")

    mode: SharingMode
    key: AllocationKey | None = Field(default=None, description="Ex post: static (by shares) or dynamic")
    price: Price | None = Field(default=None, description="Ex post, per kWh; null: midway feed-in…retail")
    shares: dict[SiteRef, Weight] = Field(
        default_factory=dict,
        max_length=MAX_SHARES,
        description="Static key: {site id: weight}; a site's share of the pool is its weight / Σweights",
    )


class SharingPeriodOut(BaseModel):
    effective_from: datetime | None = Field(description="null: the market, since the community began")
    mode: SharingMode
    key: AllocationKey | None
    price: Decimal | None = Field(description="Ex post, per kWh, as set; null: midway feed-in…retail")
    allocation_price: Decimal | None = Field(
        description="Ex post: the price per kWh allocations are settled at, with today's tariffs"
    )
    shares: dict[str, Decimal] = Field(
        description="Static key: the weights (a resident sees those of their own sites)"
    )
    total_weight: Decimal | None = Field(description="Static key: Σ of all weights, for a site's share")


class SharingOut(BaseModel):
    community: str
    currency: str
    now: datetime
    current: SharingPeriodOut
    scheduled: list[SharingPeriodOut] = Field(description="Changes decided, not yet in force, earliest first")
    earliest_change: datetime = Field(description="A change made now takes effect from this interval")
