from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base, utcnow


class Community(Base):
    """A neighbourhood sharing energy, with the tariffs its savings are measured against."""

    __tablename__ = "communities"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    retail_price_per_kwh: Mapped[float] = mapped_column(default=0.30)
    feed_in_price_per_kwh: Mapped[float] = mapped_column(default=0.08)
    settlement_interval_min: Mapped[int] = mapped_column(default=15)
    co2_g_per_kwh: Mapped[float] = mapped_column(default=380.0, doc="grid emission factor")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
