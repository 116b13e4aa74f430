"""Retained messages the hub publishes (``telemetry/ack``), queued so that callers never wait.

Only the latest message per topic matters for a retained topic, so a topic queued again before
it went out replaces its older payload: under load the queue holds one message per site, never
one per commit. :meth:`RetainedOutbox.publish_with` runs inside a broker session (the command
link's, hub.mqtt.commands) and sends them at QoS 1; what a dropped session did not send is kept
for the next one.

They go in rounds: each round sends what was queued when it began. A busy round (``busy`` or
more messages: a city's hub, not a village's) is followed by a pause until ``pace_s`` after it
began, so that a site whose readings commit every second gets an ack every ``pace_s`` rather
than one per commit. Nothing is lost by waiting: each ack holds everything the hub is done with,
and an agent only deletes its readings later (it sends again only what stays unconfirmed for
30 s). Each ack costs the hub a publish and its PUBACK: with a site's readings committing every
second, acking each commit was a tenth or more of the hub's work (docs/scaling.md, round 5).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Protocol

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 10.0
CONCURRENT = 64  # publishes awaiting their PUBACK at once
BUSY = 200  # messages in a round that make it a busy one
PACE_S = 5.0  # a busy round's start to the next round's


class Publisher(Protocol):
    """A broker session (hub.mqtt.session.BrokerSession)."""

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None: ...


class RetainedOutbox:
    def __init__(self, busy: int = BUSY, pace_s: float = PACE_S) -> None:
        self._pending: dict[str, bytes] = {}  # topic → latest payload, in the order first queued
        self._wake = asyncio.Event()
        self.published = 0
        self.busy, self.pace_s = busy, pace_s

    def put(self, topic: str, payload: bytes) -> None:
        """Queue ``payload`` for ``topic``, replacing one still waiting there; never blocks."""
        self._pending[topic] = payload
        self._wake.set()

    def pending(self) -> int:
        return len(self._pending)

    async def publish_with(self, client: Publisher) -> None:
        """Publish what is queued, as it comes, until this is cancelled.

        Up to ``CONCURRENT`` at a time: one site's ack waiting for its PUBACK would otherwise
        hold up every other site's (publishes share the connection).
        """
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            began, left = loop.time(), len(self._pending)  # a round: what is queued now
            busy = left >= self.busy
            while self._pending and left > 0:
                first = list(itertools.islice(self._pending, min(CONCURRENT, left)))  # not a copy of them all
                left -= len(first)
                taken = [(topic, self._pending.pop(topic)) for topic in first]
                try:
                    results = await asyncio.gather(
                        *(self._publish(client, topic, payload) for topic, payload in taken),
                        return_exceptions=True,
                    )
                except BaseException:  # cancelled: keep what may not have gone out
                    for topic, payload in taken:
                        self._pending.setdefault(topic, payload)
                    self._wake.set()  # for the next session's round, which no put may start
                    raise
                failed = [(t, p, r) for (t, p), r in zip(taken, results, strict=True) if r is not None]
                for topic, payload, _error in failed:
                    # Keep it, unless a newer one was queued meanwhile, and try again shortly; a
                    # session that is gone ends in the link's reconnect, which cancels this.
                    self._pending.setdefault(topic, payload)
                if failed:
                    topic, _, error = failed[0]
                    log.warning(
                        "%d retained messages not published (%s: %r); again soon", len(failed), topic, error
                    )
                    await asyncio.sleep(1.0)
            if self._pending:
                self._wake.set()  # queued meanwhile, or kept after a failure: the next round's
            if busy:  # meanwhile what is queued gathers, a message per topic
                await asyncio.sleep(max(0.0, began + self.pace_s - loop.time()))

    async def _publish(self, client: Publisher, topic: str, payload: bytes) -> None:
        async with asyncio.timeout(PUBLISH_TIMEOUT_S):
            await client.publish(topic, payload, qos=1, retain=True)
        self.published += 1
