"""Delivery: at each interval's start its trades begin delivering and sold batteries are dispatched.

One task per community, as the market's clearing has (hub.market.coordinator), lives in the
hub's clock (the demo's 60× clock too). At each interval start it moves the interval's
scheduled trades to delivering in one transaction, which tells both residents, and publishes
that once committed. For each seller site whose trades came from a battery offer it then sends
one discharge command (sized by hub.market.dispatch) and records the agent's answers on those
trades (``Transaction.dispatch``). A refused command, a battery that stops early, an agent that
does not answer within ``ack_timeout_s`` or a broker out of reach mark them ``at_risk`` and
tell the seller; the meters decide afterwards what was delivered (hub.market.settler).

Between interval starts the task looks again every :data:`RECHECK_S` wall seconds: a critical
request trades in the interval under way (hub.market.clearing.match_at_once), and such trades
start at once; a battery already running is then sent one command that supersedes its first,
sized for all it still has to deliver in the time left.

Acks find their trades by the command id, which names the interval, so an ack still lands
after a hub restart; the wait for an answer does not survive one.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.cluster.leases import Owns, owns_everything
from hub.db.models import (
    AssetKind,
    Community,
    EnergyRequest,
    Notification,
    Offer,
    Site,
    StandingOrder,
    Transaction,
    TransactionStatus,
)
from hub.events import EventBus
from hub.market.dispatch import (
    NO_ANSWER_REASON,
    NOT_SENT_REASON,
    DispatchState,
    above_reserve_wh,
    command_id,
    command_interval,
    duration_s,
    home_deficit_w,
    record,
    reserve_short,
    risk_of,
    size_discharge,
)
from hub.market.intervals import floor_to
from hub.market.lifecycle import advance, transaction_event
from hub.market.orders import interval_of
from hub.mqtt.commands import CommandLink, CommandNotSent, SiteAck
from hub.notify import notify
from hub.outbox import Outbox
from powershare_wire import DispatchAck, DispatchCommand, DispatchMode
from powershare_wire.cancellation import cancel_once_and_wait
from powershare_wire.clock import Clock

log = logging.getLogger("hub.delivery")

DISCOVERY_S = 1.0  # wall s: how often new communities are looked for
RECHECK_S = 1.0  # wall s: how often the interval under way is looked at for trades made late
ACK_TIMEOUT_S = 15.0  # wall s: the network and the agent take wall time, whatever the clock's speed
SEND_WITHIN_S = 10.0  # wall s: how long a command may wait for the broker
# The battery is still working on these commands; a superseding command adds to what they ask.
RUNNING = frozenset({DispatchState.SENT.value, DispatchState.ACCEPTED.value, DispatchState.CLAMPED.value})


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to send one site once the delivery start is committed."""

    site: str
    start: datetime
    command: DispatchCommand | None  # None: nothing to send (no energy above the reserve)


class DeliveryCoordinator:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bus: EventBus,
        clock: Clock,
        link: CommandLink,
        ack_timeout_s: float = ACK_TIMEOUT_S,
        send_within_s: float = SEND_WITHIN_S,
        owns: Owns = owns_everything,
    ) -> None:
        self.owns = owns  # replicated hubs: only the communities this replica holds the lease of
        self.sessions = sessions
        self.bus = bus
        self.clock = clock
        self.link = link
        self.ack_timeout_s = ack_timeout_s
        self.send_within_s = send_within_s
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._waits: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """One delivery task per community (new ones too), and the acks as they come."""
        acks = asyncio.create_task(self._hear_acks(), name="delivery-acks")
        try:
            while True:
                try:
                    async with self.sessions() as session:
                        ids = list(await session.scalars(select(Community.id)))
                except (OperationalError, InterfaceError, OSError) as exc:
                    # The database restarting must not end delivery for good: look again (#12).
                    log.warning("looking for communities failed (%r); again in %.0f s", exc, DISCOVERY_S)
                    await asyncio.sleep(DISCOVERY_S)
                    continue
                for community_id in ids:
                    # A hub serving one community's agents would hear no other community's acks.
                    if self.link.community not in ("+", community_id):
                        continue
                    task = self._tasks.get(community_id)
                    # A task the database failed under is started again.
                    if (task is None or task.done()) and self.owns(community_id):
                        self._tasks[community_id] = asyncio.create_task(
                            self._deliver_forever(community_id), name=f"delivery-{community_id}"
                        )
                for community_id in [c for c in self._tasks if not self.owns(c)]:
                    self._tasks.pop(community_id).cancel()  # another replica delivers it now
                await asyncio.sleep(DISCOVERY_S)
        finally:
            await cancel_once_and_wait([acks, *self._tasks.values(), *self._waits])  # in database calls

    async def _deliver_forever(self, community_id: str) -> None:
        while True:
            async with self.sessions() as session:
                community = await session.get(Community, community_id)
            if community is None:
                return
            length = interval_of(community)
            current = floor_to(self.clock.now(), length)
            try:
                await self.start_delivery(community_id, current)
            except Exception:
                log.exception("delivery of %s in community %r failed", current.isoformat(), community_id)
            left_s = ((current + length).timestamp() - self.clock.timestamp()) / self.clock.speed
            await asyncio.sleep(min(max(left_s, 0.0), RECHECK_S))

    async def start_delivery(self, community_id: str, start: datetime) -> None:
        """The interval's scheduled trades start delivering (one transaction, then published);
        then each battery sold from gets its command. Does nothing before the interval starts,
        once it is over (settlement takes those trades from scheduled) or when no trade is left."""
        async with self.sessions() as session:
            community = await session.get(Community, community_id)
            if community is None:
                return
            now = self.clock.now()
            if not start <= now < start + interval_of(community):
                return
            rows = (
                await session.execute(
                    select(Transaction, Offer, EnergyRequest.standing_order_id)
                    .outerjoin(Offer, Offer.id == Transaction.offer_id)
                    .outerjoin(EnergyRequest, EnergyRequest.id == Transaction.request_id)
                    .where(
                        Transaction.community == community_id,
                        Transaction.window_start == start,
                        Transaction.status == TransactionStatus.SCHEDULED,
                    )
                    .order_by(Transaction.id)
                )
            ).all()
            if not rows:
                return
            batteries: dict[str, list[Offer]] = defaultdict(list)
            for trade, offer, _standing in rows:
                if offer is not None and offer.source is AssetKind.BATTERY:
                    batteries[trade.seller_site_id].append(offer)
            outbox = Outbox()
            plans = [
                await self._plan(session, community_id, site, offers, start, now, outbox)
                for site, offers in batteries.items()
            ]
            for trade, offer, bought_by_rule in rows:
                # A side a standing order placed trades every interval: the market screen shows it, no ping.
                quiet: set[str] = set()
                if offer is not None and offer.standing_order_id is not None:
                    quiet.add(trade.seller_site_id)
                if bought_by_rule is not None:
                    quiet.add(trade.buyer_site_id)
                outbox.extend(await advance(session, trade, TransactionStatus.DELIVERING, now, quiet=quiet))
            await session.commit()
        outbox.publish(self.bus)
        # Side by side: with the broker away they wait out ``send_within_s`` together.
        await asyncio.gather(
            *(
                self._send(community_id, plan.site, plan.start, plan.command)
                for plan in plans
                if plan.command is not None
            )
        )

    async def _plan(
        self,
        session: AsyncSession,
        community_id: str,
        site_id: str,
        offers: list[Offer],
        start: datetime,
        now: datetime,
        outbox: Outbox,
    ) -> _Plan:
        """Size the site's command and note it on every battery trade of the site in the interval."""
        trades = await self._battery_trades(session, community_id, site_id, start)
        starting = [t for t in trades if t.status is TransactionStatus.SCHEDULED]
        under_way = [t for t in trades if t.status is not TransactionStatus.SCHEDULED]
        end = trades[0].window_end
        seconds_left = (end - now).total_seconds()
        # A battery already running for this interval goes on with what it was asked, plus the new trades.
        running = next(
            (t.dispatch for t in under_way if t.dispatch and t.dispatch.get("outcome") in RUNNING), None
        )
        running_w = float(running["power_w"]) if running else 0.0
        to_deliver = sum(t.energy_wh for t in starting) + running_w * seconds_left / 3600.0
        site = await session.get(Site, site_id)
        values = ((site.latest if site is not None else None) or {}).get("values") or {}
        sizing = size_discharge(
            to_deliver, seconds_left, await self._available_wh(session, site, offers), home_deficit_w(values)
        )
        command = command_id(start, secrets.token_hex(4))
        served = starting + [t for t in under_way if t.dispatch is not None]
        risk = reserve_short(sizing.short_wh) if sizing.short_wh > 0 else None
        if sizing.power_w <= 0:
            state, dispatch = DispatchState.NOT_SENT, None
        else:
            state = DispatchState.SENT
            dispatch = DispatchCommand(
                id=command,
                site=site_id,
                mode=DispatchMode.DISCHARGE,
                power_w=sizing.power_w,
                duration_s=duration_s(seconds_left),
                issued_at=now,
            )
        for trade in served:
            trade.dispatch = record(command, state, sizing.power_w, now, risk)
            trade.updated_at = now
        if risk is not None:
            outbox.notes += self._warn_seller(session, site, served, risk)
        # Trades starting now are announced by ``advance``; the others changed their dispatch.
        outbox.events += [transaction_event(t) for t in under_way if t.dispatch is not None]
        return _Plan(site_id, start, dispatch)

    @staticmethod
    async def _battery_trades(
        session: AsyncSession, community_id: str, site_id: str, start: datetime
    ) -> list[Transaction]:
        return list(
            await session.scalars(
                select(Transaction)
                .join(Offer, Offer.id == Transaction.offer_id)
                .where(
                    Transaction.community == community_id,
                    Transaction.seller_site_id == site_id,
                    Transaction.window_start == start,
                    Transaction.status != TransactionStatus.CANCELLED,
                    Offer.source == AssetKind.BATTERY,
                )
                .order_by(Transaction.id)
            )
        )

    @staticmethod
    async def _available_wh(session: AsyncSession, site: Site | None, offers: list[Offer]) -> float | None:
        """What the battery holds above the seller's kept state of charge (the highest
        ``min_soc_pct`` of the standing orders behind these offers), by its latest reading."""
        if site is None:
            return None
        rules = {o.standing_order_id for o in offers if o.standing_order_id is not None}
        kept = 0.0
        if rules:
            found = await session.scalars(
                select(StandingOrder.min_soc_pct).where(StandingOrder.id.in_(rules))
            )
            kept = float(max((pct for pct in found if pct is not None), default=0))
        values = (site.latest or {}).get("values") or {}
        soc = (values.get("soc_pct") or {}).get("value")
        battery = next((a for a in site.assets if a.get("kind") == "battery"), {})
        capacity = battery.get("energy_kwh")
        return above_reserve_wh(
            float(soc) if isinstance(soc, int | float) else None,
            float(capacity) if isinstance(capacity, int | float) else None,
            kept,
        )

    async def _send(self, community_id: str, site_id: str, start: datetime, command: DispatchCommand) -> None:
        log.info(
            "dispatch %s to %s: %s %g W for %d s",
            command.id,
            site_id,
            command.mode.value,
            command.power_w,
            command.duration_s,
        )
        try:
            await self.link.send(community_id, command, self.send_within_s)
        except CommandNotSent as exc:
            log.warning("dispatch %s to %s not sent: %s", command.id, site_id, exc)
            await self._note(
                community_id, site_id, start, command.id, DispatchState.NOT_SENT, 0.0, NOT_SENT_REASON
            )
            return
        wait = asyncio.create_task(
            self._expect_answer(community_id, site_id, start, command.id), name=f"dispatch-{command.id}"
        )
        self._waits.add(wait)
        wait.add_done_callback(self._waits.discard)

    async def _expect_answer(self, community_id: str, site_id: str, start: datetime, command: str) -> None:
        await asyncio.sleep(self.ack_timeout_s)
        await self._note(
            community_id,
            site_id,
            start,
            command,
            DispatchState.NO_ANSWER,
            0.0,
            NO_ANSWER_REASON,
            unanswered=True,
        )

    async def _hear_acks(self) -> None:
        async for heard in self.link.acks():
            try:
                await self.record_ack(heard)
            except Exception:
                log.exception("dispatch ack %s of %s not recorded", heard.ack.id, heard.site)

    async def record_ack(self, heard: SiteAck) -> None:
        """The agent's answer goes on each trade its command serves."""
        ack = heard.ack
        start = command_interval(ack.id)
        if start is None:
            log.info("dispatch ack %s of %s names no command of this hub", ack.id, heard.site)
            return
        await self._note(
            heard.community,
            heard.site,
            start,
            ack.id,
            DispatchState(ack.outcome.value),
            ack.power_w,
            ack.reason,
            ack,
        )

    async def _note(
        self,
        community_id: str,
        site_id: str,
        start: datetime,
        command: str,
        state: DispatchState,
        power_w: float,
        reason: str | None,
        ack: DispatchAck | None = None,
        unanswered: bool = False,
    ) -> None:
        """Record an outcome on the command's trades; a risky one marks them and tells the seller.
        ``unanswered``: only if the agent has still not answered."""
        async with self.sessions() as session:
            trades = [
                t
                for t in await self._battery_trades(session, community_id, site_id, start)
                if t.dispatch is not None and t.dispatch.get("id") == command
            ]
            if unanswered:
                trades = [t for t in trades if t.dispatch and t.dispatch.get("outcome") == DispatchState.SENT]
            if not trades:
                return  # superseded, or answered already
            if ack is not None:
                risk = risk_of(ack, trades[0].window_end)
            else:
                risk = reason if state in (DispatchState.NOT_SENT, DispatchState.NO_ANSWER) else None
            now = self.clock.now()
            outbox = Outbox()
            newly_at_risk = risk is not None and not all(t.at_risk for t in trades)
            for trade in trades:
                trade.dispatch = record(command, state, power_w, now, reason)
                trade.updated_at = now
                trade.at_risk = trade.at_risk or risk is not None
                outbox.events.append(transaction_event(trade))
            if newly_at_risk and risk is not None:
                outbox.notes += self._warn_seller(session, await session.get(Site, site_id), trades, risk)
            await session.commit()
        outbox.publish(self.bus)

    @staticmethod
    def _warn_seller(
        session: AsyncSession, site: Site | None, trades: list[Transaction], risk: str
    ) -> list[Notification]:
        for trade in trades:
            trade.at_risk = True
        if site is None or site.owner_id is None:
            return []
        sold = sum(t.energy_wh for t in trades)
        return notify(
            session,
            [site.owner_id],
            "dispatch",
            "Battery trade at risk",
            f"{sold / 1000:g} kWh sold from the battery of {site.name or site.id}: {risk}",
            site=site.id,
            transaction_ids=[t.id for t in trades],
            window_start=trades[0].window_start.isoformat(),
        )
