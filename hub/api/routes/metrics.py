"""/metrics in the Prometheus text format (outside /api: it is for the monitoring system)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hub.api.state import StateDep

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(state: StateDep) -> Response:
    return Response(generate_latest(state["metrics"].registry), media_type=CONTENT_TYPE_LATEST)
