"""Corrections of hand-entered meter readings: what a reading said before it was replaced or withdrawn.

The readings table holds each site's readings as they stand now, so that history, raw readings
and the intervals all agree. What they said before a correction, who corrected it and when stays
here; the ledger keeps its own history (a re-settlement posts a new revision, never an edit).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base, utcnow


class MeterReadingCorrection(Base):
    __tablename__ = "meter_reading_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), ForeignKey("sites.id", ondelete="CASCADE"))
    reading: Mapped[int]  # the reading's id on its site (as the API names it)
    read_at: Mapped[datetime]  # as it was
    counters: Mapped[dict[str, Any]]  # as they were: {name: Wh}
    new_read_at: Mapped[datetime | None]  # None: withdrawn
    new_counters: Mapped[dict[str, Any] | None]
    corrected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    corrected_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_meter_reading_corrections_site_reading", "site_id", "reading"),)
