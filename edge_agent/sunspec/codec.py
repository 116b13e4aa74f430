"""Encode and decode SunSpec point types to and from 16-bit big-endian registers.

"Not implemented" sentinels decode to ``None`` so that they never reach the wire as numbers.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from enum import StrEnum

Raw = int | float | str | None


class PointType(StrEnum):
    INT16 = "int16"
    UINT16 = "uint16"
    COUNT = "count"
    ACC16 = "acc16"
    ENUM16 = "enum16"
    BITFIELD16 = "bitfield16"
    SUNSSF = "sunssf"
    PAD = "pad"
    INT32 = "int32"
    UINT32 = "uint32"
    ACC32 = "acc32"
    ENUM32 = "enum32"
    BITFIELD32 = "bitfield32"
    INT64 = "int64"
    UINT64 = "uint64"
    ACC64 = "acc64"
    FLOAT32 = "float32"
    STRING = "string"


_WIDTH: dict[PointType, int] = {
    PointType.INT32: 2,
    PointType.UINT32: 2,
    PointType.ACC32: 2,
    PointType.ENUM32: 2,
    PointType.BITFIELD32: 2,
    PointType.FLOAT32: 2,
    PointType.INT64: 4,
    PointType.UINT64: 4,
    PointType.ACC64: 4,
}

_SIGNED = {PointType.INT16, PointType.SUNSSF, PointType.INT32, PointType.INT64}
_ACCUMULATORS = {PointType.ACC16, PointType.ACC32, PointType.ACC64}

# Unsigned patterns meaning "not implemented" (pysunspec2's table); accumulators use 0.
_SENTINEL: dict[PointType, int] = {
    PointType.INT16: 0x8000,
    PointType.SUNSSF: 0x8000,
    PointType.UINT16: 0xFFFF,
    PointType.COUNT: 0xFFFF,
    PointType.ENUM16: 0xFFFF,
    PointType.BITFIELD16: 0xFFFF,
    PointType.INT32: 0x8000_0000,
    PointType.UINT32: 0xFFFF_FFFF,
    PointType.ENUM32: 0xFFFF_FFFF,
    PointType.BITFIELD32: 0xFFFF_FFFF,
    PointType.INT64: 0x8000_0000_0000_0000,
    PointType.UINT64: 0xFFFF_FFFF_FFFF_FFFF,
    PointType.ACC16: 0,
    PointType.ACC32: 0,
    PointType.ACC64: 0,
}


def width(point_type: PointType, size: int = 1) -> int:
    """Number of registers a point occupies (``size`` is only used by strings)."""
    if point_type is PointType.STRING:
        return size
    return _WIDTH.get(point_type, 1)


def _join(registers: Sequence[int]) -> int:
    value = 0
    for register in registers:
        value = (value << 16) | (register & 0xFFFF)
    return value


def _split(value: int, count: int) -> list[int]:
    return [(value >> (16 * (count - 1 - i))) & 0xFFFF for i in range(count)]


def decode(point_type: PointType, registers: Sequence[int]) -> Raw:
    """Turn the registers of one point into a Python value, or ``None`` for a sentinel."""
    if point_type is PointType.STRING:
        data = b"".join(r.to_bytes(2, "big") for r in registers)
        text = data.split(b"\0", 1)[0].decode("utf-8", errors="replace").strip()
        return text or None
    if point_type is PointType.PAD:
        return None
    if point_type is PointType.FLOAT32:
        if registers[0] == 0x7FC0 and registers[1] == 0:
            return None
        number = struct.unpack(">f", struct.pack(">HH", registers[0], registers[1]))[0]
        return None if math.isnan(number) or math.isinf(number) else float(number)
    raw = _join(registers[: width(point_type)])
    if raw == _SENTINEL.get(point_type):
        return None
    if point_type in _SIGNED:
        bits = 16 * width(point_type)
        if raw >= 1 << (bits - 1):
            raw -= 1 << bits
    return raw


def encode(point_type: PointType, value: Raw, size: int = 1) -> list[int]:
    """Registers for ``value``; ``None`` encodes the type's "not implemented" sentinel."""
    count = width(point_type, size)
    if point_type is PointType.STRING:
        data = (value or "").encode() if isinstance(value, str) else b""
        data = data[: 2 * count].ljust(2 * count, b"\0")
        return [int.from_bytes(data[i : i + 2], "big") for i in range(0, 2 * count, 2)]
    if point_type is PointType.FLOAT32:
        if value is None:
            return [0x7FC0, 0]
        high, low = struct.unpack(">HH", struct.pack(">f", float(value)))
        return [high, low]
    if value is None:
        return _split(_SENTINEL.get(point_type, 0), count)
    if isinstance(value, str):
        raise TypeError(f"{point_type} cannot hold a string")
    number = int(value)
    bits = 16 * count
    if point_type in _SIGNED:
        if not -(1 << (bits - 1)) <= number < 1 << (bits - 1):
            raise ValueError(f"{number} does not fit {point_type}")
        number &= (1 << bits) - 1
    elif not 0 <= number < 1 << bits:
        raise ValueError(f"{number} does not fit {point_type}")
    return _split(number, count)


def scaled(raw: Raw, scale_factor: int | None) -> float | None:
    """Engineering value ``raw * 10**sf``; ``None`` when either part is not implemented."""
    if raw is None or isinstance(raw, str):
        return None
    if scale_factor is None:
        return float(raw)
    if not -10 <= scale_factor <= 10:
        # Outside the range SunSpec allows: the register holds garbage, not a scale.
        return None
    return float(raw * 10**scale_factor) if scale_factor >= 0 else raw / 10**-scale_factor


def is_accumulator(point_type: PointType) -> bool:
    return point_type in _ACCUMULATORS


def accumulator_delta(previous: int | None, current: int | None, bits: int = 32) -> int | None:
    """Growth of an accumulator between two reads, modulo ``2**bits``.

    A counter that reads 0 or is unknown on either side yields ``None``: a reset is "unknown",
    never negative energy.
    """
    if previous is None or current is None or current == 0:
        return None
    return (current - previous) % (1 << bits)


class AccumulatorUnwrapper:
    """Turns wrapping accumulator registers into lifetime counts that never decrease.

    A step down from the upper half of the range to the lower half is a rollover (add
    ``2**bits``); any other step down is a device reset, bridged so the total carries on.
    """

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._offset: dict[str, int] = {}

    def __call__(self, key: str, raw: int, bits: int) -> int:
        last = self._last.get(key)
        offset = self._offset.get(key, 0)
        if last is not None and raw < last:
            delta = accumulator_delta(last, raw, bits)
            if delta is not None and delta < 1 << (bits - 1) and last >= 1 << (bits - 1):
                offset += 1 << bits
            else:
                offset += last - raw
        self._last[key] = raw
        self._offset[key] = offset
        return raw + offset
