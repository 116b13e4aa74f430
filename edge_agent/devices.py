"""Role adapters over a SunSpec device: each implements the capabilities its models provide.

What a device reports is cleaned before anything uses it, because the wire models refuse
what no device could mean (#12): a value outside its unit's physical bounds
(``powershare_wire.bounds``) becomes "not reported" (None), with a warning at most every
``WARN_EVERY_S`` per device and quantity; control characters are stripped from its serial,
manufacturer and model. Otherwise one broken register would stop the whole poll cycle.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from edge_agent.battery_control import Storage124Control, control_for
from edge_agent.sunspec.device import Sample, SunSpecDevice
from edge_agent.sunspec.maps import ModelKind
from powershare_wire import DeviceInfo, DispatchMode, Quantity, Role, Unit
from powershare_wire.bounds import violation
from powershare_wire.messages import strip_control_characters

log = logging.getLogger(__name__)

WARN_EVERY_S = 600.0


class BoundsGuard:
    """Turns values outside their unit's bounds into None, warning at a limited rate."""

    def __init__(self, every_s: float = WARN_EVERY_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.every_s = every_s
        self.clock = clock
        self.refused = 0  # values turned into None, warned about or not
        self._warned_at: dict[tuple[str, str], float] = {}

    def check(self, device: str, name: str, value: float | None, unit: Unit) -> float | None:
        """``value``, or None when it cannot be (and then maybe a warning)."""
        problem = violation(name, value, unit)
        if problem is None:
            return value
        self.refused += 1
        now, key = self.clock(), (device, name)
        last = self._warned_at.get(key)
        if last is None or now - last >= self.every_s:
            self._warned_at[key] = now
            log.warning("device %s: %s; sent as not reported", device, problem)
        return None

    def clean_sample(self, device: str, sample: Sample) -> Sample:
        for name, (value, unit) in list(sample.values.items()):
            checked = self.check(device, name, value, unit)
            if checked is not value:
                sample.values[name] = (checked, unit)
        return sample

    def clean_quantities(self, device: str, values: dict[str, Quantity]) -> dict[str, Quantity]:
        return {
            name: Quantity(value=self.check(device, name, q["value"], q["unit"]), unit=q["unit"])
            for name, q in values.items()
        }


GUARD = BoundsGuard()  # one per process: warnings are rate-limited across all devices


class Device:
    """A device in its site role. Capability values come from the latest :meth:`refresh`."""

    def __init__(
        self, sunspec: SunSpecDevice, role: Role, invert_power: bool = False, guard: BoundsGuard = GUARD
    ) -> None:
        self.sunspec = sunspec
        self.role = role
        self._sign = -1.0 if invert_power else 1.0
        self._guard = guard
        self.sample = Sample()
        serial = strip_control_characters(sunspec.serial)
        if not serial:  # nothing left: where it is, as for a device without a serial
            serial = f"{sunspec.link.description}#{sunspec.layout.unit_id}"[:64]
        self.serial = serial

    async def refresh(self) -> Sample:
        self.sample = self._guard.clean_sample(self.serial, await self.sunspec.read())
        return self.sample

    def info(self, ok: bool = True, problem: str | None = None) -> DeviceInfo:
        identity = self.sunspec.layout.identity
        return DeviceInfo(
            serial=self.serial,
            role=self.role,
            manufacturer=strip_control_characters(identity.manufacturer),
            model=strip_control_characters(identity.model),
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

    def __init__(
        self, sunspec: SunSpecDevice, role: Role, invert_power: bool, guard: BoundsGuard = GUARD
    ) -> None:
        super().__init__(sunspec, role, invert_power, guard)
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


def make_device(
    sunspec: SunSpecDevice, role: Role | None = None, invert_power: bool = False, guard: BoundsGuard = GUARD
) -> Device:
    role = role or infer_role(sunspec)
    if role is Role.METER:
        return Meter(sunspec, role, invert_power, guard)
    if role is Role.BATTERY:
        if control_for(sunspec, Sample) is None:
            return Battery(sunspec, role, invert_power, guard)
        return ControllableBattery(sunspec, role, invert_power, guard)
    return PvInverter(sunspec, role, invert_power, guard)
