"""One configured device: discover it, read it, and degrade alone when it misbehaves.

A slot keeps its own link and backoff, so a device that times out, refuses or disappears is
reported (``ok``/``problem``) while the others keep publishing. Discovery runs in its own task
so that a slow probe (unit ids that time out) never holds up the poll cycle.
"""

from __future__ import annotations

import asyncio
import logging
import time

from edge_agent.backoff import Backoff
from edge_agent.config import DeviceConfig, TcpDevice
from edge_agent.devices import Device, make_device
from edge_agent.sunspec.device import Sample, SunSpecDevice
from edge_agent.sunspec.discovery import AUTO_UNIT_IDS, DiscoveryError, discover
from edge_agent.sunspec.transport import DeviceRefused, LinkError, ModbusLink, RegisterLink
from powershare_wire import DeviceInfo, Role
from powershare_wire.cancellation import cancel_and_wait

log = logging.getLogger(__name__)

# After this many failed reads in a row the device is probed again (it may have been swapped
# or reconfigured); until then, and if the probe fails, the last known identity is kept.
REDISCOVER_AFTER = 3


def link_for(config: DeviceConfig) -> ModbusLink:
    if isinstance(config, TcpDevice):
        return ModbusLink.tcp(config.host, config.port, config.timeout_s)
    return ModbusLink.rtu(
        config.serial_port, config.baudrate, config.parity, config.stopbits, config.timeout_s
    )


class DeviceSlot:
    def __init__(self, config: DeviceConfig, link: RegisterLink | None = None, shared: bool = False) -> None:
        self.config = config
        self.link = link or link_for(config)
        # A shared link (RS-485 bus, gateway) stays open when one unit fails: the others use it.
        self.shared = shared
        self.device: Device | None = None
        self.ok = False
        self.problem: str | None = "not yet discovered"
        self._failures = 0
        self._backoff = Backoff(initial_s=1.0, maximum_s=60.0)
        self._retry_at = 0.0
        self._discovery: asyncio.Task[None] | None = None
        self.probed = asyncio.Event()  # set after the first discovery attempt, found or not
        self._lock = asyncio.Lock()  # discovery and reads share the link

    @property
    def label(self) -> str:
        return self.config.label

    def info(self) -> DeviceInfo:
        if self.device is None:
            # Never discovered: all we know is the configuration.
            return DeviceInfo(
                serial=self.label[:64], role=self.config.role or Role.PV, ok=False, problem=self.problem
            )
        return self.device.info(ok=self.ok, problem=self.problem)

    async def poll(self) -> Sample | None:
        """One read; ``None`` when the device is unavailable (the reason is in ``problem``)."""
        if self.device is None or self._failures >= REDISCOVER_AFTER:
            self._start_discovery()
        if self.device is None or self._discovery is not None or time.monotonic() < self._retry_at:
            return None
        try:
            async with self._lock:
                sample = await self.device.refresh()
        except (LinkError, DeviceRefused, TimeoutError) as exc:
            await self._fail(self._explain(exc))
            return None
        self._failures = 0
        self._backoff.reset()
        self.ok = not sample.problems
        self.problem = "; ".join(sample.problems) or None
        return sample

    def _explain(self, exc: Exception) -> str:
        reason = str(exc) or type(exc).__name__
        if (
            isinstance(exc, LinkError | TimeoutError)
            and self.device is not None
            and self.device.role is Role.PV
        ):
            reason += " (inverters often stop answering while asleep at night)"
        return reason

    def _start_discovery(self) -> None:
        if self._discovery is None and time.monotonic() >= self._retry_at:
            self._discovery = asyncio.create_task(self._discover(), name=f"discover {self.label}")

    async def _discover(self) -> None:
        unit = self.config.unit_id
        unit_ids = AUTO_UNIT_IDS if unit == "auto" else (unit,)
        try:
            async with self._lock:
                layout = await discover(self.link, unit_ids)
        except (LinkError, DeviceRefused, DiscoveryError, TimeoutError) as exc:
            await self._fail(str(exc) or type(exc).__name__)
            return
        finally:
            self._discovery = None
            self.probed.set()
        if self.device is not None and self.device.sunspec.layout == layout:
            self._failures = 0  # same device, same layout: keep its counters and state
            return
        self.device = make_device(
            SunSpecDevice(self.link, layout), self.config.role, self.config.invert_power
        )
        self._failures = 0
        self._backoff.reset()
        self._retry_at = 0.0
        self.ok, self.problem = True, None  # it answered; the next read confirms or reports
        log.info(
            "%s: found %s %s serial %s (unit %d, base %d, models %s)",
            self.label,
            layout.identity.manufacturer,
            layout.identity.model,
            layout.identity.serial,
            layout.unit_id,
            layout.base,
            layout.model_ids,
        )

    async def _fail(self, reason: str) -> None:
        self.ok = False
        self.problem = reason
        self._failures += 1
        delay = self._backoff.next_delay() if self._failures > 1 else 0.0
        self._retry_at = time.monotonic() + delay
        log.warning("%s: %s (retry in %.1f s)", self.label, reason, delay)
        if not self.shared:
            await self.link.close()  # the next attempt starts on a fresh connection

    async def close(self) -> None:
        if self._discovery is not None:
            await cancel_and_wait([self._discovery])
        await self.link.close()  # closing twice (shared link) is harmless
