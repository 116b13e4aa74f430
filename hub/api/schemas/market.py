"""Market bodies and views. Energy is integer Wh; prices are exact decimals per kWh (JSON strings)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hub.db.models import (
    AssetKind,
    Mechanism,
    OrderStatus,
    Shortfall,
    StandingKind,
    TransactionStatus,
    Urgency,
)
from hub.market.dispatch import DispatchState
from powershare_wire.topics import ID_PATTERN

SiteRef = Annotated[str, Field(pattern=ID_PATTERN)]
EnergyWh = Annotated[int, Field(gt=0, le=10_000_000, description="Wh")]
Price = Annotated[
    Decimal,
    Field(
        ge=0,
        le=100,
        decimal_places=4,
        description="Per kWh in the community currency, at most 4 decimals; within the community's"
        " corridor (feed-in ≤ price ≤ retail)",
    ),
]


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: SiteRef = Field(description="One of the caller's sites")
    energy_wh: EnergyWh
    window_start: AwareDatetime = Field(description="Rounded down to the start of its interval")
    window_end: AwareDatetime = Field(description="Rounded up to the end of its interval")


class RequestCreate(Window):
    """A consumer asks for ``energy_wh`` over the window, spread evenly over its intervals."""

    urgency: Urgency = Urgency.NORMAL
    max_price: Price
    green_only: bool = Field(default=False, description="Only solar or wind offers")
    max_distance_km: float | None = Field(default=None, gt=0, le=1000)
    preferred_partners: list[SiteRef] = Field(default_factory=list, max_length=50)
    excluded_partners: list[SiteRef] = Field(default_factory=list, max_length=50)


class OfferCreate(Window):
    """A provider offers ``energy_wh`` in every interval of the window."""

    min_price: Price
    source: AssetKind = AssetKind.SOLAR


class ExplanationOut(BaseModel):
    """Why an order did or did not trade at the latest clearing: a code with parameters."""

    code: str = Field(description="matched, partly_matched, no_offer, price_too_low, outbid, …")
    params: dict[str, Any] = Field(default_factory=dict)
    rest: ExplanationOut | None = Field(default=None, description="Why the unmatched part was not matched")


class OrderOut(BaseModel):
    id: int
    community: str
    site: str | None = Field(description="Only shown on the caller's own requests and offers")
    mine: bool
    energy_wh: int
    window_start: datetime
    window_end: datetime
    status: OrderStatus
    filled_wh: int = Field(description="Covered by neighbours so far")
    grid_wh: int = Field(description="Covered by the grid so far")
    standing: bool = Field(description="Placed by a standing order")
    explanation: ExplanationOut | None = Field(description="The latest clearing's word; null until then")
    distance_km: float | None = Field(
        default=None, description="On /ws request events to providers: how far the requesting site is"
    )
    created_at: datetime


class RequestOut(OrderOut):
    urgency: Urgency
    max_price: Decimal
    green_only: bool
    max_distance_km: float | None
    preferred_partners: list[str] = Field(description="Only on the caller's own requests")
    excluded_partners: list[str] = Field(description="Only on the caller's own requests")


class OfferOut(OrderOut):
    min_price: Decimal
    source: AssetKind


class DispatchOut(BaseModel):
    """The battery command behind a trade sold from a battery, and the agent's latest answer."""

    id: str
    outcome: DispatchState = Field(
        description="sent, accepted, clamped, …; not_sent / no_answer: the hub's word"
    )
    power_w: float = Field(description="Asked for while sent; applied once the agent answered")
    reason: str | None
    at: datetime


class TransactionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    community: str
    request_id: int | None
    offer_id: int | None
    seller_site_id: str
    buyer_site_id: str
    energy_wh: int
    energy_price: Decimal = Field(description="Per kWh, what the seller earns")
    fee: Decimal = Field(description="Per kWh, the grid fee for the distance between the sites")
    buyer_price: Decimal = Field(description="Per kWh, what the buyer pays: energy price + fee")
    distance_km: float | None
    mechanism: Mechanism
    delivered_wh: int = Field(description="What the meters show was delivered (after settlement)")
    status: TransactionStatus
    shortfall: Shortfall | None = Field(default=None, description="Why less was delivered than traded")
    amount: Decimal | None = Field(
        default=None,
        description="What the buyer pays for the delivered energy, fee included (after settlement)",
    )
    window_start: datetime
    window_end: datetime
    failure_reason: str | None
    dispatch: DispatchOut | None = Field(default=None, description="Only on trades sold from a battery")
    at_risk: bool = Field(default=False, description="The battery refused, stopped early or never answered")
    created_at: datetime
    updated_at: datetime


class IntervalResult(BaseModel):
    """One interval's clearing in a community."""

    model_config = ConfigDict(from_attributes=True)

    community: str
    start: datetime
    end: datetime
    mechanism: Mechanism
    price: Decimal | None = Field(description="Pay-as-clear: the energy price of every trade")
    volume_wh: int
    trades: int
    requests: int
    offers: int
    requested_wh: int
    offered_wh: int
    grid_import_wh: int = Field(description="Asked for but covered by the grid at retail")
    grid_export_wh: int = Field(description="Offered but fed into the grid at feed-in")
    community_share: float = Field(description="0…1: share of what was asked for that neighbours covered")
    cleared_at: datetime


class FeeBand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to_km: float | None = Field(gt=0, description="null: any distance beyond the previous band")
    fee: Price


class GridFee(BaseModel):
    """Distance bands (street, feeder, substation) or a rate per km with a cap."""

    model_config = ConfigDict(extra="forbid")

    bands: list[FeeBand] | None = Field(default=None, min_length=1, max_length=10)
    per_km: Price | None = None
    cap: Price | None = None


class MarketOverview(BaseModel):
    community: str
    currency: str
    mechanism: Mechanism
    interval_minutes: int
    gate_lead_s: int
    feed_in_price: Decimal
    retail_price: Decimal
    grid_fee: GridFee
    now: datetime = Field(description="The hub's clock (demo time in the demo)")
    open_interval: datetime = Field(description="The first interval still taking orders")
    next_gate: datetime = Field(description="When the gate of that interval closes")
    results: list[IntervalResult] = Field(description="The latest cleared intervals, newest first")


class ClearRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime | None = Field(
        default=None, description="Start of the interval to clear; default: the first one not cleared yet"
    )


class StandingOrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: StandingKind
    price: Price = Field(description="Least accepted (sell_*) or most paid (buy_deficit), per kWh")
    min_soc_pct: int | None = Field(
        default=None, ge=0, le=100, description="sell_battery: keep at least this"
    )
    from_hour: int | None = Field(default=None, ge=0, le=23, description="sell_battery: local hour it starts")
    to_hour: int | None = Field(default=None, ge=0, le=24, description="sell_battery: local hour it stops")
    active: bool = True


class StandingOrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site: str = Field(validation_alias="site_id")
    kind: StandingKind
    price: Decimal
    min_soc_pct: int | None
    from_hour: int | None
    to_hour: int | None
    active: bool
    created_at: datetime
