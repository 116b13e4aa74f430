"""Tables of the hub (SQLAlchemy 2 typed models). Migrations live in hub/migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hub.db.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012 (SQLAlchemy reads it)


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    community: Mapped[str] = mapped_column(String(64), index=True)
    online: Mapped[bool | None]
    last_seen: Mapped[datetime | None]
    # The newest site snapshot (a wire Reading as JSON) so /api/sites needs no scan of readings.
    latest: Mapped[dict[str, Any] | None]


class RawReading(Base):
    """Every reading exactly once: the primary key (site, seq) makes replays no-ops."""

    __tablename__ = "readings"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts: Mapped[datetime]
    device: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]

    __table_args__ = (Index("ix_readings_site_ts", "site_id", "ts"),)
