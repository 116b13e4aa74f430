"""What a hub replica adds to the lifespan on PostgreSQL: its leases and the event bridge.

On SQLite there is one hub on one machine, as before: it owns every community and its events
stay in-process.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.cluster.bridge import PgEventBridge, conninfo_of
from hub.cluster.leases import LeaseKeeper, Owns, owns_everything
from hub.core.config import Settings
from hub.events import EventBus


def replica_tasks(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], bus: EventBus
) -> tuple[Owns, list[tuple[str, Coroutine[Any, Any, None]]]]:
    """The ownership view for the coordinators, and the (name, coroutine) tasks to run beside them."""
    if not settings.database_url.startswith("postgresql"):
        return owns_everything, []
    keeper = LeaseKeeper(
        sessions,
        settings.replica_id,
        settings.lease_ttl_s,
        settings.lease_renew_s,
        serves=lambda community: settings.mqtt_community in ("+", community),
    )
    bridge = PgEventBridge(conninfo_of(settings.database_url), bus, settings.replica_id)
    return keeper.owns, [("leases", keeper.run()), ("events-bridge", bridge.run())]
