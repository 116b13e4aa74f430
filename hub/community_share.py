"""Each site's community share, published to its agent (retained ``share``, powershare_wire).

What a home's neighbours gave it since the community's local midnight: energy delivered to it
on trades plus ex-post allocations it received, what it gave them the same ways, and the part
of its metered use that came from them. The agent forwards it to the resident's Home Assistant.

Read from the database every ``interval_s`` for the communities this replica owns, and queued
on the hub's retained outbox only for sites whose figures changed, so a quiet community sends
nothing and a busy one one message per site per change (the outbox keeps the latest per topic).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.cluster.leases import Owns, owns_everything
from hub.db.models import Allocation, Community, Site, SiteInterval, Transaction
from powershare_wire import CommunityShare
from powershare_wire import topics as wire_topics
from powershare_wire.clock import Clock
from powershare_wire.topics import Kind

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DayFigures:
    received_wh: int = 0
    given_wh: int = 0
    consumption_wh: int = 0

    @property
    def share(self) -> float | None:
        """0…1: the part of the home's use its neighbours gave; None without use."""
        if self.consumption_wh <= 0:
            return None
        return min(self.received_wh / self.consumption_wh, 1.0)


def local_day(now: datetime, timezone: str) -> tuple[date, datetime, datetime]:
    """The community's local date at ``now`` and its [start, end) as instants."""
    tz = ZoneInfo(timezone)
    day = now.astimezone(tz).date()
    start = datetime.combine(day, time(), tz)
    end = datetime.combine(day + timedelta(days=1), time(), tz)
    return day, start, end


async def day_figures(
    session: AsyncSession, community: str, start: datetime, end: datetime
) -> dict[str, DayFigures]:
    """Every site of ``community`` with its figures over [start, end)."""
    received: dict[str, int] = {}
    given: dict[str, int] = {}

    def add(into: dict[str, int], rows: Iterable[Any]) -> None:
        for site, wh in rows:
            into[site] = into.get(site, 0) + round(wh or 0)

    in_day = (
        Transaction.community == community,
        Transaction.window_start >= start,
        Transaction.window_start < end,
    )
    for side, into in ((Transaction.buyer_site_id, received), (Transaction.seller_site_id, given)):
        add(
            into,
            await session.execute(
                select(side, func.sum(Transaction.delivered_wh)).where(*in_day).group_by(side)
            ),
        )
    allocated = (Allocation.community == community, Allocation.start >= start, Allocation.start < end)
    for column, into in ((Allocation.received_wh, received), (Allocation.given_wh, given)):
        add(
            into,
            await session.execute(
                select(Allocation.site_id, func.sum(column)).where(*allocated).group_by(Allocation.site_id)
            ),
        )
    used = await session.execute(
        select(Site.id, func.coalesce(func.sum(SiteInterval.consumption_wh), 0))
        .outerjoin(
            SiteInterval,
            (SiteInterval.site_id == Site.id) & (SiteInterval.start >= start) & (SiteInterval.start < end),
        )
        .where(Site.community == community)
        .group_by(Site.id)
    )
    return {
        site: DayFigures(received.get(site, 0), given.get(site, 0), max(round(consumption), 0))
        for site, consumption in used
    }


class ShareSender:
    """Queues each owned community's changed site figures on the retained outbox."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        post: Callable[[str, bytes], None],
        owns: Owns = owns_everything,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.post = post  # RetainedOutbox.put of the hub's command link
        self.owns = owns
        self._sent: dict[str, tuple[date, DayFigures]] = {}  # site → what it was last told

    async def run(self, interval_s: float) -> None:
        while True:
            try:
                await self.send_changed()
            except Exception:  # the database away, say: try again next time
                log.exception("community shares not sent")
            await asyncio.sleep(interval_s)

    async def send_changed(self) -> int:
        """Queue the share of every site whose figures changed since it was last told; how many."""
        now = self.clock.now()
        queued = 0
        async with self.sessions() as session:
            communities = list(await session.scalars(select(Community)))
            for community in communities:
                if not self.owns(community.id):
                    continue
                day, start, end = local_day(now, community.timezone)
                for site, figures in (await day_figures(session, community.id, start, end)).items():
                    if self._sent.get(site) == (day, figures):
                        continue
                    message = CommunityShare(
                        site=site,
                        day=day,
                        received_wh=figures.received_wh,
                        given_wh=figures.given_wh,
                        consumption_wh=figures.consumption_wh,
                        share=figures.share,
                        ts=now,
                    )
                    self.post(
                        wire_topics.topic(community.id, site, Kind.SHARE), message.model_dump_json().encode()
                    )
                    self._sent[site] = (day, figures)
                    queued += 1
        return queued
