from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base


class RawReading(Base):
    """Every reading exactly once: the primary key (site, seq, ts) makes replays no-ops.

    An agent sends a reading again from its spool, time and all, so a replay meets its first
    copy. The time is part of the key because PostgreSQL partitions the table by it (one
    partition per day, ``hub.db.partitions``), and a partitioned table's unique keys must
    contain the partition key.
    """

    __tablename__ = "readings"

    # No foreign key to sites: ingest writes only readings of sites it has just made sure
    # exist, and the check would cost PostgreSQL a fifth of the time of each inserted reading.
    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(primary_key=True)
    device: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_readings_site_ts", "site_id", "ts"),
        {"postgresql_partition_by": "RANGE (ts)"},  # partitions: migration 0008, hub.db.partitions
    )


class SiteInterval(Base):
    """Energy of one site in one 15-minute interval (UTC-aligned), kept up to date by ingest."""

    __tablename__ = "site_intervals"

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    start: Mapped[datetime] = mapped_column(primary_key=True)
    import_wh: Mapped[float] = mapped_column(default=0.0)
    export_wh: Mapped[float] = mapped_column(default=0.0)
    production_wh: Mapped[float] = mapped_column(default=0.0)  # solar and wind
    wind_wh: Mapped[float] = mapped_column(default=0.0, server_default="0")  # the wind part of it
    consumption_wh: Mapped[float] = mapped_column(default=0.0)
    charge_wh: Mapped[float] = mapped_column(default=0.0)
    discharge_wh: Mapped[float] = mapped_column(default=0.0)
    readings: Mapped[int] = mapped_column(default=0)
    # When ingest last changed this row: settlement re-settles intervals revised after it ran.
    revised_at: Mapped[datetime | None] = mapped_column(index=True)

    __table_args__ = (Index("ix_site_intervals_start", "start"),)
