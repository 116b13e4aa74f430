from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from hub.api.schemas.health import BrokerLinkOut, HealthOut, IngestCountersOut
from hub.api.state import SessionDep, StateDep

router = APIRouter(tags=["health"])


@router.get("/health", operation_id="health-get")
async def get_health(state: StateDep, session: SessionDep) -> HealthOut:
    """Liveness of the hub's parts and the ingest counters (rejects by reason)."""
    await session.execute(text("SELECT 1"))
    mqtt = state["mqtt"]
    ingest = state["ingest"]
    return HealthOut(
        status="ok" if mqtt.connected else "degraded",
        database=state["engine"].dialect.name,
        mqtt=BrokerLinkOut(
            broker=mqtt.target,
            connected=mqtt.connected,
            last_error=mqtt.last_error,
            since=mqtt.since,
            reconnects=mqtt.reconnects,
        ),
        ingest=IngestCountersOut.model_validate({**ingest.stats.as_dict(), "queued": ingest.queued()}),
        ws_clients=state["bus"].subscribers,
    )
