from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base, utcnow
from hub.db.models.enums import OrderStatus, TransactionStatus, Urgency


class _Order:
    """What requests and offers share: a site, an amount of energy, a time window, a status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community: Mapped[str] = mapped_column(ForeignKey("communities.id"), index=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    amount_kwh: Mapped[float]
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    status: Mapped[OrderStatus] = mapped_column(default=OrderStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EnergyRequest(_Order, Base):
    """A consumer asks for energy within a time window, up to a price."""

    __tablename__ = "energy_requests"

    urgency: Mapped[Urgency] = mapped_column(default=Urgency.NORMAL)
    max_price_per_kwh: Mapped[float]


class Offer(_Order, Base):
    """A provider offers energy within a time window, at no less than a price."""

    __tablename__ = "offers"

    min_price_per_kwh: Mapped[float]


class Transaction(Base):
    """A match between a seller and a buyer: matched → delivering → settled | failed."""

    __tablename__ = "transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    community: Mapped[str] = mapped_column(ForeignKey("communities.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("energy_requests.id", ondelete="SET NULL"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    seller_site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    buyer_site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    amount_kwh: Mapped[float]
    price_per_kwh: Mapped[float]
    delivered_kwh: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[TransactionStatus] = mapped_column(default=TransactionStatus.MATCHED, index=True)
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
