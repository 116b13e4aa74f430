"""Role adapters over a SunSpec device: each implements the capabilities its models provide."""

from __future__ import annotations

from edge_agent.battery_control import Storage124Control, control_for
from edge_agent.sunspec.device import Sample, SunSpecDevice
from edge_agent.sunspec.maps import ModelKind
from powershare_wire import DeviceInfo, DispatchMode, Role


class Device:
    """A device in its site role. Capability values come from the latest :meth:`refresh`."""

    def __init__(self, sunspec: SunSpecDevice, role: Role, invert_power: bool = False) -> None:
        self.sunspec = sunspec
        self.role = role
        self._sign = -1.0 if invert_power else 1.0
        self.sample = Sample()

    @property
    def serial(self) -> str:
        return self.sunspec.serial

    async def refresh(self) -> Sample:
        self.sample = await self.sunspec.read()
        return self.sample

    def info(self, ok: bool = True, problem: str | None = None) -> DeviceInfo:
        identity = self.sunspec.layout.identity
        return DeviceInfo(
            serial=self.serial,
            role=self.role,
            manufacturer=identity.manufacturer,
            model=identity.model,
            sunspec_models=self.sunspec.layout.model_ids,
            ok=ok,
            problem=problem,
        )

    def _signed(self, name: str) -> float | None:
        value = self.sample.value(name)
        return None if value is None else self._sign * value


class PvInverter(Device):
    def power_w(self) -> float | None:
        value = self._signed("w")
        # Inverters draw a few W at night; the site convention has pv ≥ 0.
        return None if value is None else max(value, 0.0)

    def production_wh(self) -> float | None:
        return self.sample.value("wh")


class Meter(Device):
    def power_w(self) -> float | None:
        return self._signed("w")

    def import_wh(self) -> float | None:
        return self.sample.value("import_wh")

    def export_wh(self) -> float | None:
        return self.sample.value("export_wh")


class Battery(Device):
    def power_w(self) -> float | None:
        return self._signed("w")

    def soc_pct(self) -> float | None:
        return self.sample.value("soc_pct")

    def capacity_wh(self) -> float | None:
        return self.sample.value("capacity_wh")

    def reserve_pct(self) -> float | None:
        reserve = self.sample.value("reserve_pct")
        minimum = self.sample.value("soc_min_pct")
        known = [v for v in (reserve, minimum) if v is not None]
        return max(known) if known else None


class ControllableBattery(Battery):
    """A battery with model 124 control registers."""

    def __init__(self, sunspec: SunSpecDevice, role: Role, invert_power: bool) -> None:
        super().__init__(sunspec, role, invert_power)
        control = control_for(sunspec, lambda: self.sample)
        if control is None:
            raise ValueError(f"{sunspec.serial} has no battery control model (124)")
        self.control: Storage124Control = control

    def max_charge_w(self) -> float | None:
        return self.control.max_charge_w()

    def max_discharge_w(self) -> float | None:
        return self.control.max_discharge_w()

    async def command(self, mode: DispatchMode, power_w: float, revert_s: int) -> None:
        await self.control.command(mode, power_w, revert_s)

    async def release(self) -> None:
        await self.control.release()

    def in_effect(self) -> bool | None:
        return self.control.in_effect()


def infer_role(sunspec: SunSpecDevice) -> Role:
    kinds = sunspec.kinds()
    if ModelKind.METER in kinds:
        return Role.METER
    if ModelKind.BATTERY in kinds:
        return Role.BATTERY
    return Role.PV


def make_device(sunspec: SunSpecDevice, role: Role | None = None, invert_power: bool = False) -> Device:
    role = role or infer_role(sunspec)
    if role is Role.METER:
        return Meter(sunspec, role, invert_power)
    if role is Role.BATTERY:
        if control_for(sunspec, Sample) is None:
            return Battery(sunspec, role, invert_power)
        return ControllableBattery(sunspec, role, invert_power)
    return PvInverter(sunspec, role, invert_power)
