"""Settlement's clock: each interval settled from the meters after a grace period, and again
whenever late readings change what its meters show.

``settle_interval`` reads an interval's trades and metered energy, fingerprints them, and if
the fingerprint differs from the last settlement's (or there was none) settles anew
(hub.market.settlement): trades get their delivered energy and status, and the ledger gets
postings under a new revision, after reversing the previous revision's postings. So
settling the same readings twice changes nothing, and a correction never edits a line.

``SettlementCoordinator`` runs in the hub's lifespan. Every tick it settles the intervals
whose grace period has passed, then looks for site intervals that ingest revised since its
last look (``site_intervals.revised_at``, wall time) within settled intervals, and settles
those again. A failure in one community is logged and counted; the others go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any, cast

from pydantic import TypeAdapter
from sqlalchemy import Row, Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.api.schemas.market import TransactionOut
from hub.cluster.leases import Owns, owns_everything
from hub.db.bulk import insert_rows, insert_values, update_rows
from hub.db.models import (
    Allocation,
    Base,
    Community,
    LedgerKind,
    LedgerLine,
    Settlement,
    SharingMode,
    Site,
    SiteInterval,
    Transaction,
    TransactionStatus,
)
from hub.events import EventBus
from hub.market.correction_notes import why
from hub.market.expost import Metered, allocation_price
from hub.market.intervals import floor_to, starts_between
from hub.market.ledger import Line, Posting, Tariff, money, reversal
from hub.market.lifecycle import can_move, transaction_event
from hub.market.orders import interval_of
from hub.market.settlement import Delivery, ExPost, Outcome, Trade, digest, settle
from hub.market.sharing import period_at
from hub.metrics import HubMetrics
from hub.notify import Note, Notice, Stored, notify_all
from hub.outbox import Outbox
from powershare_wire.clock import Clock

log = logging.getLogger("hub.settlement")

TICK_S = 1.0  # wall seconds between looks for due and revised intervals
CATCH_UP = timedelta(days=2)  # a hub that was down settles at most this far back
CATCH_UP_BATCH = 8  # due intervals settled in one transaction (a short lock, one commit for many)
REVISION_OVERLAP = timedelta(seconds=60)  # ingest stamps rows before it commits them


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything one settlement depends on, read in one transaction."""

    booked: Sequence[Row[Any]]  # the interval's trades as stored (BOOKED's columns), in id order
    trades: list[Trade]  # the same trades, as settlement reads them
    meters: dict[str, Metered]
    tariff: Tariff
    mode: SharingMode
    ex_post: ExPost | None

    def digest(self) -> str:
        return digest(self.mode, self.trades, self.meters, self.tariff, self.ex_post)


# The columns settlement reads of a stored trade, in this order: the Trade, then its outcome
# as last settled. A view's other columns are read only for the trades that need one (_views).
BOOKED = (
    "id",
    "seller_site_id",
    "buyer_site_id",
    "energy_wh",
    "energy_price",
    "fee",
    "status",
    "delivered_wh",
    "shortfall",
    "amount",
)
_trade_of = itemgetter(0, 1, 2, 3, 4, 5)  # a Trade's fields
_posting_of = itemgetter(0, 1)  # a ledger row's revision and entry, as _standing_postings reads it
OUTCOME = slice(6, 10)


def _table(model: type[Base]) -> Table:
    """A model's plain table: rows read through it skip the ORM (thousands per interval)."""
    return cast(Table, model.__table__)


async def metered(
    session: AsyncSession, community: str, start: datetime, end: datetime
) -> dict[str, Metered]:
    """Each of the community's sites with readings in [start, end): its import and export, in Wh."""
    meters, sites = _table(SiteInterval).c, _table(Site).c
    rows = await session.execute(
        select(meters.site_id, func.sum(meters.import_wh), func.sum(meters.export_wh))
        .join_from(_table(SiteInterval), _table(Site), sites.id == meters.site_id)
        .where(sites.community == community, meters.start >= start, meters.start < end)
        .group_by(meters.site_id)
        .having(func.sum(meters.readings) > 0)
    )
    return {site: Metered(round(imported or 0), round(exported or 0)) for site, imported, exported in rows}


async def inputs(
    session: AsyncSession, community: Community, start: datetime, settled: Settlement | None
) -> Inputs:
    end = start + interval_of(community)
    # Plain rows of the columns settlement needs, neither ORM objects nor views: an interval of
    # a city holds thousands of trades, and few of them become views (_views).
    table = _table(Transaction)
    booked = (
        await session.execute(
            select(*(table.c[name] for name in BOOKED))
            .where(
                table.c.community == community.id,
                table.c.window_start == start,
                table.c.status != TransactionStatus.CANCELLED,
            )
            .order_by(table.c.id)
        )
    ).all()
    trades = [Trade(*_trade_of(row)) for row in booked]
    # An interval keeps the tariffs it was first settled at.
    if settled is not None:
        tariff = Tariff(settled.retail_price, settled.feed_in_price)
    else:
        tariff = Tariff(community.retail_price_per_kwh, community.feed_in_price_per_kwh)
    period = await period_at(session, community.id, start)
    ex_post = None
    if period is not None and period.mode is SharingMode.EX_POST and period.key is not None:
        price = allocation_price(period.price, tariff.feed_in, tariff.retail)
        shares = {site: Decimal(str(weight)) for site, weight in (period.shares or {}).items()}
        ex_post = ExPost(period.key, price, shares)
    mode = SharingMode.EX_POST if ex_post is not None else SharingMode.MARKET
    return Inputs(booked, trades, await metered(session, community.id, start, end), tariff, mode, ex_post)


async def settle_interval(
    session: AsyncSession, community: Community, start: datetime, now: datetime
) -> Outbox | None:
    """Settle one interval from what the meters show now; None when nothing changed.

    Does not commit: the caller commits, then publishes the Outbox.
    """
    # Locked (PostgreSQL) so two settlers of one interval take turns instead of both posting.
    settled = await session.get(Settlement, (community.id, start), with_for_update=True)
    read = await inputs(session, community, start, settled)
    fingerprint = read.digest()
    if settled is not None and settled.digest == fingerprint:
        return None
    outcome = settle(read.trades, read.meters, read.tariff, read.ex_post)
    revision = 1 if settled is None else settled.revision + 1
    standing = {} if settled is None else await _standing_postings(session, community.id, start)
    await _post(session, community.id, start, revision, standing, outcome.postings)
    await _store_allocations(session, community.id, start, outcome, read.ex_post)
    changed = _apply_deliveries(read, outcome.deliveries, now)
    await _store_deliveries(session, changed, now)
    if settled is None:
        settled = Settlement(community=community.id, start=start, revision=revision)
        session.add(settled)
    settled.end = start + interval_of(community)
    settled.mode = read.mode
    settled.revision = revision
    settled.digest = fingerprint
    settled.retail_price, settled.feed_in_price = read.tariff.retail, read.tariff.feed_in
    settled.shared_wh = outcome.shared_wh
    metered_now = {site: [m.import_wh, m.export_wh] for site, m in sorted(read.meters.items())}
    note = why(settled.metered or {}, metered_now) if revision > 1 else None
    settled.note_code = None if note is None else note.code.value
    settled.note_sites = list(note.sites) if note is not None and note.sites else None
    settled.metered = metered_now
    settled.settled_at = now
    notes, told = await _tell_residents(session, community.id, start, revision, read, outcome, changed)
    # A resident's notice makes the dashboard fetch the trades again, so a trade's own event goes
    # out only when one of its sites has no resident to tell (a watcher of that site hears it so).
    untold = [t for t in changed if not {t["seller_site_id"], t["buyer_site_id"]} <= told]
    return Outbox(
        events=[transaction_event(view) for view in await _views(session, untold)], notes=list[Note](notes)
    )


# A posting's identity within its interval: a seller's trades (their account), a trade's own
# posting (its id: how trades were posted before one posting per seller), or the one posting of
# its kind (None).
PostingKey = tuple[LedgerKind, str | int | None]


# A ledger row's own columns; the interval's (community, interval_start, revision) are the same for all.
LEDGER_COLUMNS = (
    "entry",
    "account",
    "kind",
    "amount",
    "energy_wh",
    "transaction_id",
    "reversal",
)


def _key(posting: Posting) -> PostingKey:
    trades = {line.transaction_id for line in posting.lines}
    if len(trades) == 1:  # every line for one trade, or for none
        return posting.kind, trades.pop()
    # A seller's trades: a line for each trade's buyer, and the seller's line, for no one trade.
    return posting.kind, next(line.account for line in posting.lines if line.transaction_id is None)


async def _standing_postings(
    session: AsyncSession, community: str, start: datetime
) -> dict[PostingKey, Posting]:
    """The postings that stand for an interval: each one as last posted, unless last reversed.

    A correction reverses and replaces only the postings it changes, so the standing ones may
    come from different revisions; read in order, each entry overrides what came before.
    """
    # Plain columns (not ORM attributes): a city's interval has thousands of lines.
    lines = _table(LedgerLine).c
    rows = (
        await session.execute(
            select(
                lines.revision,
                lines.entry,
                lines.reversal,
                lines.kind,
                lines.transaction_id,
                lines.account,
                lines.amount,
                lines.energy_wh,
            )
            .where(lines.community == community, lines.interval_start == start)
            .order_by(lines.revision, lines.entry, lines.id)
        )
    ).all()
    standing: dict[PostingKey, Posting] = {}
    for _, entry in groupby(rows, key=_posting_of):
        posted = list(entry)
        reversing, kind = posted[0][2], posted[0][3]
        lines_posted = tuple(
            Line(account, amount, energy, trade) for *_, trade, account, amount, energy in posted
        )
        if reversing:
            standing.pop(_key(Posting(kind, lines_posted)), None)
        else:
            posting = Posting(kind, lines_posted)
            standing[_key(posting)] = posting
    return standing


async def _post(
    session: AsyncSession,
    community: str,
    start: datetime,
    revision: int,
    standing: Mapping[PostingKey, Posting],
    postings: Sequence[Posting],
) -> None:
    """Post ``postings`` under ``revision``, in one bulk insert: those that differ from what
    stands are reversed and replaced, the others stay as they were posted."""
    fresh = {_key(p): p for p in postings}
    if len(fresh) != len(postings):
        raise ValueError("two postings of one interval share a kind and key: one would be lost")
    gone = [p for k, p in standing.items() if fresh.get(k) != p]
    new = [p for k, p in fresh.items() if standing.get(k) != p] if standing else postings
    batches: Iterable[tuple[bool, Posting]] = [
        *((True, Posting(p.kind, reversal(p.lines))) for p in gone),
        *((False, p) for p in new),
    ]
    rows: list[tuple[Any, ...]] = []
    for entry, (reversing, posting) in enumerate(batches):
        kind = posting.kind.value
        rows += [
            (entry, line.account, kind, line.amount, line.energy_wh, line.transaction_id, reversing)
            for line in posting.lines
        ]
    interval = {"community": community, "interval_start": start, "revision": revision}
    await insert_values(session, LedgerLine, LEDGER_COLUMNS, rows, interval)


async def _store_allocations(
    session: AsyncSession, community: str, start: datetime, outcome: Outcome, ex_post: ExPost | None
) -> None:
    """Allocations are derived data: replaced whole (the ledger keeps the history)."""
    await session.execute(
        delete(Allocation).where(Allocation.community == community, Allocation.start == start)
    )
    if ex_post is None:
        return
    await insert_rows(
        session,
        Allocation,
        [
            {
                "community": community,
                "start": start,
                "site_id": site,
                "given_wh": share.given_wh,
                "received_wh": share.received_wh,
                "price": ex_post.price,
            }
            for site, share in sorted(outcome.allocations.items())
            if share.given_wh or share.received_wh
        ],
    )


def _apply_deliveries(read: Inputs, done: Sequence[Delivery], now: datetime) -> list[dict[str, Any]]:
    """The trades whose outcome changed, as delivered (every column, and the buyer price of their
    view), in trade id order."""
    by_id = {row[0]: row for row in read.booked}
    changed = []
    for delivery in done:
        row = by_id[delivery.trade_id]
        status = row[OUTCOME][0]
        if row[OUTCOME] == (delivery.status, delivery.delivered_wh, delivery.shortfall, delivery.amount):
            continue
        if status is not delivery.status and not can_move(status, delivery.status):
            log.warning("trade %s cannot become %s from %s", delivery.trade_id, delivery.status, status)
            continue
        trade = dict(zip(BOOKED, row, strict=True))
        trade.update(
            status=delivery.status,
            delivered_wh=delivery.delivered_wh,
            shortfall=delivery.shortfall,
            amount=delivery.amount,
            updated_at=now,
            buyer_price=trade["energy_price"] + trade["fee"],  # for its view
        )
        changed.append(trade)
    return changed


async def _views(session: AsyncSession, changed: Sequence[Mapping[str, Any]]) -> list[TransactionOut]:
    """The changed trades as the API shows them, their other columns read now."""
    if not changed:
        return []
    table = _table(Transaction)
    rows = await session.execute(
        select(*(c for c in table.c if c.name not in BOOKED))
        .add_columns(table.c.id)
        .where(table.c.id.in_([trade["id"] for trade in changed]))
    )
    rest = {row.id: row._mapping for row in rows}
    return _VIEWS.validate_python([{**rest[trade["id"]], **trade} for trade in changed])


# Thousands of views validated in one call rather than one call each.
_VIEWS = TypeAdapter(list[TransactionOut])


async def _store_deliveries(
    session: AsyncSession, changed: Sequence[Mapping[str, Any]], now: datetime
) -> None:
    # The time once for all rows, not once in each row's JSON.
    fields = ("id", "status", "delivered_wh", "shortfall", "amount")
    rows = [{name: t[name] for name in fields} for t in changed]
    await update_rows(session, Transaction, "id", rows, {"updated_at": now})


@dataclass
class _SiteNews:
    sold_wh: int = 0
    bought_wh: int = 0
    promised_wh: int = 0
    earned: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    short: int = 0  # trades that delivered less than promised


async def _tell_residents(
    session: AsyncSession,
    community: str,
    start: datetime,
    revision: int,
    read: Inputs,
    outcome: Outcome,
    changed: Sequence[Mapping[str, Any]],
) -> tuple[list[Stored], set[str]]:
    """One notification per resident and interval (not per trade): what was delivered, what it
    came to, and any shortfall; on a re-settlement only to those whose trades changed. The
    notifications, and the sites whose residents they tell."""
    news: dict[str, _SiteNews] = defaultdict(_SiteNews)
    # Each trade as it stands now: as delivered if its outcome changed, else as stored.
    latest: dict[int, tuple[TransactionStatus, int, Decimal | None]] = {
        t["id"]: (t["status"], t["delivered_wh"], t["amount"]) for t in changed
    }
    if revision == 1:
        for row in read.booked:
            status, delivered_wh, _, amount = row[OUTCOME]
            latest.setdefault(row[0], (status, delivered_wh, amount))
    for trade in read.trades:
        if trade.id not in latest:
            continue
        status, delivered_wh, amount = latest[trade.id]
        seller, buyer = news[trade.seller], news[trade.buyer]
        earned = money(trade.energy_price, delivered_wh)
        seller.sold_wh += delivered_wh
        seller.promised_wh += trade.energy_wh
        seller.earned += earned
        buyer.bought_wh += delivered_wh
        buyer.promised_wh += trade.energy_wh
        buyer.paid += amount or Decimal(0)
        short = status is not TransactionStatus.COMPLETED
        seller.short += short
        buyer.short += short
    for site, share in outcome.allocations.items():
        if revision == 1 and (share.given_wh or share.received_wh):
            news[site].sold_wh += share.given_wh
            news[site].bought_wh += share.received_wh
    if not news:
        return [], set()
    # The community's owned sites in one read rather than a list of every site with news.
    sites = _table(Site).c
    rows = await session.execute(
        select(sites.id, sites.owner_id).where(sites.community == community, sites.owner_id.is_not(None))
    )
    owners: dict[str, int | None] = dict(rows.all())
    notices = []
    told = set()
    for site, item in sorted(news.items()):
        owner = owners.get(site)
        if owner is None:
            continue
        told.add(site)
        title, body = _headline(site, item, revision)
        data = {
            "site": site,
            "interval": start.isoformat(),
            "revision": revision,
            "sold_wh": item.sold_wh,
            "bought_wh": item.bought_wh,
            "earned": str(item.earned),
            "paid": str(item.paid),
            "shortfall": item.short > 0,
        }
        notices.append(Notice(owner, "settlement", title, body, data))
    return await notify_all(session, notices), told


def _kwh(wh: int) -> str:
    return f"{wh / 1000:.3f}".rstrip("0").rstrip(".") + " kWh"


def _headline(site: str, item: _SiteNews, revision: int) -> tuple[str, str]:
    moved = item.sold_wh + item.bought_wh
    parts = []
    if item.sold_wh:
        parts.append(f"delivered {_kwh(item.sold_wh)} to neighbours, earning {item.earned}")
    if item.bought_wh:
        parts.append(f"received {_kwh(item.bought_wh)} from neighbours for {item.paid}")
    body = f"{site}: " + ("; ".join(parts) if parts else "nothing was delivered")
    if revision > 1:
        return "Settlement corrected after late readings", body
    if item.short:
        return f"Shortfall: {_kwh(moved)} of {_kwh(item.promised_wh)} delivered", body
    return f"Delivered {_kwh(moved)}", body


class SettlementCoordinator:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bus: EventBus,
        clock: Clock,
        metrics: HubMetrics,
        owns: Owns = owns_everything,
    ) -> None:
        self.owns = owns  # replicated hubs: only the communities this replica holds the lease of
        self.sessions = sessions
        self.bus = bus
        self.clock = clock
        self.metrics = metrics
        self._revised_since = datetime.now(UTC)  # wall time; see REVISION_OVERLAP

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # the database away, say: try again on the next tick
                log.exception("settlement tick failed")
            await asyncio.sleep(TICK_S)

    async def tick(self) -> None:
        """Settle what is due in every community, then what late readings changed."""
        async with self.sessions() as session:
            communities = list(await session.scalars(select(Community.id)))
        for community_id in filter(self.owns, communities):
            try:
                await self.settle_due(community_id)
            except Exception:
                self.metrics.settlement_failures.labels(community_id).inc()
                log.exception("settling community %r failed", community_id)
        try:
            await self.resettle_revised()
        except Exception:
            log.exception("re-settling revised intervals failed")

    async def settle_due(self, community_id: str) -> int:
        """Settle each interval of the last CATCH_UP whose grace period is over and that was never settled."""
        async with self.sessions() as session:
            community = await session.get(Community, community_id)
            if community is None:
                return 0
            length = interval_of(community)
            now = self.clock.now()
            # [s, s + length) is due once s + length + grace has passed.
            after_grace = floor_to(now - timedelta(seconds=community.settlement_grace_s), length)
            first = floor_to(now - CATCH_UP, length)
            done = set(
                await session.scalars(
                    select(Settlement.start).where(
                        Settlement.community == community_id, Settlement.start >= first
                    )
                )
            )
        due = [start for start in starts_between(first, after_grace, length) if start not in done]
        for at in range(0, len(due), CATCH_UP_BATCH):
            batch = due[at : at + CATCH_UP_BATCH]
            try:
                await self.settle_together(community_id, batch)
            except Exception:
                if len(batch) == 1:
                    raise
                # One bad interval must not hold back the others of its batch.
                log.warning(
                    "settling %d intervals of %r together failed; one by one", len(batch), community_id
                )
                for start in batch:
                    await self.settle(community_id, start)
        return len(due)

    async def settle(self, community_id: str, start: datetime) -> bool:
        """Settle one interval in one transaction, then publish; False when nothing changed."""
        return await self.settle_together(community_id, [start]) > 0

    async def settle_together(self, community_id: str, starts: Sequence[datetime]) -> int:
        """Settle intervals in one transaction (each under its own locked settlements row), then
        publish what changed; how many changed. A hub catching up after downtime pays one
        commit for a batch rather than one an interval."""
        began = time.perf_counter()
        outboxes = []
        async with self.sessions() as session:
            community = await session.get(Community, community_id)
            if community is None:
                raise LookupError(f"no community {community_id!r}")
            for start in starts:
                outbox = await settle_interval(session, community, start, self.clock.now())
                if outbox is not None:
                    outboxes.append(outbox)
            if not outboxes:
                return 0
            await session.commit()
        for outbox in outboxes:
            outbox.publish(self.bus)
        self.metrics.settlements.labels(community_id).inc(len(outboxes))
        each = (time.perf_counter() - began) / len(outboxes)
        for _ in outboxes:
            self.metrics.settlement_seconds.observe(each)
        return len(outboxes)

    async def resettle_revised(self) -> int:
        """Settle again each settled interval whose site intervals ingest revised since the last look."""
        looked_at = datetime.now(UTC)
        since = self._revised_since - REVISION_OVERLAP
        async with self.sessions() as session:
            revised = await session.execute(
                select(SiteInterval.start, Site.community, Community.settlement_interval_min)
                .distinct()
                .join(Site, Site.id == SiteInterval.site_id)
                .join(Community, Community.id == Site.community)
                .where(SiteInterval.revised_at > since)
            )
            touched = {(c, floor_to(start, timedelta(minutes=m))) for start, c, m in revised}
            settled = [key for key in sorted(touched) if await session.get(Settlement, key) is not None]
        self._revised_since = looked_at
        count = 0
        for community, start in settled:
            if self.owns(community):  # each replica looks at every revision, and settles its own
                count += await self.settle(community, start)
        return count
