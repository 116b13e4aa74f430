from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base, long_enum, utcnow
from hub.db.models.enums import (
    AssetKind,
    Mechanism,
    OrderStatus,
    Shortfall,
    StandingKind,
    TransactionStatus,
    Urgency,
)


class OrderColumns:
    """What requests and offers share: a site, energy in Wh, a window of intervals, a status.

    ``filled_wh`` is what neighbours covered so far and ``grid_wh`` what the grid covered;
    ``explanation`` is the latest clearing's word on the order ({code, params, rest}).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    community: Mapped[str] = mapped_column(ForeignKey("communities.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    energy_wh: Mapped[int] = mapped_column(BigInteger)
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    status: Mapped[OrderStatus] = mapped_column(default=OrderStatus.OPEN, index=True)
    filled_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    grid_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    explanation: Mapped[dict[str, Any] | None]
    standing_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("standing_orders.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EnergyRequest(OrderColumns, Base):
    """A consumer asks for ``energy_wh`` over its window (spread evenly over its intervals)."""

    __tablename__ = "energy_requests"
    __table_args__ = (
        Index("ix_energy_requests_standing_window", "standing_order_id", "window_start", unique=True),
    )

    urgency: Mapped[Urgency] = mapped_column(default=Urgency.NORMAL)
    max_price: Mapped[Decimal]
    green_only: Mapped[bool] = mapped_column(default=False)
    max_distance_km: Mapped[float | None]
    preferred_partners: Mapped[list[str]] = mapped_column(default=list)
    excluded_partners: Mapped[list[str]] = mapped_column(default=list)


class Offer(OrderColumns, Base):
    """A provider offers ``energy_wh`` in each interval of its window, at no less than a price."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_standing_window", "standing_order_id", "window_start", unique=True),)

    min_price: Mapped[Decimal]
    source: Mapped[AssetKind] = mapped_column(default=AssetKind.SOLAR)


class StandingOrder(Base):
    """A rule that becomes concrete orders for upcoming intervals, so nobody trades by hand."""

    __tablename__ = "standing_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    community: Mapped[str] = mapped_column(ForeignKey("communities.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    kind: Mapped[StandingKind] = mapped_column()
    # Least accepted (sell) or most paid (buy), per kWh.
    price: Mapped[Decimal]
    min_soc_pct: Mapped[int | None]  # sell_battery: keep at least this state of charge
    from_hour: Mapped[int | None]  # sell_battery: local hours [from, to) in the community's time zone
    to_hour: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    # The latest interval this rule was turned into orders for (an order or, by forecast, none).
    evaluated_for: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Transaction(Base):
    """A trade of one interval between a seller and a buyer.

    scheduled → delivering → completed | partially_delivered | failed, as the meters show;
    a late reading re-settles it (hub.market.settler). ``amount`` is what the buyer pays for
    the delivered energy, fee included. ``dispatch`` records the battery command for a trade
    sold from a battery ({id, outcome, power_w, reason, at}); ``at_risk`` is set when the
    battery refused it or never answered.
    """

    __tablename__ = "transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: it leads ix_transactions_community_window.
    community: Mapped[str] = mapped_column(ForeignKey("communities.id"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("energy_requests.id", ondelete="SET NULL"), index=True
    )
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"), index=True)
    seller_site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    buyer_site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    energy_wh: Mapped[int] = mapped_column(BigInteger)
    energy_price: Mapped[Decimal]  # per kWh, what the seller earns
    fee: Mapped[Decimal]  # per kWh, the grid fee for the distance; the buyer pays price + fee
    distance_km: Mapped[float | None]
    mechanism: Mapped[Mechanism]
    delivered_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    # Not indexed: settling rewrites it, and an indexed column would stop those updates being
    # heap-only (HOT); each query on it also filters on an indexed column (migration 0009).
    status: Mapped[TransactionStatus] = mapped_column(
        long_enum(TransactionStatus, 24), default=TransactionStatus.SCHEDULED
    )
    shortfall: Mapped[Shortfall | None] = mapped_column(long_enum(Shortfall, 24))
    amount: Mapped[Decimal | None]
    dispatch: Mapped[dict[str, Any] | None]
    at_risk: Mapped[bool] = mapped_column(default=False, server_default=false())
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_transactions_community_window", "community", "window_start"),
        # Room in each page for every row's settled version beside its old one (migration 0009).
        {"postgresql_with": {"fillfactor": 50}},
    )

    @property
    def buyer_price(self) -> Decimal:
        return self.energy_price + self.fee


class MarketInterval(Base):
    """The result of one interval's clearing in one community; its key makes a clearing happen once."""

    __tablename__ = "market_intervals"

    community: Mapped[str] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    start: Mapped[datetime] = mapped_column(primary_key=True)
    end: Mapped[datetime]
    mechanism: Mapped[Mechanism]
    price: Mapped[Decimal | None]  # pay-as-clear: the one energy price; pay-as-bid: volume-weighted mean
    volume_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    trades: Mapped[int] = mapped_column(default=0)
    requests: Mapped[int] = mapped_column(default=0)
    offers: Mapped[int] = mapped_column(default=0)
    requested_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    offered_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    grid_import_wh: Mapped[int] = mapped_column(BigInteger, default=0)  # requests the grid served
    grid_export_wh: Mapped[int] = mapped_column(BigInteger, default=0)  # offers fed into the grid
    cleared_at: Mapped[datetime]

    @property
    def community_share(self) -> float:
        """Share of what residents asked for that neighbours covered."""
        return self.volume_wh / self.requested_wh if self.requested_wh else 0.0


__all__ = [
    "EnergyRequest",
    "MarketInterval",
    "Offer",
    "OrderColumns",
    "StandingOrder",
    "Transaction",
]
