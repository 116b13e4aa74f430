"""Retained messages the hub publishes (``telemetry/ack``), queued so that callers never wait.

Only the latest message per topic matters for a retained topic, so a topic queued again before
it went out replaces its older payload: under load the queue holds one message per site, never
one per commit. :meth:`RetainedOutbox.publish_with` runs inside a broker session (the command
link's, hub.mqtt.commands) and sends them at QoS 1; what a dropped session did not send is kept
for the next one.
"""

from __future__ import annotations

import asyncio
import logging

import aiomqtt

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 10.0


class RetainedOutbox:
    def __init__(self) -> None:
        self._pending: dict[str, bytes] = {}  # topic → latest payload, in the order first queued
        self._wake = asyncio.Event()
        self.published = 0

    def put(self, topic: str, payload: bytes) -> None:
        """Queue ``payload`` for ``topic``, replacing one still waiting there; never blocks."""
        self._pending[topic] = payload
        self._wake.set()

    def pending(self) -> int:
        return len(self._pending)

    async def publish_with(self, client: aiomqtt.Client) -> None:
        """Publish what is queued, as it comes, until the session fails or this is cancelled."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                topic = next(iter(self._pending))
                payload = self._pending.pop(topic)
                try:
                    await client.publish(topic, payload, qos=1, retain=True, timeout=PUBLISH_TIMEOUT_S)
                except aiomqtt.MqttError as exc:
                    # Not sent: keep it (unless a newer one was queued meanwhile) and try again;
                    # a session that is gone ends in the link's reconnect, which cancels this.
                    self._pending.setdefault(topic, payload)
                    log.warning("retained %s not published (%s); trying again", topic, exc)
                    await asyncio.sleep(1.0)
                except BaseException:
                    self._pending.setdefault(topic, payload)
                    raise
                else:
                    self.published += 1
