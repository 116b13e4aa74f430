"""Handles on devices, homes and communities while they are being served (what callers hold on to).

The community handle lives here, not beside ``run_community``, so that the control surface can
take one without importing the module that starts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from firmware_sims.battery import Battery, BatteryState
from firmware_sims.clock import SimClock
from firmware_sims.device import DeviceKind, SimulatedDevice
from firmware_sims.faults import Fault
from firmware_sims.inverter import Inverter, InverterState
from firmware_sims.meter import Meter, MeterState
from firmware_sims.modbus_server import Endpoint
from firmware_sims.physics.community import CommunityPhysics, Home
from firmware_sims.scenario import Scenario
from firmware_sims.serial_line import SerialLine


@dataclass(eq=False)
class RunningDevice:
    """One served device: where to reach it, what it is, and its physical state."""

    device: SimulatedDevice
    endpoint: Endpoint
    home_id: str

    @property
    def host(self) -> str:
        """The TCP address; empty for a device on a serial line."""
        return self.endpoint.host

    @property
    def port(self) -> int:
        """The TCP port; 0 for a device on a serial line."""
        return self.endpoint.port

    @property
    def serial_line(self) -> SerialLine | None:
        """The serial line the device answers Modbus RTU on, or ``None`` (Modbus TCP)."""
        return self.endpoint.serial_line

    @property
    def address(self) -> str:
        """Where to reach it: ``host:port`` or ``/dev/tty…@baud,8N1``."""
        line = self.serial_line
        return line.description if line is not None else f"{self.host}:{self.port}"

    @property
    def unit_id(self) -> int:
        return self.device.unit_id

    @property
    def kind(self) -> DeviceKind:
        return self.device.kind

    @property
    def variant(self) -> str:
        """The model variant (e.g. ``three_phase``); faults are in :attr:`faults`."""
        return self.device.variant

    @property
    def serial(self) -> str:
        return self.device.serial

    @property
    def base_address(self) -> int:
        return self.device.base_address

    @property
    def faults(self) -> frozenset[Fault]:
        return frozenset(self.device.faults)

    @property
    def online(self) -> bool:
        return self.endpoint.online

    @property
    def home(self) -> Home:
        return self.device.home

    @property
    def state(self) -> InverterState | BatteryState | MeterState:
        """The physical quantities the registers encode, at the clock's present."""
        device = self.device
        if isinstance(device, Inverter | Battery | Meter):
            return device.state
        raise TypeError(f"unknown device class {type(device).__name__}")

    def set_fault(self, fault: Fault | str, enabled: bool = True) -> None:
        self.device.set_fault(fault, enabled)

    def set_scale_factor(self, model_id: int, sf_name: str, value: int) -> None:
        self.device.set_scale_factor(model_id, sf_name, value)

    async def go_offline(self, seconds: float | None = None) -> None:
        """Refuse connections; come back by itself after ``seconds`` of real time if given."""
        await self.endpoint.go_offline(seconds)

    async def go_online(self) -> None:
        await self.endpoint.go_online()

    def describe(self) -> dict[str, Any]:
        source = self.device.source if isinstance(self.device, Inverter) else None
        return {
            "kind": self.kind.value,
            "source": source,
            "variant": self.variant,
            "faults": sorted(f.value for f in self.faults),
            "host": self.host,
            "port": self.port,
            "serial_port": self.serial_line.port if self.serial_line else None,
            "baudrate": self.serial_line.baudrate if self.serial_line else None,
            "unit_id": self.unit_id,
            "serial": self.serial,
            "base_address": self.base_address,
            "online": self.online,
        }


@dataclass(eq=False)
class RunningHome:
    """A home of a running community."""

    id: str
    role: str
    location: tuple[float, float]  # (lat, lon)
    devices: list[RunningDevice]
    physics: Home

    def device(self, kind: DeviceKind | str) -> RunningDevice:
        """The home's first device of ``kind`` (every home has a meter)."""
        for device in self.devices:
            if device.kind == DeviceKind(kind):
                return device
        raise KeyError(f"home {self.id!r} has no {DeviceKind(kind).value}")

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "location": {"lat": self.location[0], "lon": self.location[1]},
            "devices": [d.describe() for d in self.devices],
        }


@dataclass(eq=False)
class RunningCommunity:
    """What ``run_community`` yields."""

    scenario: Scenario
    clock: SimClock
    physics: CommunityPhysics
    homes: list[RunningHome]
    control_port: int | None = None
    _by_serial: dict[str, RunningDevice] = field(default_factory=dict)

    @property
    def devices(self) -> list[RunningDevice]:
        return [device for home in self.homes for device in home.devices]

    def home(self, home_id: str) -> RunningHome:
        for home in self.homes:
            if home.id == home_id:
                return home
        raise KeyError(f"no home {home_id!r}")

    def device(self, serial: str) -> RunningDevice:
        return self._by_serial[serial]

    def add(self, home: RunningHome) -> None:
        self.homes.append(home)
        for device in home.devices:
            self._by_serial[device.serial] = device
