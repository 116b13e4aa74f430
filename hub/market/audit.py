"""The ledger's own check: every posting, and so every interval, sums to zero.

Amounts are summed in Python with Decimal: SQLite keeps money as decimal text, which its
SUM would turn into floats.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import LedgerLine

Posting = tuple[datetime, int, int]  # interval start, revision, entry


@dataclass(frozen=True, slots=True)
class Audit:
    lines: int
    postings: int
    unbalanced: dict[Posting, Decimal]  # the postings whose lines do not sum to zero, and by how much

    @property
    def balanced(self) -> bool:
        return not self.unbalanced


async def audit(
    session: AsyncSession, community: str, start: datetime | None = None, end: datetime | None = None
) -> Audit:
    query = select(LedgerLine.interval_start, LedgerLine.revision, LedgerLine.entry, LedgerLine.amount).where(
        LedgerLine.community == community
    )
    if start is not None:
        query = query.where(LedgerLine.interval_start >= start)
    if end is not None:
        query = query.where(LedgerLine.interval_start < end)
    sums: dict[Posting, Decimal] = defaultdict(Decimal)
    lines = 0
    for interval, revision, entry, amount in await session.execute(query):
        sums[(interval, revision, entry)] += amount
        lines += 1
    return Audit(lines, len(sums), {posting: total for posting, total in sums.items() if total != 0})
