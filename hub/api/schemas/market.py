from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hub.db.models import OrderStatus, TransactionStatus, Urgency
from powershare_wire.topics import ID_PATTERN

Kwh = Field(gt=0, le=10_000, description="kWh")
Price = Field(ge=0, le=100, description="per kWh, in the community currency")


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: str = Field(pattern=ID_PATTERN, description="One of the caller's sites")
    amount_kwh: float = Kwh
    window_start: AwareDatetime
    window_end: AwareDatetime


class RequestCreate(Window):
    """A consumer asks for energy."""

    urgency: Urgency = Urgency.NORMAL
    max_price_per_kwh: float = Price


class OfferCreate(Window):
    """A provider offers energy."""

    min_price_per_kwh: float = Price


class OrderOut(BaseModel):
    id: int
    community: str
    site: str | None = Field(description="Only shown on the caller's own requests and offers")
    mine: bool
    amount_kwh: float
    window_start: datetime
    window_end: datetime
    status: OrderStatus
    created_at: datetime


class RequestOut(OrderOut):
    urgency: Urgency
    max_price_per_kwh: float


class OfferOut(OrderOut):
    min_price_per_kwh: float


class TransactionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    community: str
    request_id: int | None
    offer_id: int | None
    seller_site_id: str
    buyer_site_id: str
    amount_kwh: float
    price_per_kwh: float
    delivered_kwh: float
    status: TransactionStatus
    window_start: datetime
    window_end: datetime
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime
