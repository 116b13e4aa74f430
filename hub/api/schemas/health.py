"""What /api/health answers: liveness of the hub's parts and the ingest counters."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class BrokerLinkOut(BaseModel):
    broker: str
    connected: bool
    last_error: str | None
    since: datetime | None
    reconnects: int


class IngestCountersOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: dict[str, int]  # by reason
    batches: int
    last_batch_size: int
    write_errors: int
    queued: int


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]  # degraded: the ingest link to the broker is down
    database: str
    mqtt: BrokerLinkOut
    ingest: IngestCountersOut
    ws_clients: int
