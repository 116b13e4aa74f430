"""In-process fan-out of hub events to /ws clients.

Events travel on channels (``site:<id>``, ``community:<id>``, ``market:<community>``,
``user:<id>``); the bus indexes subscriptions by channel, so publishing costs only as much
as the clients that want the event, however many are connected.

Each subscriber owns a bounded buffer: when a client is slow its oldest events are dropped
(and counted), so one stalled browser never blocks ingest or grows the hub's memory.
Events are serialised once and shared by every subscriber.

Publishing is on the hot path of /ws fan-out (one call reaches thousands of admins'
buffers), so subscribers who want everything sit in a set of their own rather than behind a
filter, and a waiting reader is woken through one future rather than an ``asyncio.Event``.
A /ws socket keeps one subscriber per client for as long as it is open, so a subscriber holds
slots only (no ``__dict__``), and ``close`` ends its reader's ``next`` without another task.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from pydantic import BaseModel
from pydantic_core import to_json


def site_channel(site: str) -> str:
    return f"site:{site}"


def community_channel(community: str) -> str:
    return f"community:{community}"


def market_channel(community: str) -> str:
    return f"market:{community}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


class Frame(Protocol):
    """A /ws event model (``hub.api.schemas.events``): its JSON is what clients get."""

    @property
    def type(self) -> str: ...
    @property
    def community(self) -> str | None: ...
    @property
    def site(self) -> str | None: ...
    def model_dump_json(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    community: str | None
    site: str | None
    text: str  # the JSON sent to clients
    channels: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        type_: str,
        community: str | None,
        site: str | None,
        *,
        channels: Iterable[str] | None = None,
        **body: Any,
    ) -> Event:
        """A free-form event (tests, tools); the hub publishes models, through ``of``."""
        payload = {"type": type_, "community": community, "site": site, **body}
        text = _COMPACT.encode(payload)
        if channels is None:
            channels = _default_channels(type_, community, site)
        return cls(type_, community, site, text, tuple(channels))

    @classmethod
    def of(cls, frame: Frame, channels: Iterable[str] | None = None) -> Event:
        """The event of a /ws model, serialised by pydantic once for all its subscribers."""
        if channels is None:
            channels = _default_channels(frame.type, frame.community, frame.site)
        return cls(frame.type, frame.community, frame.site, frame.model_dump_json(), tuple(channels))


# One encoder for every event: json.dumps with options other than its defaults builds a new
# encoder per call, which a settlement (thousands of events) pays thousands of times.
_COMPACT = json.JSONEncoder(separators=(",", ":"), default=str)


@lru_cache(maxsize=64)
def _shape(kind: type[BaseModel]) -> tuple[str, str]:
    """A view event's ``type`` and the name of its view: its one field besides where it is from."""
    fields = kind.model_fields
    (key,) = [name for name in fields if name not in ("type", "community", "site")]
    return fields["type"].default, key


@lru_cache(maxsize=1024)
def _head(kind: type[BaseModel], community: str | None) -> tuple[str, str]:
    """A view event's type, and its JSON up to its view as pydantic writes it: the same for
    every event of a kind and community."""
    type_, key = _shape(kind)
    start = f'{{"type":{to_json(type_).decode()},"community":{to_json(community).decode()},"site":null'
    return type_, f'{start},"{key}":'


def view_event(
    kind: type[BaseModel], community: str | None, channels: Iterable[str], view: BaseModel
) -> Event:
    """The ``kind`` event (``TransactionEvent`` …) of one view, ``site`` null: the view is
    serialised by pydantic itself, with no envelope model built around it (a clearing renders
    an event for every order of the book). Its text is that of ``kind(community=…, <key>=view)``."""
    type_, head = _head(kind, community)
    return Event(type_, community, None, f"{head}{view.model_dump_json()}}}", tuple(channels))


def _default_channels(type_: str, community: str | None, site: str | None) -> list[str]:
    """Readings are private to the site; a site going on- or offline is news for the community."""
    found = []
    if site is not None:
        found.append(site_channel(site))
    if community is not None and type_ != "reading":
        found.append(community_channel(community))
    return found


EventFilter = Callable[[Event], bool]


def everything(_event: Event) -> bool:
    return True


@dataclass(eq=False, slots=True)
class Subscription:
    """One reader's bounded buffer of events; read by a single consumer through ``get`` or ``next``,
    or drained by a ``listener`` that ``offer`` and ``close`` call (the /ws fan-out)."""

    accepts: EventFilter | None  # None: only the channels subscribed to
    maxlen: int
    dropped: int = 0
    channels: set[str] = field(default_factory=set)
    _buffer: deque[Event] = field(init=False)
    _waiter: asyncio.Future[None] | None = field(default=None, init=False, repr=False)
    _bus: EventBus | None = field(default=None, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)
    listener: Callable[[], None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._buffer = deque(maxlen=self.maxlen)

    def join(self, channel: str) -> None:
        self.channels.add(channel)
        if self._bus is not None:
            self._bus._index.setdefault(channel, set()).add(self)

    def leave(self, channel: str) -> None:
        self.channels.discard(channel)
        if self._bus is not None:
            self._bus._forget(self, channel)

    def offer(self, event: Event) -> None:
        if len(self._buffer) == self.maxlen:
            self.dropped += 1
            if self._bus is not None:
                self._bus.dropped += 1
        self._buffer.append(event)  # a full deque drops its oldest event
        self._wake()

    async def get(self) -> Event:
        while not self._buffer:
            await self._wait()
        return self._buffer.popleft()

    async def next(self) -> Event | None:
        """The next event, or None once ``close`` was called (buffered events are then left)."""
        while not self._buffer and not self._closed:
            await self._wait()
        return None if self._closed else self._buffer.popleft()

    def close(self) -> None:
        """End the reader's ``next``: its client has gone, or must go (signed out)."""
        self._closed = True
        self._wake()

    async def _wait(self) -> None:
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    @property
    def closed(self) -> bool:
        return self._closed

    def take(self) -> Event | None:
        """The oldest buffered event, None when there is none (for a ``listener``)."""
        return self._buffer.popleft() if self._buffer else None

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if self.listener is not None:
            self.listener()

    def pending(self) -> int:
        return len(self._buffer)


class EventBus:
    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._everyone: set[Subscription] = set()  # accepts=everything: no filter to call
        self._filtered: set[Subscription] = set()
        self._index: dict[str, set[Subscription]] = {}
        self.dropped = 0  # events dropped for slow clients, all subscribers together
        # Replicated hubs: each event published here also goes to the other replicas
        # (hub.cluster.bridge), which hand it to their own subscribers through ``deliver``.
        self.forward: Callable[[Event], None] | None = None

    @contextmanager
    def subscribe(
        self, accepts: EventFilter | None = everything, maxlen: int = 256, channels: Iterable[str] = ()
    ) -> Iterator[Subscription]:
        """Subscribe by filter (every event is checked) or, with ``accepts=None``, by channels."""
        subscription = Subscription(accepts, maxlen, _bus=self)
        self._subscriptions.add(subscription)
        group = self._everyone if accepts is everything else self._filtered
        if accepts is not None:
            group.add(subscription)
        for channel in channels:
            subscription.join(channel)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)
            group.discard(subscription)
            for channel in subscription.channels:
                self._forget(subscription, channel)

    def _forget(self, subscription: Subscription, channel: str) -> None:
        members = self._index.get(channel)
        if members is not None:
            members.discard(subscription)
            if not members:
                del self._index[channel]

    def publish(self, event: Event) -> None:
        self.deliver(event)
        if self.forward is not None:
            self.forward(event)

    def deliver(self, event: Event) -> None:
        """Hand ``event`` to this process's subscribers only (an event another replica published)."""
        for subscription in self._audience(event):
            subscription.offer(event)

    def _audience(self, event: Event) -> set[Subscription]:
        """Every subscriber that wants ``event``, each once."""
        audience = set(self._everyone)
        for channel in event.channels:
            members = self._index.get(channel)
            if members:
                audience |= members
        for subscription in self._filtered:
            if (
                subscription not in audience
                and subscription.accepts is not None
                and subscription.accepts(event)
            ):
                audience.add(subscription)
        return audience

    def backlogs(self) -> list[tuple[int, int]]:
        """(pending, dropped) of every subscriber: to check that slow clients stay bounded."""
        return [(s.pending(), s.dropped) for s in self._subscriptions]

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)
