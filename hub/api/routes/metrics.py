"""/metrics in the Prometheus text format (outside /api: it is for the monitoring system)."""

from __future__ import annotations

import logging
from datetime import timedelta

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError

from hub.api.state import StateDep
from hub.scrape_figures import community_figures

log = logging.getLogger(__name__)

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(state: StateDep) -> Response:
    metrics = state["metrics"]
    stale_after = timedelta(seconds=state["settings"].site_stale_after_s)
    try:
        async with state["sessions"]() as session:
            metrics.set_communities(await community_figures(session, state["clock"].now(), stale_after))
    except (SQLAlchemyError, OSError) as exc:
        # The database away is when the broker and ingest figures matter most: serve them anyway,
        # without the fleet figures (none rather than stale ones) and with powershare_database_up 0.
        log.warning("fleet figures for /metrics not read: %s", exc)
        metrics.set_communities(None)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
