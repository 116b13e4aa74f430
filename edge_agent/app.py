"""The agent: poll devices, spool readings, publish them, carry out dispatch commands.

``run_agent`` is a nest of ``async with`` (spool) around a TaskGroup of named tasks:
``poll``, ``mqtt`` (which runs live publishing and the backlog drain) and ``watchdog``.

Readings, statuses and dispatch times are stamped with the agent's clock: the wall clock on
real hardware, the demo's shared clock (``powershare_wire.clock``) when the demo runs it.
Polling is paced in wall seconds either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from edge_agent import __version__
from edge_agent.config import AgentConfig
from edge_agent.device_slot import DeviceSlot, link_for
from edge_agent.devices import GUARD
from edge_agent.dispatch import Dispatcher
from edge_agent.home_assistant import HomeAssistantLink
from edge_agent.mqtt_link import MqttLink
from edge_agent.site import SiteAccounts
from edge_agent.spool import Spool
from edge_agent.sunspec.device import Sample
from edge_agent.sunspec.transport import ModbusLink
from edge_agent.watchdog import Watchdog
from powershare_wire import SITE_DEVICE, DeviceInfo, DispatchAck, Quantity, Reading, SiteState, Status
from powershare_wire.cancellation import raise_if_cancelling
from powershare_wire.clock import WALL_CLOCK, Clock
from powershare_wire.topics import Kind

log = logging.getLogger(__name__)

COUNTERS_KEY = "site_counters"
FIRST_PROBE_WAIT_S = 10.0
SHUTDOWN_TIMEOUT_S = 10.0


class Agent:
    def __init__(
        self, config: AgentConfig, spool: Spool, slots: Sequence[DeviceSlot], clock: Clock = WALL_CLOCK
    ) -> None:
        self.config = config
        self.spool = spool
        self.slots = list(slots)
        self.clock = clock
        self.accounts = SiteAccounts()
        self.watchdog = Watchdog(config.watchdog_s)
        self.dispatcher = Dispatcher(config, self.slots, self._send_ack, clock)
        self.home_assistant = (  # the resident's own broker, if they asked for it
            None
            if config.home_assistant is None
            else HomeAssistantLink(config.home_assistant, config.community, config.site, __version__)
        )
        on_share = None if self.home_assistant is None else self.home_assistant.take_share
        self.mqtt = MqttLink(config, spool, self.status, self.dispatcher.handle, on_share)
        self._inventory: list[DeviceInfo] = []
        self.cycles = 0

    def status(self, online: bool) -> Status:
        return Status(
            site=self.config.site,
            online=online,
            ts=self.clock.now(),
            agent_version=__version__,
            devices=self.inventory(),
        )

    def inventory(self) -> list[DeviceInfo]:
        return [slot.info() for slot in self.slots]

    def _send_ack(self, ack: DispatchAck) -> None:
        self.mqtt.send(Kind.DISPATCH_ACK, ack)

    async def run(self) -> None:
        saved = await self.spool.get_meta(COUNTERS_KEY)
        if isinstance(saved, dict):
            self.accounts.restore(saved)
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(self._mqtt_after_first_probe(), name="mqtt")
                tasks.create_task(self._poll_forever(), name="poll")
                tasks.create_task(self.watchdog.run(), name="watchdog")
                tasks.create_task(self.dispatcher.run(), name="dispatch")
                if self.home_assistant is not None:
                    tasks.create_task(self.home_assistant.run(), name="home-assistant")
        finally:
            await asyncio.shield(self._shutdown())

    async def _mqtt_after_first_probe(self) -> None:
        """Connect once every device was probed, so the birth message lists what was found
        (but never wait longer than FIRST_PROBE_WAIT_S for slow or silent devices)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FIRST_PROBE_WAIT_S):
                for slot in self.slots:
                    await slot.probed.wait()
        await self.mqtt.run()

    async def _shutdown(self) -> None:
        try:
            async with asyncio.timeout(SHUTDOWN_TIMEOUT_S):
                await self.dispatcher.release_all()
                for slot in self.slots:
                    await slot.close()
        except TimeoutError:
            log.warning("shutdown took longer than %.0f s; stopping anyway", SHUTDOWN_TIMEOUT_S)

    async def _poll_forever(self) -> None:
        interval = self.config.poll_interval_s
        next_at = time.monotonic()
        while True:
            await self.poll_once()
            raise_if_cancelling()
            self.watchdog.beat()
            next_at += interval
            delay = next_at - time.monotonic()
            if delay < 0:  # fell behind (slow device): skip the missed ticks instead of bursting
                next_at = time.monotonic()
                delay = 0
            await asyncio.sleep(delay)

    async def poll_once(self) -> list[Reading]:
        now = self.clock.now()
        # Wrap each poll in a task as soon as it is created, so none can be left unawaited.
        polls = [asyncio.ensure_future(self._poll_slot(slot)) for slot in self.slots]
        samples = await asyncio.gather(*polls)
        site_values = self.accounts.snapshot(
            (
                (slot.device, sample is not None)
                for slot, sample in zip(self.slots, samples, strict=True)
                if slot.device
            ),
            now,
            unidentified=(slot.config.role for slot in self.slots if slot.device is None),
        )
        device_values: list[tuple[str, dict[str, Quantity]]] = []
        for slot, sample in zip(self.slots, samples, strict=True):
            if sample is not None and slot.device is not None:
                values = _quantities(sample)
                if values:
                    device_values.append((slot.device.serial, values))
        # Sums of valid values can still leave the bounds (many devices, a wild flow split).
        device_values.append((SITE_DEVICE, GUARD.clean_quantities(SITE_DEVICE, site_values)))

        def build(first_seq: int) -> list[Reading]:
            return [
                Reading(seq=first_seq + i, ts=now, device=device, values=values)
                for i, (device, values) in enumerate(device_values)
            ]

        readings = await self.spool.append(build, len(device_values), {COUNTERS_KEY: self.accounts.export()})
        self.mqtt.readings_added()
        self.mqtt.send(Kind.STATE, SiteState(site=self.config.site, reading=readings[-1]), retain=True)
        if self.home_assistant is not None:
            self.home_assistant.update(readings[-1])
        inventory = self.inventory()
        # A changed inventory (discovery, a device failing or recovering) updates the retained status.
        if inventory != self._inventory and self.mqtt.send(Kind.STATUS, self.status(True), retain=True):
            self._inventory = inventory
        self.cycles += 1
        return readings

    async def _poll_slot(self, slot: DeviceSlot) -> Sample | None:
        # A device must never hold up the cycle for long: bound each poll.
        budget = max(self.config.poll_interval_s * 3, 5.0)
        try:
            return await asyncio.wait_for(slot.poll(), budget)
        except TimeoutError:
            slot.ok = False
            slot.problem = f"no complete answer within {budget:.0f} s"
            await slot.close()
            return None


def _quantities(sample: Sample) -> dict[str, Quantity]:
    return {name: Quantity(value=value, unit=unit) for name, (value, unit) in sample.values.items()}


def make_slots(config: AgentConfig) -> list[DeviceSlot]:
    """One slot per device; devices on the same bus or gateway share one link."""
    links: dict[str, ModbusLink] = {}
    users: dict[str, int] = {}
    for device in config.devices:
        links.setdefault(device.link_key, link_for(device))
        users[device.link_key] = users.get(device.link_key, 0) + 1
    return [
        DeviceSlot(device, links[device.link_key], shared=users[device.link_key] > 1)
        for device in config.devices
    ]


async def run_agent(config: AgentConfig, clock: Clock = WALL_CLOCK) -> None:
    """Run until cancelled; on cancellation publish status offline, then disconnect.

    ``clock`` stamps readings and times dispatch: keep the wall clock on real hardware.
    """
    slots = make_slots(config)
    async with Spool(config.spool.path, config.spool_capacity) as spool:
        await Agent(config, spool, slots, clock).run()
