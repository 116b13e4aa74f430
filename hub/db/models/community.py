from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base, utcnow
from hub.db.models.enums import Mechanism

# Street, feeder, substation: the further energy travels, the more of the grid it uses.
DEFAULT_GRID_FEE: dict[str, Any] = {
    "bands": [
        {"up_to_km": 0.5, "fee": "0.0100"},
        {"up_to_km": 2.0, "fee": "0.0200"},
        {"up_to_km": None, "fee": "0.0400"},
    ]
}


class Community(Base):
    """A neighbourhood sharing energy: its tariffs and the rules of its market."""

    __tablename__ = "communities"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # The price corridor: every energy price lies between feed-in and retail.
    retail_price_per_kwh: Mapped[Decimal] = mapped_column(default=Decimal("0.3000"))
    feed_in_price_per_kwh: Mapped[Decimal] = mapped_column(default=Decimal("0.0800"))
    settlement_interval_min: Mapped[int] = mapped_column(default=15)
    co2_g_per_kwh: Mapped[float] = mapped_column(default=380.0, doc="grid emission factor")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    mechanism: Mapped[Mechanism] = mapped_column(
        default=Mechanism.PAY_AS_CLEAR, server_default=Mechanism.PAY_AS_CLEAR.value
    )
    # Orders for an interval are taken until this long before it starts.
    gate_lead_s: Mapped[int] = mapped_column(default=300, server_default="300")
    # {"bands": [{"up_to_km": 0.5 | null, "fee": "0.0100"}, …]} or {"per_km": "0.0100", "cap": "0.0500"}
    grid_fee: Mapped[dict[str, Any]] = mapped_column(default=lambda: dict(DEFAULT_GRID_FEE))
    # Settlement waits this long after an interval for the meters' last readings.
    settlement_grace_s: Mapped[int] = mapped_column(default=300, server_default="300")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
