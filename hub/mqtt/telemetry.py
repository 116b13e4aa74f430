"""The hub's telemetry link: subscribe to the telemetry and status of the communities it ingests,
hand each message to ingest, and acknowledge it once ingest is done with it.

Which communities: those :attr:`TelemetryLink.communities` names, looked at again every
``WATCH_S`` and applied to the live connection (subscribe to the new, unsubscribe from the
gone). A single hub names ``+`` (every community) or POWERSHARE_MQTT_COMMUNITY; a replica on
PostgreSQL names the communities it holds the lease of (hub.cluster), so each community's
readings are ingested by its owner alone, on any broker (no shared subscriptions needed).

Acknowledgements are manual: a message is PUBACKed only once ingest has committed it (or
rejected and counted it), so a hub crash loses nothing the broker handed over; the broker
redelivers what was not acknowledged and the (site, seq) key drops what was in fact stored.
The broker's in-flight window per client (Mosquitto ``max_inflight_messages``, NATS
``max_ack_pending``) bounds both the hub's backlog in memory and, divided by the commit time,
its throughput.

A community changing hands loses nothing. The session is persistent under one client id per
replica, so what the broker queued while this link reconnected arrives when it is back. What
was published while nobody subscribed (between the old owner's unsubscribe or death and the
new owner's subscribe) the broker keeps for nobody, or in the dead owner's session; the agents
send it again: a reading leaves an agent's spool only when the hub confirms it on
``telemetry/ack`` (hub.ingest.acks), and the new owner confirms only what it committed, so the
agent sends the unconfirmed rest again after its ack timeout (edge_agent.mqtt_link) and the
(site, seq) key makes any copy a no-op.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from hub.ingest.pipeline import Ingest
from hub.mqtt.inorder import InOrderAcks
from hub.mqtt.session import BrokerSession, Delivery, MqttLink, reconnecting
from hub.mqtt.target import BrokerTarget
from powershare_wire import Kind
from powershare_wire import topics as wire_topics

log = logging.getLogger(__name__)

WATCH_S = 0.25  # how often the wanted communities are compared with the subscriptions

# The communities whose messages this hub takes now ("+": every one); None: not known yet.
Communities = Callable[[], frozenset[str] | None]


def filters_of(communities: frozenset[str]) -> frozenset[str]:
    return frozenset(
        wire_topics.subscription(kind, community)
        for community in communities
        for kind in (Kind.TELEMETRY, Kind.STATUS)
    )


class TelemetryLink:
    def __init__(
        self,
        target: BrokerTarget,
        ingest: Ingest,
        link: MqttLink,
        client_id: str,
        communities: Communities,
    ) -> None:
        self.target = target
        self.ingest = ingest
        self.link = link
        self.client_id = client_id
        self.communities = communities
        self.subscribed: frozenset[str] = frozenset()  # filters the broker has confirmed
        self._changed = asyncio.Event()

    def wake(self) -> None:
        """The wanted communities changed: apply them now rather than at the next look."""
        self._changed.set()

    async def run(self) -> None:
        """Run until cancelled, reconnecting with backoff whenever the broker goes away."""
        await reconnecting(self.link, self._connection, self.ingest.clock.now, "telemetry")

    async def _connection(self) -> None:
        session = BrokerSession(self.target, self.client_id, manual_ack=True)
        acks = InOrderAcks(session.ack)
        submit = self.ingest.submit

        def on_message(message: Delivery) -> None:
            submit(message.topic, message.payload, acks.track(message.mid, message.qos))

        session.on_message = on_message
        try:
            async with session:
                held = frozenset[str]()
                if session.session_present:
                    # The broker kept the subscriptions of this id's last life, which may have
                    # owned other communities: drop those of every community not wanted now.
                    held = filters_of(self.ingest.communities() | {"+"})
                await self._follow(session, held)
        finally:
            self.subscribed = frozenset()
            acks.closed = True  # the broker redelivers what this connection did not acknowledge

    async def _follow(self, session: BrokerSession, held: frozenset[str]) -> None:
        closed = asyncio.ensure_future(session.wait_closed())
        try:
            while True:
                communities = self.communities()
                if communities is None:  # the replica's first lease renewal is on its way
                    await asyncio.wait([closed], timeout=WATCH_S)
                    if closed.done():
                        closed.result()
                    continue
                wanted = filters_of(communities)
                if new := sorted(wanted - self.subscribed):
                    await self.ingest.reload_heads(communities)
                    await session.subscribe(new)
                if gone := sorted((self.subscribed | held) - wanted):
                    await session.unsubscribe(gone)
                if new or gone:
                    log.info(
                        "telemetry at %s: now %s",
                        self.target.describe(),
                        ", ".join(sorted(wanted)) or "nothing",
                    )
                self.subscribed, held = wanted, frozenset()
                if not self.link.connected:  # up means subscribed to what it should hear
                    self.link.connected, self.link.last_error = True, None
                    self.link.since = self.ingest.clock.now()
                self._changed.clear()
                changed = asyncio.ensure_future(self._changed.wait())
                await asyncio.wait([closed, changed], timeout=WATCH_S, return_when=asyncio.FIRST_COMPLETED)
                changed.cancel()
                if closed.done():
                    closed.result()  # raises BrokerDown
        finally:
            closed.cancel()
