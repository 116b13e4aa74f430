"""What a hub replica adds to the lifespan on PostgreSQL: its leases and the event bridge.

On SQLite there is one hub on one machine, as before: it owns every community, ingests the
communities POWERSHARE_MQTT_COMMUNITY names (``+``: all) and its events stay in-process. On
PostgreSQL a replica ingests exactly the communities it holds the lease of, so the telemetry
link (hub.mqtt.telemetry) follows the leases as they move; a replica alone owns them all and
subscribes to all at once (``+``), as a single hub does. A replica whose ingest link is down
past its grace gives its leases to one whose link is up (hub.cluster.link_guard).
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.cluster.bridge import PgEventBridge, conninfo_of
from hub.cluster.leases import LeaseKeeper, Owns, owns_everything
from hub.cluster.link_guard import LinkGuard
from hub.core.config import Settings
from hub.events import EventBus
from hub.mqtt.session import MqttLink
from hub.mqtt.telemetry import Communities

Tasks = list[tuple[str, Coroutine[Any, Any, None]]]


def replica_tasks(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], bus: EventBus, ingest_link: MqttLink
) -> tuple[Owns, Communities, Tasks]:
    """The ownership view for the coordinators, the communities to ingest, and the (name,
    coroutine) tasks to run beside them. ``ingest_link`` is the telemetry link's state."""
    if not settings.database_url.startswith("postgresql"):
        configured = frozenset({settings.mqtt_community})
        return owns_everything, lambda: configured, []
    guard = LinkGuard(lambda: ingest_link.connected, settings.ingest_link_grace_s)
    keeper = LeaseKeeper(
        sessions,
        settings.replica_id,
        settings.lease_ttl_s,
        settings.lease_renew_s,
        community=settings.mqtt_community,
        link=guard,
    )
    everything = frozenset({settings.mqtt_community})

    def ingests() -> frozenset[str] | None:
        if not keeper.ticked:
            return None  # not known yet: the telemetry link waits
        # Alone, a replica owns every community it serves, also one created since its last
        # renewal: hearing all of them at once loses nothing of a new community's first minute.
        return everything if keeper.alone else keeper.owned

    bridge = PgEventBridge(
        conninfo_of(settings.database_url), bus, settings.replica_id, peers=lambda: keeper.peers
    )
    tasks: Tasks = [
        ("ingest-link-guard", guard.watch()),
        ("leases", keeper.run()),
        ("events-bridge", bridge.run()),
    ]
    return keeper.owns, ingests, tasks
