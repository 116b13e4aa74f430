"""The hub's command link to the agents: publish ``cmd/dispatch``, hear ``cmd/dispatch/ack``.

A connection of its own (hub.mqtt.session), beside the telemetry link (hub.mqtt.telemetry),
so that commands never queue behind a backlog of telemetry. Its client id is the hub's plus
``-commands`` (one id per connection, or the broker drops the older one), and its session is
persistent, so acks an agent sends while this link reconnects wait at the broker.
:meth:`CommandLink.run` reconnects with jittered backoff.

Commands are never retained: a stale command replayed to an agent that comes back would drive
its battery for an interval long gone (the agent rejects expired ones, but need not see them).
The broker must let the hub write ``+/+/cmd/dispatch`` and read ``+/+/cmd/dispatch/ack``
(deploy/mosquitto/powershare.acl); an agent reads only its own commands (hub.api.routes.mqtt_auth).

The same connection publishes ingest's retained ``telemetry/ack`` messages (:attr:`retained`,
hub.mqtt.retained), on a task of its own so that neither commands nor ingest wait for them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from pydantic import ValidationError

from hub.core.backoff import Backoff
from hub.mqtt.retained import RetainedOutbox
from hub.mqtt.session import BrokerDown, BrokerSession, Delivery
from hub.mqtt.target import BrokerTarget
from powershare_wire import DispatchAck, DispatchCommand, Kind
from powershare_wire import topics as wire_topics
from powershare_wire.cancellation import cancel_and_wait

log = logging.getLogger(__name__)

MAX_PENDING_ACKS = 10_000  # acks not yet taken by the coordinator; beyond, new ones are dropped


class CommandNotSent(Exception):
    """The broker did not take the command in time (unreachable, or no PUBACK)."""


@dataclass(frozen=True, slots=True)
class SiteAck:
    """An agent's answer, with the community and site its topic names (the broker's ACL vouches
    for the site; the payload must agree)."""

    community: str
    site: str
    ack: DispatchAck


class CommandLink:
    def __init__(self, target: BrokerTarget, client_id: str, community: str = "+") -> None:
        self.target = target
        self.client_id = f"{client_id}-commands"
        self.community = community  # "+": every community's agents
        self.ack_filter = wire_topics.subscription(Kind.DISPATCH_ACK, community)
        self.connected = asyncio.Event()
        self.last_error: str | None = None
        self.reconnects = 0
        self._session: BrokerSession | None = None
        self._acks: asyncio.Queue[SiteAck] = asyncio.Queue(maxsize=MAX_PENDING_ACKS)
        self.retained = RetainedOutbox()

    async def run(self) -> None:
        """Stay connected until cancelled, handing every valid ack to :meth:`acks`."""
        backoff = Backoff()
        while True:
            try:
                async with BrokerSession(self.target, self.client_id, self._take) as session:
                    await session.subscribe([self.ack_filter])
                    self._session, self.last_error = session, None
                    self.connected.set()
                    backoff.reset()
                    log.info("command link up at %s", self.target.describe())
                    publishing = asyncio.create_task(self.retained.publish_with(session), name="retained")
                    try:
                        await session.wait_closed()
                    finally:
                        await cancel_and_wait([publishing])
            except BrokerDown as exc:
                self.last_error = str(exc)
            finally:
                self._session = None
                self.connected.clear()
            self.reconnects += 1
            delay = backoff.next_delay()
            log.warning(
                "command link to %s down (%s); retrying in %.1f s",
                self.target.describe(),
                self.last_error,
                delay,
            )
            await asyncio.sleep(delay)

    async def send(self, community: str, command: DispatchCommand, within_s: float) -> None:
        """Publish a command to its site's agent at QoS 1, waiting up to ``within_s`` for the
        link and the broker's PUBACK; raises :class:`CommandNotSent` otherwise."""
        name = wire_topics.topic(community, command.site, Kind.DISPATCH)
        try:
            async with asyncio.timeout(within_s):
                await self.connected.wait()
                session = self._session
                if session is None:  # dropped between the event and here
                    raise CommandNotSent(self.last_error or "the command link is down")
                await session.publish(name, command.model_dump_json().encode(), qos=1, retain=False)
        except (TimeoutError, BrokerDown) as exc:
            raise CommandNotSent(str(exc) or f"no broker within {within_s:g} s") from exc

    async def acks(self) -> AsyncIterator[SiteAck]:
        """Acks in the order they arrived, for one consumer."""
        while True:
            yield await self._acks.get()

    def _take(self, message: Delivery) -> None:
        parts = wire_topics.parse(message.topic)
        # Brokers may replay retained messages of other filters (amqtt): check the kind.
        if parts is None or parts.kind is not Kind.DISPATCH_ACK:
            return
        try:
            ack = DispatchAck.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("invalid dispatch ack from %s ignored: %s", parts.site, exc.errors()[:1])
            return
        if ack.site != parts.site:
            log.warning("dispatch ack on %s's topic names site %s; ignored", parts.site, ack.site)
            return
        try:
            self._acks.put_nowait(SiteAck(parts.community, parts.site, ack))
        except asyncio.QueueFull:
            log.warning("dispatch ack %s of %s dropped: %d acks wait", ack.id, ack.site, MAX_PENDING_ACKS)
