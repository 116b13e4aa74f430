"""Handles on devices and homes while they are being served (what callers hold on to)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from firmware_sims.battery import Battery, BatteryState
from firmware_sims.device import DeviceKind, SimulatedDevice
from firmware_sims.faults import Fault
from firmware_sims.inverter import Inverter, InverterState
from firmware_sims.meter import Meter, MeterState
from firmware_sims.modbus_server import ModbusEndpoint
from firmware_sims.physics.community import Home


@dataclass(eq=False)
class RunningDevice:
    """One served device: where to reach it, what it is, and its physical state."""

    device: SimulatedDevice
    endpoint: ModbusEndpoint
    home_id: str

    @property
    def host(self) -> str:
        return self.endpoint.host

    @property
    def port(self) -> int:
        return self.endpoint.port

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
