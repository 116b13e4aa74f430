"""The hub's MQTT consumer: subscribe to telemetry and status, hand messages to ingest.

aiomqtt has no automatic reconnect, so this loop reconnects with jittered backoff and
reports its state (``MqttLink``) to /api/health. The session is persistent (clean_session
off, a stable client id), so a broker holds QoS 1 messages while the hub restarts.

Acknowledgements are manual: a message is PUBACKed only once ingest has committed it (or
rejected and counted it), so a hub crash loses nothing the broker handed over; the broker
redelivers what was not acknowledged and the (site, seq) key drops what was in fact stored.
The broker's in-flight window per client (Mosquitto ``max_inflight_messages``) therefore
bounds both the hub's backlog in memory and, divided by the commit time, its throughput.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

import aiomqtt
import paho.mqtt.client as paho_mqtt
from paho.mqtt.client import MQTTMessage

from hub.core.backoff import Backoff
from hub.ingest.pipeline import Ingest
from powershare_wire import Kind
from powershare_wire import topics as wire_topics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokerTarget:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> BrokerTarget:
        parts = urlsplit(url)
        tls = parts.scheme == "mqtts"
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (8883 if tls else 1883),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
        )

    def describe(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


class InOrderAcks:
    """PUBACKs of one connection, each sent once its message is done, in the order received.

    MQTT 3.1.1 (4.6) wants PUBACKs in the order the PUBLISH packets came; ingest finishes a
    rejected message at once but a stored one only after its batch commits, so a finished
    message waits here until every earlier one is finished too.
    """

    def __init__(self, send: Callable[[int, int], object]) -> None:
        self._send = send
        self._waiting: deque[_Ack] = deque()
        self.closed = False  # the connection is gone: its message ids mean nothing any more

    def track(self, mid: int, qos: int) -> Callable[[], None]:
        """A callable that marks the message done; QoS 0 messages need no acknowledgement."""
        if qos == 0:
            return _nothing
        ack = _Ack(self, mid, qos)
        self._waiting.append(ack)
        return ack

    def release(self) -> None:
        waiting = self._waiting
        while waiting and waiting[0].done:
            ack = waiting.popleft()
            if not self.closed:
                self._send(ack.mid, ack.qos)

    def pending(self) -> int:
        return len(self._waiting)


class _Ack:
    __slots__ = ("acks", "done", "mid", "qos")

    def __init__(self, acks: InOrderAcks, mid: int, qos: int) -> None:
        self.acks, self.mid, self.qos, self.done = acks, mid, qos, False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            self.acks.release()


def _nothing() -> None:
    return None


def _handler(ingest: Ingest, acks: InOrderAcks) -> Callable[[paho_mqtt.Client, object, MQTTMessage], None]:
    def on_message(_client: paho_mqtt.Client, _userdata: object, message: MQTTMessage) -> None:
        ingest.submit(message.topic, bytes(message.payload), acks.track(message.mid, message.qos))

    return on_message


@dataclass
class MqttLink:
    target: str
    connected: bool = False
    last_error: str | None = None
    since: datetime | None = None
    reconnects: int = 0


async def consume(
    target: BrokerTarget, ingest: Ingest, link: MqttLink, client_id: str, community: str = "+"
) -> None:
    """Run until cancelled, reconnecting with backoff whenever the broker goes away."""
    backoff = Backoff()
    filters = [(wire_topics.subscription(kind, community), 1) for kind in (Kind.TELEMETRY, Kind.STATUS)]
    while True:
        acks: InOrderAcks | None = None
        try:
            client = aiomqtt.Client(
                target.host,
                target.port,
                username=target.username,
                password=target.password,
                identifier=client_id,
                clean_session=False,
                tls_context=ssl.create_default_context() if target.tls else None,
                max_queued_incoming_messages=0,  # unbounded: the broker's in-flight window bounds it
            )
            # aiomqtt has no option for these, but its paho client does. Acknowledge after
            # commit; and take each message straight from paho's callback: aiomqtt's message
            # iterator costs a task and an asyncio.wait per message, as much as validating it.
            paho = client._client
            paho.manual_ack_set(True)
            acks = InOrderAcks(paho.ack)
            paho.on_message = _handler(ingest, acks)
            async with client:
                await client.subscribe(filters)
                link.connected, link.last_error, link.since = True, None, ingest.clock.now()
                backoff.reset()
                log.info("subscribed to %s at %s", ", ".join(f for f, _ in filters), target.describe())
                async for _message in client.messages:  # none arrive here: this waits for a disconnect
                    pass
        except aiomqtt.MqttError as exc:
            delay = backoff.next_delay()
            link.connected, link.last_error, link.since = False, str(exc), ingest.clock.now()
            link.reconnects += 1
            log.warning("MQTT broker %s unreachable (%s); retrying in %.1f s", target.describe(), exc, delay)
            await asyncio.sleep(delay)
        finally:
            if acks is not None:
                acks.closed = True  # the broker redelivers what this connection did not acknowledge
