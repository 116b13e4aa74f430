"""Events across replicas: the EventBus of each replica, joined by PostgreSQL LISTEN/NOTIFY.

Every event a replica publishes (trades, market results, notifications, live stats, readings)
is also sent as a NOTIFY on ``powershare_events``; every other replica LISTENs and hands it to
its own /ws subscribers (``EventBus.deliver``, which does not forward again). So a browser on
replica B sees what replica A ingested or cleared, whichever replica it is connected to.

A NOTIFY payload holds at most 8000 bytes. Nearly all events fit in one envelope; a larger one
(a clearing's book, say) is cut into numbered pieces sent in the same transaction, which the
listener puts together by (origin, sequence). We chose pieces over a table row the listener
fetches: nothing to store, prune or fetch in a second round trip, and an event reaches the
others in one commit. Readings cross too, although they are per-site and frequent, because a
resident's browser may be on any replica; their envelope is small.

A replica with no other replica around (none renewed its leases within a lease's time,
``LeaseKeeper.peers``) sends nothing: a single hub on PostgreSQL would otherwise NOTIFY every
reading to no one. One that starts is seen at the others' next renewal (2 s), before its
first browsers are likely to have signed in. A batch of events goes as one statement.

Delivery is best-effort, like the in-process bus under a slow client: a bounded queue between
``publish`` (synchronous, on ingest's hot path) and the sending connection drops its oldest
events when full, and events sent while a replica's listening connection is down are not seen
there (/ws is a live feed; the record is in the API). Both connections are dedicated
psycopg 3 connections outside SQLAlchemy's pool, reconnecting with jittered backoff.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from hub.core.backoff import Backoff
from hub.events import Event, EventBus
from powershare_wire.cancellation import cancel_and_wait

log = logging.getLogger("hub.cluster")

CHANNEL = "powershare_events"
PAYLOAD_MAX = 8000 - 1  # bytes PostgreSQL takes in one NOTIFY payload (less its terminating NUL)
# Characters of an event's JSON per piece: an escaped character takes at most 6 bytes, and the
# envelope's own fields fit in the rest.
PIECE_CHARS = (PAYLOAD_MAX - 256) // 6
QUEUE_MAX = 10_000  # events waiting to be sent; beyond that the oldest are dropped
BATCH_MAX = 200  # events per sending transaction
PARTIALS_MAX = 256  # events being put together at once; a lost piece must not keep one forever


def conninfo_of(database_url: str) -> str:
    """The libpq URL of the hub's SQLAlchemy URL (postgresql+psycopg://... → postgresql://...)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def envelopes(origin: str, sequence: int, event: Event) -> list[str]:
    """The NOTIFY payloads that carry ``event``: one, or numbered pieces when it is large."""
    body = json.dumps(
        [event.type, event.community, event.site, list(event.channels), event.text],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    # The sequence also tells apart two identical events: PostgreSQL delivers a payload sent
    # twice in one transaction only once.
    whole = json.dumps({"o": origin, "s": sequence, "e": body}, separators=(",", ":"), ensure_ascii=False)
    if len(whole.encode()) <= PAYLOAD_MAX:
        return [whole]
    pieces = [body[i : i + PIECE_CHARS] for i in range(0, len(body), PIECE_CHARS)]
    return [
        json.dumps(
            {"o": origin, "s": sequence, "i": i, "n": len(pieces), "p": piece},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        for i, piece in enumerate(pieces)
    ]


def _event_of(body: str) -> Event:
    type_, community, site, channels, text = json.loads(body)
    return Event(type_, community, site, text, tuple(channels))


class Assembler:
    """Puts pieces back together; returns the event once its last piece has come."""

    def __init__(self) -> None:
        self._partial: OrderedDict[tuple[str, int], dict[int, str]] = OrderedDict()

    def receive(self, envelope: dict[str, Any]) -> Event | None:
        if "e" in envelope:
            return _event_of(envelope["e"])
        key = (envelope["o"], envelope["s"])
        pieces = self._partial.setdefault(key, {})
        pieces[envelope["i"]] = envelope["p"]
        if len(pieces) < envelope["n"]:
            while len(self._partial) > PARTIALS_MAX:
                self._partial.popitem(last=False)
            return None
        del self._partial[key]
        return _event_of("".join(pieces[i] for i in range(envelope["n"])))


class PgEventBridge:
    def __init__(
        self,
        conninfo: str,
        bus: EventBus,
        replica_id: str,
        queue_max: int = QUEUE_MAX,
        peers: Callable[[], bool] = lambda: True,
    ) -> None:
        self.conninfo = conninfo
        self.peers = peers  # whether any other replica may be listening
        self.bus = bus
        self.replica_id = replica_id
        self.dropped = 0  # events the others did not get: queue full or a send that failed
        self.listening = asyncio.Event()  # set while the LISTEN connection is up
        self._queue: deque[Event] = deque(maxlen=queue_max)
        self._ready = asyncio.Event()
        self._sequence = itertools.count()
        self._assembler = Assembler()

    def forward(self, event: Event) -> None:
        """The bus's hook: never blocks, so a slow database never slows ingest."""
        if not self.peers():
            return
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
        self._queue.append(event)
        self._ready.set()

    async def run(self) -> None:
        self.bus.forward = self.forward
        tasks = [
            asyncio.create_task(self._send_forever(), name="events-send"),
            asyncio.create_task(self._listen_forever(), name="events-listen"),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            self.bus.forward = None
            await cancel_and_wait(tasks)

    async def _send_forever(self) -> None:
        backoff = Backoff()
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo) as conn:
                    backoff.reset()
                    while True:
                        await self._ready.wait()
                        self._ready.clear()
                        while self._queue:
                            batch = [self._queue.popleft() for _ in range(min(BATCH_MAX, len(self._queue)))]
                            try:
                                await self._send(conn, batch)
                            except BaseException:
                                self.dropped += len(batch)
                                raise
            except psycopg.Error as exc:
                log.warning("sending events to the other replicas failed (%s); reconnecting", exc)
                await asyncio.sleep(backoff.next_delay())

    async def _send(self, conn: psycopg.AsyncConnection[Any], batch: list[Event]) -> None:
        payloads = [p for event in batch for p in envelopes(self.replica_id, next(self._sequence), event)]
        async with conn.transaction():
            await conn.execute("SELECT pg_notify(%s, p) FROM unnest(%s::text[]) AS p", (CHANNEL, payloads))

    async def _listen_forever(self) -> None:
        backoff = Backoff()
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    backoff.reset()
                    async for notify in conn.notifies():
                        self._receive(notify.payload)
            except psycopg.Error as exc:
                log.warning("listening for the other replicas' events failed (%s); reconnecting", exc)
            finally:
                self.listening.clear()
            await asyncio.sleep(backoff.next_delay())

    def _receive(self, payload: str) -> None:
        try:
            envelope = json.loads(payload)
            if envelope["o"] == self.replica_id:
                return  # our own, delivered here already
            event = self._assembler.receive(envelope)
        except (ValueError, KeyError, TypeError):
            log.warning("an event envelope that does not parse: %.200r", payload)
            return
        if event is not None:
            self.bus.deliver(event)
