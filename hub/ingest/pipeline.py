"""Telemetry ingest: validate each MQTT message, then write in batches, exactly once.

``submit`` runs in the MQTT client's receive callback and never touches the database; the
writer task gathers what has queued into a batch (up to ``ingest_batch_max`` readings, see
``hub.ingest.batch``) and writes each batch in one transaction, the next one filling while
earlier ones are written. The primary key (site, seq) plus ON CONFLICT DO NOTHING makes
replays no-ops, and the insert tells which readings were new, so duplicates are neither
counted nor pushed.

Once a transaction commits, the sites whose readings it stored are told so on ``telemetry/ack``
(``hub.ingest.acks``): an agent deletes a reading from its spool only then. Readings refused for
good (by validation, or by the database) count as done too, or the agents would send them for
ever. The acks are queued per site and published by the hub's MQTT link (``acks.post``), so
ingest never waits for the broker.

Times come from the hub's clock (``clock``: the wall clock, or the demo's shared clock): the
future-timestamp check, and when sites and devices were last seen. Only ``received_at``, the
marker that tells a batch's own rows, is a wall instant, so that it stays unique per batch
even on a stepped test clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import String, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.api.schemas.events import ReadingEvent, StatusEvent
from hub.core.backoff import Backoff
from hub.core.config import Settings
from hub.db.models import Community, Device, Site
from hub.events import Event, EventBus
from hub.ingest.acks import AckBook
from hub.ingest.aggregates import SITE_DEVICE, IntervalAggregator
from hub.ingest.batch import Accepted, Batch, Latest, keep_newest
from hub.ingest.raw_rows import Stored
from hub.ingest.stats import IngestStats
from hub.live_stats import LiveStats
from hub.metrics import HubMetrics
from powershare_wire import Kind, Reading, Status, Telemetry
from powershare_wire import topics as wire_topics
from powershare_wire.bounds import OUT_OF_BOUNDS
from powershare_wire.cancellation import cancel_once_and_wait
from powershare_wire.clock import WALL_CLOCK, Clock
from powershare_wire.messages import CONTROL_CHARACTER
from powershare_wire.topics import TopicParts

log = logging.getLogger(__name__)


# Built once: SQLAlchemy takes longer to build a statement than PostgreSQL to run this one.
_NEWER_SNAPSHOT = (
    update(Site)
    .where(Site.id == bindparam("site"))
    .where(or_(Site.last_seen.is_(None), Site.last_seen < bindparam("ts")))
    .values(latest=bindparam("latest"), last_seen=bindparam("ts"))
)
# PostgreSQL: every site of a batch in one statement (see _newer_snapshots).
_PG_NEWER_SNAPSHOTS = (
    "UPDATE sites SET latest = v.latest, last_seen = v.ts"
    " FROM json_to_recordset(%(rows)s::json) AS v(site text, ts timestamptz, latest json)"
    " WHERE sites.id = v.site AND (sites.last_seen IS NULL OR sites.last_seen < v.ts)"
)


def _length(column: str) -> int:
    kind = Device.__table__.c[column].type
    assert isinstance(kind, String)
    assert kind.length is not None
    return kind.length


# A device's texts as long as their columns hold: an agent's problem text can run long, and
# the database would refuse the whole status, which also tells whether the site is online.
_DEVICE_TEXT = {column: _length(column) for column in ("manufacturer", "model", "problem")}

TOPICS_REMEMBERED = 100_000  # parsed topics kept (two per site: telemetry and status)

ORDER_WAIT_S = 5.0  # how long a write waits, in its transaction, for the one before it


class _EarlierWriteStuck(Exception):
    """The write before this one has not committed in time; roll back and retry after it."""


def _no_ack() -> None:
    return None


def dialect_insert(engine: AsyncEngine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


# Rejection reasons (the ``reason`` label of powershare_ingest_rejected) by validation error
# type; every other validation error is "invalid_payload". Listed in docs/asyncapi.yaml.
_REASONS = {"json_invalid": "bad_json", OUT_OF_BOUNDS: OUT_OF_BOUNDS, CONTROL_CHARACTER: CONTROL_CHARACTER}


def _reason(error: ErrorDetails) -> str:
    return _REASONS.get(error["type"], "invalid_payload")


def _describe(error: ErrorDetails) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "payload"
    return f"{where}: {error['msg']}"


def _reading_errors(exc: ValidationError) -> dict[int, ErrorDetails] | None:
    """The first error of each invalid reading, by index; None if any error is outside the readings."""
    found: dict[int, ErrorDetails] = {}
    for error in exc.errors():
        loc = error["loc"]
        if len(loc) < 2 or loc[0] != "readings" or not isinstance(loc[1], int):
            return None
        found.setdefault(loc[1], error)
    return found


async def _newer_snapshots(conn: AsyncConnection, latest: Latest) -> None:
    """Each site's newest snapshot and last-seen time, unless the site has a newer one already."""
    if conn.dialect.name != "postgresql":
        await conn.execute(
            _NEWER_SNAPSHOT,
            [
                {"site": site, "ts": reading.ts, "latest": reading.model_dump(mode="json")}
                for site, (_community, reading) in latest.items()
            ],
        )
        return
    # One JSON document, each snapshot written by pydantic's serializer (one C call a site):
    # a statement a site would cost the fleet's ten thousand sites a round of work each.
    rows = ",".join(
        f'{{"site":{orjson.dumps(site).decode()},"ts":"{reading.ts.isoformat()}",'
        f'"latest":{reading.model_dump_json()}}}'
        for site, (_community, reading) in sorted(latest.items())
    )
    await conn.exec_driver_sql(_PG_NEWER_SNAPSHOTS, {"rows": f"[{rows}]"})


class Ingest:
    def __init__(
        self,
        engine: AsyncEngine,
        bus: EventBus,
        settings: Settings,
        metrics: HubMetrics | None = None,
        clock: Clock = WALL_CLOCK,
    ) -> None:
        self.clock = clock
        self._engine = engine
        self._bus = bus
        self._settings = settings
        self._insert = dialect_insert(engine)
        self._queue: asyncio.Queue[Accepted | None] = asyncio.Queue()  # None: a write finished
        self._known_sites: dict[str, str] = {}  # site → community
        self._persisted: set[str] = set()  # sites with a row in the database
        self._shown: dict[str, datetime] = {}  # site → time of the newest snapshot pushed to /ws
        self._aggregates = IntervalAggregator(self._insert)
        self._gathering = self._new_batch()  # the next batch, filling while one is written
        self.stats = IngestStats(metrics or HubMetrics())
        self.acks = AckBook()  # the app sets acks.post to its MQTT link's retained outbox
        self.live = LiveStats()
        self._topics: dict[str, TopicParts | None] = {}  # see _parse_topic

    async def load_sites(self) -> None:
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(Site.id, Site.community, Site.latest, Site.last_seen))
            for site, community, latest, last_seen in rows:
                self._known_sites[site] = community
                self._persisted.add(site)
                try:
                    self._aggregates.remember(site, latest)
                except ValidationError as exc:
                    # Stored before validation refused such values (#12): a hub that would
                    # not start over it helps nobody. The site's chain starts again instead.
                    log.warning(
                        "site %r: its stored snapshot is no longer valid (%s); its intervals start "
                        "again from its next reading",
                        site,
                        _describe(exc.errors()[0]),
                    )
                if last_seen is not None:
                    self._shown[site] = last_seen

    async def reload_heads(self, communities: frozenset[str]) -> None:
        """Take these communities' sites' chain heads from the database ("+": every site's).

        Called as the hub starts hearing them: another replica may have ingested them since this
        one loaded its heads, and chaining from an older head would book that energy twice.
        """
        query = select(Site.id, Site.latest)
        if "+" not in communities:
            query = query.where(Site.community.in_(communities))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        for site, latest in rows:
            with contextlib.suppress(ValidationError):  # load_sites said so once already
                self._aggregates.remember(site, latest)

    def communities(self) -> frozenset[str]:
        """The communities of the sites this hub knows (whose topics it may have subscribed to)."""
        return frozenset(self._known_sites.values())

    def register_site(self, site: str, community: str) -> None:
        """A site provisioned through the API: accept its readings from now on."""
        self._known_sites[site] = community
        self._persisted.add(site)

    # --- validation (consumer side) ---------------------------------------------------

    def submit(self, topic: str, payload: bytes, done: Callable[[], None] = _no_ack) -> bool:
        """Validate one MQTT message and queue it for writing; False if it was rejected.

        ``done`` is called when the message needs no more work: at once when it is rejected,
        else after the transaction that stores it has committed.
        """
        if self._queue_message(topic, payload, done):
            return True
        self._rejected(topic, payload)
        done()
        return False

    def _rejected(self, topic: str, payload: bytes) -> None:
        """Tell the sender's agent that a rejected message's readings are done: sending them
        again would be rejected again."""
        parts = wire_topics.parse(topic)
        if parts is None or parts.kind is not Kind.TELEMETRY:
            return
        seqs = _seqs_in(payload)
        if seqs:
            self.acks.done(parts.community, parts.site, seqs)
            self.acks.flush(self.clock.now())

    def _done(self, items: list[Accepted]) -> None:
        # Gathered per site first: the ack book sorts a site's seqs once per batch, not per message.
        seqs: dict[tuple[str, str], list[int]] = {}
        for item in items:
            message = item.message
            if isinstance(message, Telemetry):
                key = (item.community, message.site)
                found = seqs.get(key)
                if found is None:
                    found = seqs[key] = []
                found.extend([r.seq for r in message.readings])
        for (community, site), done in seqs.items():
            self.acks.done(community, site, done)
        self.acks.flush(self.clock.now())

    def _parse_topic(self, topic: str) -> TopicParts | None:
        """``wire_topics.parse``, remembered: a site sends on the same few topics all day."""
        try:
            return self._topics[topic]
        except KeyError:
            pass
        if len(self._topics) >= TOPICS_REMEMBERED:
            self._topics.clear()  # a flood of odd topics costs parsing again, not memory
        parts = self._topics[topic] = wire_topics.parse(topic)
        return parts

    def _queue_message(self, topic: str, payload: bytes, done: Callable[[], None]) -> bool:
        parts = self._parse_topic(topic)
        if parts is None or parts.kind not in (Kind.TELEMETRY, Kind.STATUS):
            return False  # not ours (brokers may replay other filters' retained messages)
        model = Telemetry if parts.kind is Kind.TELEMETRY else Status
        try:
            message: Telemetry | Status = model.model_validate_json(payload)
        except ValidationError as exc:
            valid = self._valid_readings(topic, payload, exc) if model is Telemetry else None
            if valid is None:
                error = exc.errors()[0]
                self.stats.reject(_reason(error), f"{topic}: {_describe(error)}")
                return False
            message = valid
        if message.site != parts.site:
            self.stats.reject("site_mismatch", f"{topic}: payload site {message.site!r}")
            return False
        known = self._known_sites.get(parts.site)
        if known is None and not self._settings.auto_register_sites:
            self.stats.reject("unknown_site", f"{topic}: site {parts.site!r} is not provisioned")
            return False
        if known is not None and known != parts.community:
            self.stats.reject("wrong_community", f"{topic}: site belongs to community {known!r}")
            return False
        if isinstance(message, Telemetry):
            newest = max(r.ts for r in message.readings)
            horizon = self.clock.now() + timedelta(seconds=self._settings.max_clock_skew_s)
            if newest > horizon:
                message = self._without_future_readings(topic, message, horizon)
                if not message.readings:
                    return False
                newest = max(r.ts for r in message.readings)
        else:
            newest = message.ts
        self._known_sites.setdefault(parts.site, parts.community)
        self._queue.put_nowait(Accepted(parts.community, message, done, newest))
        return True

    def _valid_readings(self, topic: str, payload: bytes, exc: ValidationError) -> Telemetry | None:
        """The message without its invalid readings, each rejected by reason; None if none is valid.

        An agent draining its spool sends up to MAX_BATCH readings at once: one bad reading
        (a device's broken value) must not take the others with it.
        """
        errors = _reading_errors(exc)
        if errors is None:
            return None  # the message itself is wrong (its site, its JSON …)
        data = json.loads(payload)  # valid JSON: its errors are all inside readings
        readings = data["readings"]
        if len(errors) == len(readings):
            return None
        parts = wire_topics.parse(topic)
        refused: list[int] = []
        for index, error in sorted(errors.items()):
            seq = readings[index].get("seq") if isinstance(readings[index], dict) else None
            self.stats.reject(_reason(error), f"{topic}: reading seq {seq}: {_describe(error)}")
            if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0:
                refused.append(seq)
        if parts is not None and refused:
            self.acks.done(parts.community, parts.site, refused)  # flushed with the others' commit
        data["readings"] = [r for i, r in enumerate(readings) if i not in errors]
        try:
            return Telemetry.model_validate(data)
        except ValidationError:  # pragma: no cover - the same checks passed for these readings
            return None

    def _without_future_readings(self, topic: str, message: Telemetry, horizon: datetime) -> Telemetry:
        keep = [reading for reading in message.readings if reading.ts <= horizon]
        parts = wire_topics.parse(topic)
        if parts is not None:  # refused for good: a copy would be as far ahead
            self.acks.done(parts.community, parts.site, (r.seq for r in message.readings if r.ts > horizon))
        self.stats.reject(
            "future_timestamp",
            f"{topic}: reading more than {self._settings.max_clock_skew_s:g} s ahead of the hub clock",
            count=len(message.readings) - len(keep),
        )
        return message.model_copy(update={"readings": keep})

    # --- writing (writer task) ---------------------------------------------------------

    async def run_writer(self) -> None:
        """Write batches in order, gathering the next while earlier ones are written.

        Everything arriving during a write joins the next batch, so under load batches grow
        by themselves, up to ``ingest_batch_max`` readings. A lone message finding the writer
        idle is written at once. On PostgreSQL two batches are written at a time: the second
        inserts its readings while the first finishes, and commits after it (``write_batch``).
        """
        limit = self._settings.ingest_batch_max
        wait_s = self._settings.ingest_batch_wait_ms / 1000
        depth = 2 if self._engine.dialect.name == "postgresql" else 1  # SQLite has one writer
        queue = self._queue
        writing: deque[asyncio.Task[None]] = deque()
        previous = 0  # messages in the previous batch
        self._gathering = batch = self._new_batch()
        try:
            while True:
                if len(writing) >= depth and batch.size >= limit:
                    await asyncio.wait({writing[0]})  # full: let the oldest write finish first
                else:
                    item = await queue.get()  # None: a write has finished
                    if item is not None:
                        batch.add(item)
                        _fill(queue, batch, limit)
                while writing and writing[0].done():
                    writing.popleft()
                if batch.items and len(writing) < depth:
                    # Under load (the last batch held more than one message) let this one
                    # fill a little: each transaction has a fixed cost. A lone message goes at once.
                    if previous > 1 and wait_s > 0 and batch.size < limit:
                        await asyncio.sleep(wait_s)
                        _fill(queue, batch, limit)
                    previous = len(batch.items)
                    self._seal(batch)
                    task = asyncio.create_task(self.write_batch(batch, writing[-1] if writing else None))
                    task.add_done_callback(lambda _task: queue.put_nowait(None))
                    writing.append(task)
                    self._gathering = batch = self._new_batch()
        finally:
            # Unacknowledged: the broker sends these again. Waited for, so no write outlives
            # the hub's engine.
            await cancel_once_and_wait(writing)

    def _new_batch(self) -> Batch:
        return Batch(self._aggregates.plan())

    def _seal(self, batch: Batch) -> None:
        """Book the batch's plan, then let later plans build on it: it goes to the database next."""
        batch.seal()
        self._aggregates.seal(batch.plan)

    async def write(self, items: list[Accepted]) -> None:
        """Write these messages as one batch (the writer task's path, for callers and tests)."""
        batch = self._new_batch()
        for item in items:
            batch.add(item)
        self._seal(batch)
        await self.write_batch(batch)

    async def write_batch(self, batch: Batch, after: asyncio.Task[None] | None = None) -> None:
        """Write one batch in one transaction, committed after ``after``; retried until it is stored.

        A batch the database refuses (one message it cannot take, say) is split in halves
        until the refused message stands alone: that one is rejected, the others are stored.
        """
        if batch.snapshots:  # handed over unsealed (a test's batch): book it now
            batch.seal()
        refusal = await self._store(batch, after)
        if refusal is None:
            return
        # The plan counted on every message being stored: drop it (later plans built on it
        # find it unusable and book from what was stored), and let the earlier write commit
        # first, since the halves book on the chain heads it leaves.
        self._aggregates.settle(batch.plan, {})
        if after is not None:
            await asyncio.wait({after})
        await self._bisect(batch.items, refusal)

    async def _store(self, batch: Batch, after: asyncio.Task[None] | None) -> SQLAlchemyError | None:
        """Write ``batch`` until it is committed (None) or refused (the database's error)."""
        backoff = Backoff(initial_s=0.2, maximum_s=10)
        if after is not None and not batch.plan.in_order:
            # A replay may hold readings the write before is storing: inserted first, they
            # would make that write wait on this one's locks while this one waits for it.
            await asyncio.wait({after})
            after = None
        while True:
            try:
                await self._write_once(batch, after)
                return None
            except _EarlierWriteStuck:
                # Our uncommitted rows may be what the earlier write waits for (a replayed
                # reading in both): we rolled back; let it finish, then go again.
                assert after is not None
                await asyncio.wait({after})
                after = None
            except (OperationalError, InterfaceError, OSError) as exc:
                # The database went away. Dropping the batch would lose data (the broker
                # would redeliver it only after a reconnect): wait and write it again.
                delay = backoff.next_delay()
                log.error("writing %d messages failed (%r); retrying in %.1f s", len(batch.items), exc, delay)
                self.stats.failed_write()
                await asyncio.sleep(delay)
            except SQLAlchemyError as exc:
                # Refused for what is in it (a value, a string it cannot store): trying the
                # same batch again would stall ingest for good.
                self.stats.failed_write()
                self.stats.metrics.refused_writes.inc()
                return exc

    async def _bisect(self, items: list[Accepted], refusal: SQLAlchemyError) -> None:
        """Store what the database takes of these refused messages, in order; reject the rest.

        Each half is written on its own, booked from what it stored on the heads committed by
        then (``Batch.unplanned``), so the bookings are those of the same messages without the
        refused ones. One refused message among n costs about 2·log2(n) transactions.
        """
        if len(items) == 1:
            self._refused(items[0], refusal)
            return
        middle = len(items) // 2
        for half in (items[:middle], items[middle:]):
            batch = Batch.unplanned(self._aggregates.plan(), half)
            refused = await self._store(batch, None)
            if refused is not None:
                await self._bisect(half, refused)

    def _refused(self, item: Accepted, refusal: SQLAlchemyError) -> None:
        message = item.message
        what = f"site {message.site!r}"
        if isinstance(message, Telemetry):
            first, last = message.readings[0].seq, message.readings[-1].seq
            what += f", seq {first}" if first == last else f", seq {first}…{last}"
        orig = getattr(refusal, "orig", None)  # the driver's error, when it came from the database
        sqlstate = getattr(orig, "sqlstate", None)  # psycopg's; SQLite has none
        cause = (str(orig).strip().splitlines() or [""])[0] if orig is not None else repr(refusal)
        self.stats.reject("write_refused", f"{what}: the database refused it ({sqlstate or '-'}: {cause})")
        if item.done is not None:
            item.done()
        self._done([item])

    async def _write_once(self, batch: Batch, after: asyncio.Task[None] | None) -> None:
        now = self.clock.now()
        received = datetime.now(UTC)  # wall: unique per batch (see the module docstring)
        sites = {item.message.site: item.community for item in batch.items}
        unseen = {site: community for site, community in sites.items() if site not in self._persisted}
        rows = batch.rows
        if unseen:
            await self._register_sites(unseen, now)
        async with self._engine.begin() as conn:
            new = await rows.insert(conn, self._insert, received, replays_likely=not batch.plan.in_order)
            if after is not None and not after.done():
                # Bookings build on the batch before: commit in order.
                finished, _ = await asyncio.wait({after}, timeout=ORDER_WAIT_S)
                if not finished:
                    raise _EarlierWriteStuck
            if new.everything and batch.plan.usable():
                latest, heads = batch.latest, batch.plan.heads
                await self._aggregates.write_plan(conn, batch.plan)
            else:  # replays or late readings: book what was in fact stored
                added, latest = self._new_site_readings(batch.items, new)
                heads = await self._aggregates.apply(conn, added)
            if latest:
                await _newer_snapshots(conn, latest)
            for status in batch.statuses:
                await self._write_status(conn, status, now)
        committed = self.clock.now()
        batch.acknowledge()  # stored for good: the broker may forget these messages now
        self._done(batch.items)  # and the agents may delete them from their spools
        self._persisted.update(unseen)
        self._aggregates.settle(batch.plan, heads)
        self.stats.committed(batch_messages=len(batch.items), rows=len(rows), new=new.count)
        # Lag in wall time: how long a reading took to be stored, whatever the clock's speed.
        self.stats.observe_lag([(committed - item.newest) / self.clock.speed for item in batch.items])
        for site, (community, reading) in latest.items():
            shown = self._shown.get(site)
            if shown is not None and reading.ts <= shown:
                continue  # a late reading (an agent draining its spool): stored, but not news
            self._shown[site] = reading.ts
            self.live.update(community, site, reading)
            self._bus.publish(Event.of(ReadingEvent(community=community, site=site, reading=reading)))
        for item in batch.items:
            if isinstance(item.message, Status):
                status = item.message
                news = StatusEvent(
                    community=item.community, site=status.site, online=status.online, ts=status.ts
                )
                self._bus.publish(Event.of(news))

    async def _register_sites(self, unseen: dict[str, str], now: datetime) -> None:
        """Sites heard for the first time, and their communities, in a transaction of their own.

        Committed at once: inside a batch's transaction, the batch after it (written at the same
        time, with the same new site) could insert the row first, and then this batch would wait
        on that one's lock while that one waits for this one to commit.
        """
        async with self._engine.begin() as conn:
            await conn.execute(
                self._insert(Community).on_conflict_do_nothing(),
                [{"id": community, "name": community} for community in set(unseen.values())],
            )
            await conn.execute(
                self._insert(Site).on_conflict_do_nothing(),
                [
                    {"id": site, "community": community, "created_at": now}
                    for site, community in unseen.items()
                ],
            )

    async def _write_status(self, conn: AsyncConnection, status: Status, now: datetime) -> None:
        await conn.execute(update(Site).where(Site.id == status.site).values(online=status.online))
        if not status.devices:
            return
        statement = self._insert(Device)
        columns = ("role", "manufacturer", "model", "ok", "problem", "last_seen")
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=["site_id", "serial"],
                set_={name: getattr(statement.excluded, name) for name in columns},
            ),
            [
                {
                    "site_id": status.site,
                    "serial": d.serial,
                    "role": d.role.value,
                    "manufacturer": d.manufacturer[: _DEVICE_TEXT["manufacturer"]],
                    "model": d.model[: _DEVICE_TEXT["model"]],
                    "ok": d.ok,
                    "problem": d.problem[: _DEVICE_TEXT["problem"]] if d.problem is not None else None,
                    "last_seen": now,
                }
                for d in status.devices
            ],
        )

    @staticmethod
    def _new_site_readings(batch: list[Accepted], new: Stored) -> tuple[dict[str, list[Reading]], Latest]:
        """Per site, the site snapshots this batch added, and the newest of them."""
        found: dict[str, list[Reading]] = {}
        newest: Latest = {}
        for item in batch:
            message = item.message
            if not isinstance(message, Telemetry):
                continue
            site = message.site
            added = [r for r in message.readings if r.device == SITE_DEVICE and (site, r.seq) in new]
            if not added:
                continue
            found.setdefault(site, []).extend(added)
            keep_newest(newest, site, item.community, added)
        return found, newest

    def queued(self) -> int:
        """Messages accepted but not yet being written."""
        return self._queue.qsize() + len(self._gathering.items)


def _seqs_in(payload: bytes) -> list[int]:
    """The sequence numbers a rejected telemetry payload names, as far as it can be read."""
    try:
        data = json.loads(payload)
    except ValueError:
        return []
    readings = data.get("readings") if isinstance(data, dict) else None
    if not isinstance(readings, list):
        return []
    seqs = (r.get("seq") for r in readings if isinstance(r, dict))
    return [s for s in seqs if isinstance(s, int) and not isinstance(s, bool) and 0 <= s < 2**63]


def _fill(queue: asyncio.Queue[Accepted | None], batch: Batch, limit: int) -> None:
    """Move what has queued into the batch, up to ``limit`` readings (None marks are skipped)."""
    while batch.size < limit and not queue.empty():
        item = queue.get_nowait()
        if item is not None:
            batch.add(item)
