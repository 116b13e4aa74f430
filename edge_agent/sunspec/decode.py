"""Decode one model's register block into engineering values, using the model map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edge_agent.sunspec.codec import AccumulatorUnwrapper, PointType, Raw, decode, scaled
from edge_agent.sunspec.maps import ModelMap, Point
from powershare_wire import Unit


@dataclass(frozen=True, slots=True)
class Decoded:
    """A model's points: ``raw`` by SunSpec name, ``values`` (scaled) by published name."""

    raw: dict[str, Raw]
    values: dict[str, tuple[float | None, Unit]]


def _raw(point: Point, block: Sequence[int], base: int = 0) -> Raw:
    start = base + point.offset
    if start + point.width > len(block):
        return None  # beyond the L the device reported
    return decode(point.type, block[start : start + point.width])


def _scale_factor(raw: dict[str, Raw], name: str | None) -> tuple[bool, int | None]:
    """``(usable, sf)``: unusable when the SF point is itself "not implemented"."""
    if name is None:
        return True, None
    value = raw.get(name)
    return (isinstance(value, int), value if isinstance(value, int) else None)


_WRAPPING = {PointType.ACC16: 16, PointType.ACC32: 32}


def decode_block(
    model: ModelMap, block: Sequence[int], unwrap: AccumulatorUnwrapper | None = None
) -> Decoded:
    """``block`` starts at the model's ID register and holds ``2 + L`` registers.

    With ``unwrap``, acc16/acc32 points are published as lifetime counts across rollovers.
    """

    def published(point: Point, value: Raw, key: str) -> float | None:
        bits = _WRAPPING.get(point.type)
        if unwrap is not None and bits is not None and isinstance(value, int):
            value = unwrap(f"{model.model_id}.{key}", value, bits)
        return _scaled(value, raw, point.sf)

    raw: dict[str, Raw] = {p.sunspec: _raw(p, block) for p in model.points}
    values: dict[str, tuple[float | None, Unit]] = {}
    for point in model.points:
        if point.name is not None and point.unit is not None:
            values[point.name] = (published(point, raw[point.sunspec], point.sunspec), point.unit)
    group = model.repeat
    if group is not None:
        count = raw.get(group.count_point)
        for index in range(count if isinstance(count, int) else 0):
            base = group.start + index * group.length
            for point in group.points:
                if point.name is not None and point.unit is not None:
                    name = point.name.format(n=index + 1)
                    value = _raw(point, block, base)  # group offsets count from the module start
                    values[name] = (published(point, value, name), point.unit)
    return Decoded(raw, values)


def _scaled(value: Raw, raw: dict[str, Raw], sf_name: str | None) -> float | None:
    usable, sf = _scale_factor(raw, sf_name)
    if not usable:
        return None
    return scaled(value, sf)
