"""What the meters made of the market: settled intervals, the double-entry ledger, sharing modes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base, utcnow
from hub.db.models.enums import AllocationKey, LedgerKind, SharingMode


class SharingPeriod(Base):
    """From ``effective_from`` on, the community shares this way (until a later period starts).

    A change of mode takes effect at an interval boundary ahead, never in a running interval.
    Ex post: ``price`` per kWh (None: midway between feed-in and retail) and, for a static
    key, ``shares`` as {site id: weight}.
    """

    __tablename__ = "sharing_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    community: Mapped[str] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    effective_from: Mapped[datetime]
    mode: Mapped[SharingMode]
    key: Mapped[AllocationKey | None]
    price: Mapped[Decimal | None]
    shares: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_sharing_periods_community_from", "community", "effective_from", unique=True),)


class Settlement(Base):
    """One interval of one community as last settled from the meters.

    ``revision`` counts settlements that changed something (1 = the first); ``digest`` is a
    hash of the inputs, so settling the same readings again is a no-op. The tariffs are
    those the interval was settled at; bills price the grid-only comparison with them.
    """

    __tablename__ = "settlements"

    community: Mapped[str] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
    start: Mapped[datetime] = mapped_column(primary_key=True)
    end: Mapped[datetime]
    mode: Mapped[SharingMode]
    revision: Mapped[int] = mapped_column(default=1)
    digest: Mapped[str] = mapped_column(String(64))
    retail_price: Mapped[Decimal]
    feed_in_price: Mapped[Decimal]
    shared_wh: Mapped[int] = mapped_column(BigInteger, default=0)  # delivered between neighbours
    # The meters it was settled from, {site: [import_wh, export_wh]}: a correction names what changed.
    metered: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Why the latest revision was needed, as a code (hub.market.correction_notes.NoteCode) and,
    # for late readings, the sites whose meters changed; None on a first settlement.
    note_code: Mapped[str | None] = mapped_column(String(32))
    note_sites: Mapped[list[str] | None]
    settled_at: Mapped[datetime]


class LedgerLine(Base):
    """One line of a double-entry posting; the lines of a posting sum to zero.

    A posting is (community, interval_start, revision, entry). ``amount`` is signed: > 0 the
    account receives money, < 0 it pays. ``energy_wh`` is signed the same way for energy:
    > 0 the account received energy (bought), < 0 it gave energy (sold). Accounts are
    ``site:<id>``, ``grid`` (the retailer), ``network`` (grid fees) and ``pool`` (ex post).
    Lines are never edited: a correction reverses a revision's postings (``reversal``) and
    posts their replacements under the next revision.
    """

    __tablename__ = "ledger_lines"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    # No foreign key: checked line by line it cost half of writing them; lines are written only
    # under their interval's locked Settlement row, whose foreign key names the community (0009).
    community: Mapped[str] = mapped_column(String(64))
    interval_start: Mapped[datetime]
    revision: Mapped[int]
    entry: Mapped[int]
    account: Mapped[str] = mapped_column(String(80))
    kind: Mapped[LedgerKind]
    amount: Mapped[Decimal]
    energy_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    transaction_id: Mapped[int | None] = mapped_column(BigInteger)
    reversal: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        Index("ix_ledger_lines_community_interval", "community", "interval_start"),
        Index("ix_ledger_lines_account_interval", "account", "interval_start"),
    )


class Allocation(Base):
    """Ex post: what one member gave to or received from the community's pool in one interval."""

    __tablename__ = "allocations"

    community: Mapped[str] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
    start: Mapped[datetime] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    given_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    received_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    price: Mapped[Decimal]


__all__ = ["Allocation", "LedgerLine", "Settlement", "SharingPeriod"]
