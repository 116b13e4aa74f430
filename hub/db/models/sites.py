from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base
from hub.db.models.enums import SiteKind


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    community: Mapped[str] = mapped_column(ForeignKey("communities.id"), index=True)
    online: Mapped[bool | None]
    last_seen: Mapped[datetime | None]
    # The newest site snapshot (a wire Reading as JSON) so /api/sites needs no scan of readings.
    latest: Mapped[dict[str, Any] | None]
    # None while a site first seen on MQTT waits for an admin to assign it.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    kind: Mapped[SiteKind] = mapped_column(default=SiteKind.HYBRID, server_default=SiteKind.HYBRID.value)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # [{"kind": "solar"|"wind"|"battery", "power_kw": …, "energy_kwh": …}], validated by the API.
    assets: Mapped[list[dict[str, Any]]] = mapped_column(default=list, server_default="[]")
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    # argon2 hash of the agent's MQTT password; the password itself is shown once, to the admin.
    mqtt_password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime | None]


class Device(Base):
    """A device an agent reported in its status message (inverter, battery, meter)."""

    __tablename__ = "devices"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    manufacturer: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    ok: Mapped[bool] = mapped_column(default=True)
    problem: Mapped[str | None] = mapped_column(String(500))
    last_seen: Mapped[datetime]
