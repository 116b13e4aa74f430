"""The hub's MQTT consumer: subscribe to telemetry and status, hand messages to ingest.

aiomqtt has no automatic reconnect, so this loop reconnects with jittered backoff and
reports its state (``MqttLink``) to /api/health. The session is persistent (clean_session
off, a stable client id), so a broker holds QoS 1 messages while the hub restarts.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import aiomqtt

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
        try:
            async with aiomqtt.Client(
                target.host,
                target.port,
                username=target.username,
                password=target.password,
                identifier=client_id,
                clean_session=False,
                tls_context=ssl.create_default_context() if target.tls else None,
                max_queued_incoming_messages=0,
            ) as client:
                await client.subscribe(filters)
                link.connected, link.last_error, link.since = True, None, datetime.now(UTC)
                backoff.reset()
                log.info("subscribed to %s at %s", ", ".join(f for f, _ in filters), target.describe())
                async for message in client.messages:
                    payload = message.payload
                    if isinstance(payload, str):
                        payload = payload.encode()
                    elif not isinstance(payload, bytes | bytearray):
                        payload = b""
                    ingest.submit(message.topic.value, bytes(payload))
        except aiomqtt.MqttError as exc:
            delay = backoff.next_delay()
            link.connected, link.last_error, link.since = False, str(exc), datetime.now(UTC)
            link.reconnects += 1
            log.warning("MQTT broker %s unreachable (%s); retrying in %.1f s", target.describe(), exc, delay)
            await asyncio.sleep(delay)
