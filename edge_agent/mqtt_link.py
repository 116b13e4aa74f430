"""The MQTT side of the agent: the hub's broker, live and backlog telemetry, dispatch in.

The connection is kept up by :class:`~edge_agent.mqtt_session.ReconnectingSession` (backoff,
the site's status as birth and will). Inside a session, live readings and the backlog drain run
side by side.

Delivery is end to end (#12): the broker's PUBACK only means the broker took a message, and
a broker killed before its next save forgets what it held for the hub. So a reading stays in
the spool until the hub's retained ``telemetry/ack`` says the hub is done with it (it arrives on
our own ack topic, which only the hub may write), and what stays unconfirmed is sent again: on
every reconnect (the backlog is everything still spooled), and when the oldest reading has not
been confirmed for ``ACK_TIMEOUT_S`` (doubling up to ``MAX_ACK_TIMEOUT_S`` while the hub stays
silent). Copies are harmless: the hub's (site, seq) key makes them no-ops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiomqtt
from pydantic import BaseModel, ValidationError

from edge_agent.backoff import Backoff
from edge_agent.config import AgentConfig
from edge_agent.mqtt_session import ReconnectingSession
from edge_agent.spool import Spool
from powershare_wire import Reading, Status, Telemetry, TelemetryAck
from powershare_wire.cancellation import cancel_and_wait, raise_if_cancelling
from powershare_wire.messages import MAX_BATCH
from powershare_wire.topics import Kind, topic

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 15.0
ACK_TIMEOUT_S = 30.0  # the hub confirms within a commit (≪ 1 s); silence this long means it lost them
MAX_ACK_TIMEOUT_S = 600.0  # while the hub stays away, send the backlog again at most this rarely


class MqttLink:
    def __init__(
        self,
        config: AgentConfig,
        spool: Spool,
        status: Callable[[bool], Status],
        on_dispatch: Callable[[bytes], Awaitable[None]],
        on_share: Callable[[bytes], None] | None = None,
    ) -> None:
        self.config = config
        self._on_share = on_share  # the hub's community share, for Home Assistant (edge_agent.home_assistant)
        self.spool = spool
        self._on_dispatch = on_dispatch
        self._new_readings = asyncio.Event()
        self._outbox: asyncio.Queue[tuple[str, bytes, bool]] = asyncio.Queue(maxsize=1000)
        self._session = ReconnectingSession(
            config.mqtt,
            label="MQTT",
            identifier=f"ps-agent-{config.community}-{config.site}",
            presence_topic=self.topic(Kind.STATUS),
            presence=lambda online: status(online).model_dump_json().encode(),
            backoff=Backoff(initial_s=0.5, maximum_s=30.0),
            log=log,
            max_inflight_messages=20,
        )
        self.connected = self._session.connected
        self.drained = asyncio.Event()  # set once a session has delivered the whole backlog
        self.published_batches = 0
        self.confirmed = 0  # readings the hub confirmed and the spool deleted
        self.resent_batches = 0
        self.ack_timeout_s = ACK_TIMEOUT_S
        self._live_cursor = 0  # the next seq live publishing will send

    def topic(self, kind: Kind) -> str:
        return topic(self.config.community, self.config.site, kind)

    # Called by the rest of the agent (never blocks, never raises when offline).

    def readings_added(self) -> None:
        """New readings are in the spool: publish them now if connected (else they wait there)."""
        self._new_readings.set()

    def send(self, kind: Kind, message: BaseModel, retain: bool = False) -> bool:
        """Best effort for small control messages (acks, state, status); ``False`` if offline."""
        if not self.connected.is_set() or self._outbox.full():
            return False
        self._outbox.put_nowait((self.topic(kind), message.model_dump_json().encode(), retain))
        return True

    # One session after another (edge_agent.mqtt_session).

    async def run(self) -> None:
        await self._session.run(self._begin, self._serve)

    async def _begin(self, client: aiomqtt.Client) -> None:
        await _subscribe(client, self.topic(Kind.DISPATCH))
        # Retained: the hub's latest word arrives at once, also after a reconnect.
        await _subscribe(client, self.topic(Kind.TELEMETRY_ACK))
        if self._on_share is not None:
            await _subscribe(client, self.topic(Kind.SHARE))
        self._drain_queue(self._outbox)  # the last session's unsent leftovers (send() refuses offline)

    async def _serve(self, client: aiomqtt.Client) -> None:
        """Run the session's tasks until one fails (usually: the connection dropped).

        Plain tasks and ``asyncio.wait`` rather than a TaskGroup: on Python 3.11 a TaskGroup whose
        child fails can leave the parent marked as cancelling, and a cancellation arriving at
        the same time can be turned into the child's error; both would break the reconnect loop.
        """
        log.info("MQTT connected to %s", self.config.mqtt.url)
        # Everything spooled before this point is backlog; newer readings go out live.
        watermark = (await self.spool.stats()).next_seq
        tasks = [
            asyncio.create_task(self._publish_live(client, watermark), name="publish_live"),
            asyncio.create_task(self._drain_backlog(client, watermark), name="drain_spool"),
            asyncio.create_task(self._publish_outbox(client), name="publish_outbox"),
            asyncio.create_task(self._receive(client), name="receive"),
        ]
        try:
            while True:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                raise_if_cancelling()
                for task in done:
                    error = task.exception()
                    if error is not None:
                        raise error
                    tasks.remove(task)  # the drain finishes normally; the others run on
        finally:
            await cancel_and_wait(tasks)

    @staticmethod
    def _drain_queue(queue: asyncio.Queue[Any]) -> None:
        while not queue.empty():
            queue.get_nowait()

    async def _publish_readings(self, client: aiomqtt.Client, readings: list[Reading]) -> None:
        message = Telemetry(site=self.config.site, readings=readings)
        await client.publish(
            self.topic(Kind.TELEMETRY), message.model_dump_json().encode(), qos=1, timeout=PUBLISH_TIMEOUT_S
        )
        # Not removed from the spool here: only the hub's telemetry/ack does that.
        self.published_batches += 1
        raise_if_cancelling()

    async def _send_range(self, client: aiomqtt.Client, first: int, end: int) -> int:
        """Send what is spooled in ``[first, end)``, oldest first, in batches; how many batches."""
        batches = 0
        while batch := await self.spool.since(first, MAX_BATCH, below_seq=end):
            await self._publish_readings(client, batch)
            first = batch[-1].seq + 1
            batches += 1
        return batches

    async def _publish_live(self, client: aiomqtt.Client, watermark: int) -> None:
        """Readings spooled since this session began, read back from the spool in order, so
        none is missed however far publishing falls behind (they then go out batched).

        With ``publish_every_s``, what a message holds is what gathered since the last one: a
        hub spends more on each message than on each reading in it, so a city's agents sending
        one message every 10 s instead of one per poll cost its hubs a fraction (docs/scaling.md).
        """
        self._live_cursor = watermark
        while True:
            await self._new_readings.wait()
            self._new_readings.clear()
            while batch := await self.spool.since(self._live_cursor, MAX_BATCH):
                await self._publish_readings(client, batch)
                self._live_cursor = batch[-1].seq + 1
                if len(batch) < MAX_BATCH:
                    # All that had gathered; what a slow publish let gather meanwhile is the
                    # next message's (the event is set again), after publish_every_s.
                    break
            if self.config.mqtt.publish_every_s:
                await asyncio.sleep(self.config.mqtt.publish_every_s)

    async def _drain_backlog(self, client: aiomqtt.Client, watermark: int) -> None:
        """Send everything spooled before this session, then send again what the hub leaves
        unconfirmed for too long."""
        self.drained.clear()
        await self._send_range(client, 0, watermark)
        self.drained.set()
        log.info("backlog sent")
        timeout = self.ack_timeout_s
        while True:
            oldest = await self.spool.oldest_seq()
            sent_before = self._live_cursor  # what was out when the wait began
            await asyncio.sleep(timeout)
            still = await self.spool.oldest_seq()
            # Only what was sent a whole timeout ago counts as lost: with publish_every_s a
            # reading may have gone out only just now.
            if still is None or still != oldest or still >= sent_before:
                timeout = self.ack_timeout_s  # the hub is confirming (or nothing was sent yet)
                continue
            # Sent at least a timeout ago and still unconfirmed: lost on its way to the hub.
            log.warning("hub confirmed nothing since seq %d for %.0f s: sending again", still, timeout)
            self.resent_batches += await self._send_range(client, still, self._live_cursor)
            timeout = min(timeout * 2, MAX_ACK_TIMEOUT_S)

    async def _take_ack(self, payload: bytes) -> None:
        try:
            ack = TelemetryAck.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("invalid telemetry ack ignored: %s", exc.errors()[:1])
            return
        if ack.site != self.config.site:
            log.warning("telemetry ack for site %s on our topic ignored", ack.site)
            return
        self.confirmed += await self.spool.confirm(ack)

    async def _publish_outbox(self, client: aiomqtt.Client) -> None:
        while True:
            name, payload, retain = await self._outbox.get()
            await client.publish(name, payload, qos=1, retain=retain, timeout=PUBLISH_TIMEOUT_S)
            raise_if_cancelling()

    async def _receive(self, client: aiomqtt.Client) -> None:
        dispatch, acks = self.topic(Kind.DISPATCH), self.topic(Kind.TELEMETRY_ACK)
        async for message in client.messages:
            # Brokers may replay retained messages of other filters (amqtt): check the topic.
            if not isinstance(message.payload, bytes):
                continue
            if message.topic.value == dispatch:
                await self._on_dispatch(message.payload)
            elif message.topic.value == acks:
                await self._take_ack(message.payload)
            elif message.topic.value == self.topic(Kind.SHARE) and self._on_share is not None:
                self._on_share(message.payload)


async def _subscribe(client: aiomqtt.Client, name: str) -> None:
    """Subscribe at QoS 1; a refusal in the SUBACK (0x80: a NATS node whose JetStream timed out,
    an ACL) ends the session, so the reconnect tries again rather than never hearing the hub."""
    granted = await client.subscribe(name, qos=1)
    if any(code >= 0x80 if isinstance(code, int) else code.is_failure for code in granted):
        raise aiomqtt.MqttError(f"the broker refused the subscription to {name}")
