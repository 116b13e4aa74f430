"""What every simulated SunSpec device shares: register image, reads, writes, faults.

A device keeps its registers encoded and re-encodes them from the home's physics only when
the physics has moved on (or a control changed), so a poll between two physics steps is a
list slice. Kind-specific modules (inverter, battery, meter) say which models they carry,
how the physical state maps onto points, and which writes they accept.
"""

from __future__ import annotations

import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterable
from enum import StrEnum
from typing import ClassVar

from pymodbus.constants import ExcCodes

from firmware_sims.faults import LAYOUT_FAULTS, Fault, base_address
from firmware_sims.physics.community import Home
from firmware_sims.sunspec.encoding import decode_int, is_sentinel
from firmware_sims.sunspec.image import ModelSpec, PlacedPoint, RegisterImage

MANUFACTURER = "PowerShare Sim"
FIRMWARE_VERSION = "1.0.0"
_ACC32 = 1 << 32


class DeviceKind(StrEnum):
    INVERTER = "inverter"
    BATTERY = "battery"
    METER = "meter"


class NoAnswer(Exception):
    """Raised by a read that the device must not answer at all (the client times out)."""


class IllegalValue(Exception):
    """A write whose value the device rejects (Modbus exception 3)."""


def default_serial(kind: DeviceKind, home_id: str, seed: int = 0) -> str:
    """Stable serial number from (kind, home, seed), short enough for Common ``SN``."""
    code = zlib.crc32(f"{seed}:{home_id}:{kind.value}".encode())
    return f"PS{kind.value[0].upper()}{code:010d}"


def parse_variant(
    kind: DeviceKind, spec: str, variants: Iterable[str], default: str
) -> tuple[str, frozenset[Fault]]:
    """``"three_phase+common_l65+base_0"`` -> (model variant, faults); the model part is optional."""
    known = list(variants)
    model = default
    faults: set[Fault] = set()
    for token in filter(None, (part.strip() for part in spec.split("+"))):
        if token in known:
            model = token
        elif token in Fault.__members__.values():
            faults.add(Fault(token))
        else:
            choices = ", ".join(known + [f.value for f in Fault])
            raise ValueError(f"unknown {kind.value} variant {token!r}; expected one of: {choices}")
    base_address(faults)  # rejects contradictory bases early
    return model, frozenset(faults)


class SimulatedDevice(ABC):
    """One SunSpec device bound to one simulated home."""

    kind: ClassVar[DeviceKind]
    variants: ClassVar[dict[str, tuple[ModelSpec, ...]]]
    default_variant: ClassVar[str]
    model_name: ClassVar[dict[str, str]]  # variant -> Common Md

    def __init__(
        self, home: Home, *, variant: str = "", unit_id: int = 1, serial: str | None = None, seed: int = 0
    ) -> None:
        if not 1 <= unit_id <= 247:
            raise ValueError(f"unit_id must be 1..247, got {unit_id}")
        self.home = home
        self.variant_spec = variant or self.default_variant
        self.variant, layout_and_runtime = parse_variant(
            self.kind, self.variant_spec, self.variants, self.default_variant
        )
        self.faults: set[Fault] = set(layout_and_runtime)
        self.layout_faults = frozenset(f for f in layout_and_runtime if f in LAYOUT_FAULTS)
        self.unit_id = unit_id
        self.serial = serial or default_serial(self.kind, home.spec.home_id, seed)
        models = list(self.variants[self.variant])
        if Fault.COMMON_L65 in self.faults:
            models[0] = ModelSpec(1, truncate_by=1)
        self.image = RegisterImage(base_address(self.faults), tuple(models))
        self._encoded_step = -1
        self._rollover_origin: dict[str, float] = {}
        self._dirty = True
        self._write_common()
        self._write_static()

    # --- what subclasses provide -------------------------------------------------------------
    @abstractmethod
    def _write_static(self) -> None:
        """Scale factors, ratings, anything that does not follow the physics."""

    @abstractmethod
    def _encode(self) -> None:
        """Write the current physical state into the image."""

    @abstractmethod
    def _illegal_register(self) -> int:
        """Address that answers exception 2 under the ILLEGAL_REGISTER fault."""

    def _validate(self, placed: PlacedPoint, raw: int) -> None:
        """Raise IllegalValue for a write the device refuses; default: accept anything."""
        return

    def _apply(self, placed: PlacedPoint, raw: int) -> None:
        """Act on an accepted write; default: only store it (it reads back)."""
        return

    # --- common behaviour --------------------------------------------------------------------
    def _write_common(self) -> None:
        image = self.image
        image.set(1, "Mn", MANUFACTURER)
        image.set(1, "Md", self.model_name[self.variant])
        image.set(1, "Opt", self.variant_spec[:16])
        image.set(1, "Vr", FIRMWARE_VERSION)
        image.set(1, "SN", self.serial)
        image.set(1, "DA", self.unit_id)

    @property
    def base_address(self) -> int:
        return self.image.base

    def set_fault(self, fault: Fault | str, enabled: bool = True) -> None:
        """Switch a run-time fault on or off (layout faults are fixed at construction)."""
        fault = Fault(fault)
        if fault in LAYOUT_FAULTS and enabled != (fault in self.layout_faults):
            raise ValueError(f"{fault.value} changes the register layout; choose it in the variant instead")
        if enabled:
            self.faults.add(fault)
        else:
            self.faults.discard(fault)
        self.invalidate()

    def set_scale_factor(self, model_id: int, sf_name: str, value: int) -> None:
        """Change a scale factor at run time (clients that cache SFs go wrong; real devices do it)."""
        if not -10 <= value <= 10:
            raise ValueError(f"scale factors are -10..10, got {value}")
        if not self.image.has(model_id, sf_name):
            raise KeyError(f"model {model_id} of this device has no {sf_name}")
        self.image.set(model_id, sf_name, value)
        self.invalidate()

    def invalidate(self) -> None:
        self._dirty = True

    def refresh(self) -> None:
        """Re-encode if the physics moved on since the last encoding."""
        physics = self.home.community
        physics.sync()
        if self._dirty or physics.steps_done != self._encoded_step:
            self._encoded_step = physics.steps_done
            self._dirty = False
            self._encode()

    def is_sleeping(self) -> bool:
        return False

    def acc32(self, energy_wh: float, sf: int | None, counter: str) -> float:
        """Value to encode for an acc32 energy counter.

        Under ACC32_ROLLOVER each counter starts 3600 counts below 2**32 when first shown, so
        it wraps soon; deltas taken modulo 2**32 stay equal to the true energy.
        """
        if Fault.ACC32_ROLLOVER not in self.faults:
            self._rollover_origin.clear()
            return energy_wh
        origin = self._rollover_origin.setdefault(counter, energy_wh)
        return energy_wh - origin + (_ACC32 - 3600) * 10.0 ** (sf or 0)

    def optional(self, value: float) -> float | None:
        """A point real devices often leave unimplemented: ``None`` under the SENTINELS fault."""
        return None if Fault.SENTINELS in self.faults else value

    # --- Modbus ------------------------------------------------------------------------------
    def read(self, address: int, count: int) -> list[int] | ExcCodes:
        if Fault.NIGHT_TIMEOUT in self.faults and self.is_sleeping():
            raise NoAnswer
        if Fault.NOT_SUNSPEC in self.faults:
            return [0] * count  # plausible data, but no SunS marker anywhere
        if not self.image.contains(address, count):
            return ExcCodes.ILLEGAL_ADDRESS
        if Fault.ILLEGAL_REGISTER in self.faults and address <= self._illegal_register() < address + count:
            return ExcCodes.ILLEGAL_ADDRESS
        self.refresh()
        return self.image.read(address, count)

    def write(self, address: int, values: list[int]) -> ExcCodes | None:
        if Fault.NIGHT_TIMEOUT in self.faults and self.is_sleeping():
            raise NoAnswer
        if Fault.NOT_SUNSPEC in self.faults or not self.image.contains(address, len(values)):
            return ExcCodes.ILLEGAL_ADDRESS
        if Fault.ILLEGAL_REGISTER in self.faults and address <= self._illegal_register() < address + len(
            values
        ):
            return ExcCodes.ILLEGAL_ADDRESS
        writes: list[tuple[PlacedPoint, list[int]]] = []
        cursor = address
        end = address + len(values)
        while cursor < end:
            placed = self.image.point_at(cursor)
            if placed is None or not placed.point.writable:
                return ExcCodes.ILLEGAL_ADDRESS
            start = self.image.base + placed.index
            if start < address or start + placed.point.size > end:
                return ExcCodes.ILLEGAL_ADDRESS  # a write must cover whole points
            writes.append((placed, values[start - address : start - address + placed.point.size]))
            cursor = start + placed.point.size
        self.home.community.sync()  # controls act from now on, not retroactively
        try:
            for placed, registers in writes:
                if is_sentinel(placed.point.type, registers):
                    raise IllegalValue(placed.point.name)
                self._validate(placed, decode_int(placed.point.type, registers))
        except IllegalValue:
            return ExcCodes.ILLEGAL_VALUE
        for placed, registers in writes:
            self.image.set_raw(placed.model_id, placed.point.name, registers, placed.group)
            self._apply(placed, decode_int(placed.point.type, registers))
        self.invalidate()
        return None
