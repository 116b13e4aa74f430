"""Telemetry ingest: validate each MQTT message, then write in batches, exactly once.

``submit`` runs in the MQTT client's receive callback and never touches the database; the
writer task takes whatever has queued up (up to ``ingest_batch_max`` readings) and writes it
in one transaction. The primary key (site, seq) plus ON CONFLICT DO NOTHING makes replays no-ops,
and RETURNING tells which readings were new, so duplicates are neither counted nor pushed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.core.backoff import Backoff
from hub.core.config import Settings
from hub.db.models import Community, Device, Site
from hub.events import Event, EventBus
from hub.ingest.aggregates import IntervalAggregator
from hub.ingest.raw_rows import RawRows
from hub.ingest.stats import IngestStats
from hub.live_stats import LiveStats
from hub.metrics import HubMetrics
from powershare_wire import Kind, Reading, Status, Telemetry
from powershare_wire import topics as wire_topics

SITE_DEVICE = "site"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Accepted:
    community: str
    message: Telemetry | Status
    # The payload as received, when every reading in it was kept: PostgreSQL stores it as is,
    # sparing a serialisation per reading. None when readings were dropped (or in tests).
    raw: bytes | None = None
    # Called once the message is committed (or refused): the MQTT consumer acknowledges it then.
    done: Callable[[], None] | None = None


def _no_ack() -> None:
    return None


def _dialect_insert(engine: AsyncEngine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "payload"
    return f"{where}: {error['msg']}"


class Ingest:
    def __init__(
        self, engine: AsyncEngine, bus: EventBus, settings: Settings, metrics: HubMetrics | None = None
    ) -> None:
        self._engine = engine
        self._bus = bus
        self._settings = settings
        self._insert = _dialect_insert(engine)
        self._queue: asyncio.Queue[Accepted] = asyncio.Queue()
        self._known_sites: dict[str, str] = {}  # site → community
        self._persisted: set[str] = set()  # sites with a row in the database
        self._shown: dict[str, datetime] = {}  # site → time of the newest snapshot pushed to /ws
        self._aggregates = IntervalAggregator(self._insert)
        self.stats = IngestStats(metrics or HubMetrics())
        self.live = LiveStats()

    async def load_sites(self) -> None:
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(Site.id, Site.community, Site.latest, Site.last_seen))
            for site, community, latest, last_seen in rows:
                self._known_sites[site] = community
                self._persisted.add(site)
                self._aggregates.remember(site, latest)
                if last_seen is not None:
                    self._shown[site] = last_seen

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
        done()
        return False

    def _queue_message(self, topic: str, payload: bytes, done: Callable[[], None]) -> bool:
        parts = wire_topics.parse(topic)
        if parts is None or parts.kind not in (Kind.TELEMETRY, Kind.STATUS):
            return False  # not ours (brokers may replay other filters' retained messages)
        model = Telemetry if parts.kind is Kind.TELEMETRY else Status
        try:
            message: Telemetry | Status = model.model_validate_json(payload)
        except ValidationError as exc:
            reason = "bad_json" if exc.errors()[0]["type"] == "json_invalid" else "invalid_payload"
            self.stats.reject(reason, f"{topic}: {_first_error(exc)}")
            return False
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
        raw: bytes | None = payload
        if isinstance(message, Telemetry):
            kept = self._without_future_readings(topic, message)
            if not kept.readings:
                return False
            if kept is not message:
                message, raw = kept, None
        self._known_sites.setdefault(parts.site, parts.community)
        self._queue.put_nowait(Accepted(parts.community, message, raw, done))
        return True

    def _without_future_readings(self, topic: str, message: Telemetry) -> Telemetry:
        horizon = datetime.now(UTC) + timedelta(seconds=self._settings.max_clock_skew_s)
        keep = [reading for reading in message.readings if reading.ts <= horizon]
        if len(keep) < len(message.readings):
            self.stats.reject(
                "future_timestamp",
                f"{topic}: reading more than {self._settings.max_clock_skew_s:g} s ahead of the hub clock",
                count=len(message.readings) - len(keep),
            )
            return message.model_copy(update={"readings": keep})
        return message

    # --- writing (writer task) ---------------------------------------------------------

    async def run_writer(self) -> None:
        """Take what has queued (waiting up to ingest_batch_wait_ms for more) and write it."""
        limit = self._settings.ingest_batch_max
        wait_s = self._settings.ingest_batch_wait_ms / 1000
        queue = self._queue
        previous = 0  # messages in the previous batch
        while True:
            batch = [await queue.get()]
            size = _drain(queue, batch, _size(batch[0]), limit)
            # One wait per batch, not one per message; and none while messages come one at a
            # time (the previous batch held one): waiting would then add latency, not batching.
            if size < limit and wait_s > 0 and previous > 1:
                await asyncio.sleep(wait_s)
                _drain(queue, batch, size, limit)
            previous = len(batch)
            await self.write(batch)

    async def write(self, batch: list[Accepted]) -> None:
        """Write one batch in one transaction; retried until the database takes it."""
        backoff = Backoff(initial_s=0.2, maximum_s=10)
        while True:
            try:
                await self._write_once(batch)
                return
            except (OperationalError, InterfaceError, OSError) as exc:
                # The database went away. Dropping the batch would lose data (the broker
                # would redeliver it only after a reconnect): wait and write it again.
                delay = backoff.next_delay()
                log.error("writing %d messages failed (%r); retrying in %.1f s", len(batch), exc, delay)
                self.stats.failed_write()
                await asyncio.sleep(delay)
            except SQLAlchemyError as exc:
                # A batch the database refuses (a bug, not an outage): retrying would stall
                # ingest for good, so count it, log it and go on with the next one.
                log.exception("dropping a batch of %d messages the database refused", len(batch))
                self.stats.failed_write()
                self.stats.reject("write_refused", repr(exc), count=len(batch))
                _acknowledge(batch)
                return

    async def _write_once(self, batch: list[Accepted]) -> None:
        now = datetime.now(UTC)
        sites = {item.message.site: item.community for item in batch}
        unseen = {site: community for site, community in sites.items() if site not in self._persisted}
        rows = RawRows()
        for item in batch:
            if isinstance(item.message, Telemetry):
                rows.add_message(item.message, item.raw)
        statuses = [item for item in batch if isinstance(item.message, Status)]
        async with self._engine.begin() as conn:
            if unseen:
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
            new = await rows.insert(conn, self._insert, now)
            added, latest = self._new_site_readings(batch, new)
            heads = await self._aggregates.apply(conn, added)
            if latest:
                await conn.execute(
                    update(Site)
                    .where(Site.id == bindparam("site"))
                    .where(or_(Site.last_seen.is_(None), Site.last_seen < bindparam("ts")))
                    .values(latest=bindparam("latest"), last_seen=bindparam("ts")),
                    [
                        {"site": site, "ts": reading.ts, "latest": reading.model_dump(mode="json")}
                        for site, (_community, reading) in latest.items()
                    ],
                )
            for item in statuses:
                await self._write_status(conn, item.message, now)  # type: ignore[arg-type]
        committed = datetime.now(UTC)
        _acknowledge(batch)  # stored for good: the broker may forget these messages now
        self._persisted.update(unseen)
        self._aggregates.advance(heads)
        self.stats.committed(batch_messages=len(batch), rows=len(rows), new=len(new))
        self.stats.observe_lag([committed - _newest_ts(item) for item in batch])
        for site, (community, reading) in latest.items():
            shown = self._shown.get(site)
            if shown is not None and reading.ts <= shown:
                continue  # a late reading (an agent draining its spool): stored, but not news
            self._shown[site] = reading.ts
            self.live.update(community, site, reading)
            self._bus.publish(
                Event.build("reading", community, site, reading=reading.model_dump(mode="json"))
            )
        for item in statuses:
            status = item.message
            assert isinstance(status, Status)
            self._bus.publish(
                Event.build("status", item.community, status.site, online=status.online, ts=status.ts)
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
                    "manufacturer": d.manufacturer,
                    "model": d.model,
                    "ok": d.ok,
                    "problem": d.problem,
                    "last_seen": now,
                }
                for d in status.devices
            ],
        )

    @staticmethod
    def _new_site_readings(
        batch: list[Accepted], new: set[tuple[str, int]]
    ) -> tuple[dict[str, list[Reading]], dict[str, tuple[str, Reading]]]:
        """Per site, the site snapshots this batch added, and the newest of them (one pass)."""
        found: dict[str, list[Reading]] = {}
        newest: dict[str, tuple[str, Reading]] = {}
        for item in batch:
            message = item.message
            if not isinstance(message, Telemetry):
                continue
            site = message.site
            for reading in message.readings:
                if reading.device != SITE_DEVICE or (site, reading.seq) not in new:
                    continue
                found.setdefault(site, []).append(reading)
                current = newest.get(site)
                if current is None or reading.ts > current[1].ts:
                    newest[site] = (item.community, reading)
        return found, newest

    def queued(self) -> int:
        return self._queue.qsize()


def _drain(queue: asyncio.Queue[Accepted], batch: list[Accepted], size: int, limit: int) -> int:
    while size < limit and not queue.empty():
        item = queue.get_nowait()
        batch.append(item)
        size += _size(item)
    return size


def _acknowledge(batch: list[Accepted]) -> None:
    for item in batch:
        if item.done is not None:
            item.done()


def _newest_ts(item: Accepted) -> datetime:
    message = item.message
    return max(r.ts for r in message.readings) if isinstance(message, Telemetry) else message.ts


def _size(item: Accepted) -> int:
    return len(item.message.readings) if isinstance(item.message, Telemetry) else 1
