"""Fleet figures read from the database when Prometheus scrapes: sites online and stale, and
each community's settlement backlog.

Read at scrape time, not counted as things happen, because both are states of the fleet that
several writers change (ingest, the settler, on several replicas) and that the database holds
whole: two small grouped queries per scrape (every 15 s or so) cost less than keeping counts
in step with every status, reading and settlement.

- **online**: the agent's retained status says so (its last will turns it off).
- **stale**: the site reported once, but its newest reading is older than
  ``POWERSHARE_SITE_STALE_AFTER_S`` — an agent that is connected but reads no device, or one
  whose readings stopped arriving. A site that never reported is neither.
- **settlement backlog**: the intervals the settler would settle now and has not — those of
  the last ``CATCH_UP`` whose end plus the community's grace period has passed, without a
  settlement. It grows when settlement falls behind and stays up when it fails.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Community, Settlement, Site
from hub.market.intervals import floor_to
from hub.market.orders import interval_of
from hub.market.settler import CATCH_UP
from hub.metrics import CommunityFigures


def due_window(now: datetime, length: timedelta, grace: timedelta) -> tuple[datetime, datetime]:
    """[first, end): the starts of the intervals the settler settles at ``now``, as it reckons them."""
    return floor_to(now - CATCH_UP, length), floor_to(now - grace, length)


async def community_figures(
    session: AsyncSession, now: datetime, stale_after: timedelta
) -> dict[str, CommunityFigures]:
    """Every community's figures at ``now`` (the hub's clock), communities without sites included."""
    cutoff = now - stale_after
    sites = await session.execute(
        select(
            Site.community,
            func.count(),
            func.coalesce(func.sum(case((Site.online.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Site.last_seen < cutoff, 1), else_=0)), 0),
        ).group_by(Site.community)
    )
    by_site = {community: (int(n), int(online), int(stale)) for community, n, online, stale in sites}
    figures: dict[str, CommunityFigures] = {}
    for community in await session.scalars(select(Community)):
        length = interval_of(community)
        first, end = due_window(now, length, timedelta(seconds=community.settlement_grace_s))
        settled = await session.scalar(
            select(func.count())
            .select_from(Settlement)
            .where(Settlement.community == community.id, Settlement.start >= first, Settlement.start < end)
        )
        n, online, stale = by_site.get(community.id, (0, 0, 0))
        due = max((end - first) // length, 0)
        figures[community.id] = CommunityFigures(n, online, stale, max(due - int(settled or 0), 0))
    return figures
