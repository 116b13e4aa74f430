"""In-process fan-out of hub events to /ws clients.

Each subscriber owns a bounded buffer: when a client is slow its oldest events are dropped
(and counted), so one stalled browser never blocks ingest or grows the hub's memory.
Events are serialised once and shared by every subscriber.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    community: str | None
    site: str | None
    text: str  # the JSON sent to clients

    @classmethod
    def build(cls, type_: str, community: str | None, site: str | None, **body: Any) -> Event:
        payload = {"type": type_, "community": community, "site": site, **body}
        return cls(type_, community, site, json.dumps(payload, separators=(",", ":"), default=str))


EventFilter = Callable[[Event], bool]


def everything(_event: Event) -> bool:
    return True


@dataclass(eq=False)
class Subscription:
    accepts: EventFilter
    maxlen: int
    dropped: int = 0
    _buffer: deque[Event] = field(init=False)
    _ready: asyncio.Event = field(init=False, default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self._buffer = deque(maxlen=self.maxlen)

    def offer(self, event: Event) -> None:
        if not self.accepts(event):
            return
        if len(self._buffer) == self.maxlen:
            self.dropped += 1
        self._buffer.append(event)
        self._ready.set()

    async def get(self) -> Event:
        while not self._buffer:
            self._ready.clear()
            await self._ready.wait()
        return self._buffer.popleft()

    def pending(self) -> int:
        return len(self._buffer)


class EventBus:
    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()

    @contextmanager
    def subscribe(self, accepts: EventFilter = everything, maxlen: int = 256) -> Iterator[Subscription]:
        subscription = Subscription(accepts, maxlen)
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    def publish(self, event: Event) -> None:
        for subscription in self._subscriptions:
            subscription.offer(event)

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)
