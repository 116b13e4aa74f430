"""A device's SunSpec register image: the ``SunS`` marker, a chain of models, the end marker."""

from __future__ import annotations

from dataclasses import dataclass, field

from firmware_sims.sunspec.encoding import encode, sentinel
from firmware_sims.sunspec.model_table import MODELS
from firmware_sims.sunspec.points import ModelDef, Point

SUNS_MARKER = (0x5375, 0x6E53)  # "SunS"
END_MODEL = (0xFFFF, 0x0000)


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One model in the chain; ``repeats`` instances of its repeating group (160: modules)."""

    model_id: int
    repeats: int = 0
    truncate_by: int = 0  # registers dropped from the end (Common L=65 field fault)


@dataclass(slots=True)
class PlacedPoint:
    model_id: int
    point: Point
    index: int  # position in the register list
    group: int  # repeating-group instance, -1 for fixed points


@dataclass
class RegisterImage:
    """Holding registers ``base .. base+len(regs)`` of one device, values kept encoded.

    Points are written with :meth:`set` (engineering value, scaled by the point's SF
    register) and read back by the Modbus layer as plain register slices.
    """

    base: int
    models: tuple[ModelSpec, ...]
    regs: list[int] = field(default_factory=list)
    model_start: dict[int, int] = field(default_factory=dict)  # model id -> index of its ID register
    _points: dict[tuple[int, str, int], PlacedPoint] = field(default_factory=dict)
    _by_index: dict[int, PlacedPoint] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.regs = list(SUNS_MARKER)
        for spec in self.models:
            self._place(spec, MODELS[spec.model_id])
        self.regs.extend(END_MODEL)

    def _place(self, spec: ModelSpec, model: ModelDef) -> None:
        start = len(self.regs)
        length = model.fixed_length + spec.repeats * model.repeat_length - spec.truncate_by
        self.model_start[spec.model_id] = start
        for point in model.points:
            self._add(spec.model_id, point, start + point.offset, -1)
        fixed_end = start + 2 + model.fixed_length
        for group in range(spec.repeats):
            for point in model.repeating:
                self._add(spec.model_id, point, fixed_end + group * model.repeat_length + point.offset, group)
        self.regs = self.regs[: start + 2 + length]
        self.regs[start] = spec.model_id
        self.regs[start + 1] = length
        for key, placed in list(self._points.items()):
            if placed.index + placed.point.size > len(self.regs):  # truncated away
                del self._points[key]
                for offset in range(placed.point.size):
                    self._by_index.pop(placed.index + offset, None)

    def _add(self, model_id: int, point: Point, index: int, group: int) -> None:
        needed = index + point.size
        if len(self.regs) < needed:
            self.regs.extend([0] * (needed - len(self.regs)))
        if point.name not in ("ID", "L"):
            self.regs[index : index + point.size] = sentinel(point.type, point.size)
        placed = PlacedPoint(model_id, point, index, group)
        self._points[(model_id, point.name, group)] = placed
        for offset in range(point.size):
            self._by_index[index + offset] = placed

    # --- lookup -----------------------------------------------------------------------------
    def has(self, model_id: int, name: str, group: int = -1) -> bool:
        return (model_id, name, group) in self._points

    def placed(self, model_id: int, name: str, group: int = -1) -> PlacedPoint:
        return self._points[(model_id, name, group)]

    def address_of(self, model_id: int, name: str, group: int = -1) -> int:
        """Modbus (PDU, 0-based) address of a point."""
        return self.base + self._points[(model_id, name, group)].index

    def point_at(self, address: int) -> PlacedPoint | None:
        return self._by_index.get(address - self.base)

    def contains(self, address: int, count: int) -> bool:
        return self.base <= address and address + count <= self.base + len(self.regs)

    def read(self, address: int, count: int) -> list[int]:
        start = address - self.base
        return self.regs[start : start + count]

    # --- values -----------------------------------------------------------------------------
    def sf(self, model_id: int, sf_name: str | None, group: int = -1) -> int | None:
        """Current value of a scale-factor register (None if absent or not implemented)."""
        if sf_name is None:
            return None
        placed = self._points.get((model_id, sf_name, -1)) or self._points.get((model_id, sf_name, group))
        if placed is None:
            return None
        raw = self.regs[placed.index]
        return None if raw == 0x8000 else (raw - 0x10000 if raw & 0x8000 else raw)

    def set(self, model_id: int, name: str, value: float | str | None, group: int = -1) -> None:
        """Encode an engineering value (scaled by the point's SF register) into the image."""
        placed = self._points.get((model_id, name, group))
        if placed is None:
            return  # truncated away or not in this variant: nothing to show
        point = placed.point
        sf = self.sf(model_id, point.sf, group) if point.type != "sunssf" else None
        self.regs[placed.index : placed.index + point.size] = encode(point.type, point.size, value, sf)

    def set_raw(self, model_id: int, name: str, registers: list[int], group: int = -1) -> None:
        placed = self._points.get((model_id, name, group))
        if placed is not None:
            self.regs[placed.index : placed.index + placed.point.size] = registers

    def raw(self, model_id: int, name: str, group: int = -1) -> list[int]:
        placed = self._points[(model_id, name, group)]
        return self.regs[placed.index : placed.index + placed.point.size]
