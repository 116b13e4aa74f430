"""Encode engineering values into SunSpec registers (big-endian, high word first)."""

from __future__ import annotations

import math
import struct

# Register images of "not implemented" per SunSpec type (see pysunspec2 sunspec2/mb.py).
SENTINELS: dict[str, tuple[int, ...]] = {
    "int16": (0x8000,),
    "uint16": (0xFFFF,),
    "count": (0xFFFF,),
    "acc16": (0,),
    "enum16": (0xFFFF,),
    "bitfield16": (0xFFFF,),
    "sunssf": (0x8000,),
    "pad": (0x8000,),
    "int32": (0x8000, 0x0000),
    "uint32": (0xFFFF, 0xFFFF),
    "acc32": (0, 0),
    "enum32": (0xFFFF, 0xFFFF),
    "bitfield32": (0xFFFF, 0xFFFF),
    "float32": (0x7FC0, 0x0000),
    "int64": (0x8000, 0, 0, 0),
    "uint64": (0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF),
    "acc64": (0, 0, 0, 0),
}

_INT_RANGES: dict[str, tuple[int, int]] = {
    # Valid raw ranges; the sentinel itself is excluded so a value never reads as "missing".
    "int16": (-0x7FFF, 0x7FFF),
    "uint16": (0, 0xFFFE),
    "count": (0, 0xFFFE),
    "enum16": (0, 0xFFFE),
    "bitfield16": (0, 0x7FFF),
    "sunssf": (-10, 10),
    "int32": (-0x7FFFFFFF, 0x7FFFFFFF),
    "uint32": (0, 0xFFFFFFFE),
    "enum32": (0, 0xFFFFFFFE),
    "bitfield32": (0, 0x7FFFFFFF),
    "int64": (-0x7FFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF),
    "uint64": (0, 0xFFFFFFFFFFFFFFFE),
}
_ACC_MODULUS = {"acc16": 1 << 16, "acc32": 1 << 32, "acc64": 1 << 64}
_WORDS = {"16": 1, "32": 2, "64": 4}


def sentinel(point_type: str, size: int) -> list[int]:
    """Registers that mean "not implemented" for a point of this type."""
    if point_type == "string":
        return [0] * size
    return list(SENTINELS[point_type])


def words(value: int, count: int) -> list[int]:
    """Split a non-negative integer into ``count`` big-endian registers."""
    return [(value >> (16 * (count - 1 - i))) & 0xFFFF for i in range(count)]


def to_raw(value: float, sf: int | None) -> int:
    """Engineering value -> raw integer: ``raw * 10**sf == value`` (rounded)."""
    return round(value / 10.0**sf) if sf else round(value)


def encode(point_type: str, size: int, value: float | str | None, sf: int | None = None) -> list[int]:
    """Registers for one point. ``None`` and non-finite values encode as the sentinel.

    Integers that do not fit their type also encode as the sentinel (a device cannot
    show a value it cannot represent); accumulators wrap modulo their width.
    """
    if value is None:
        return sentinel(point_type, size)
    if point_type == "string":
        data = str(value).encode("ascii", "replace")[: size * 2].ljust(size * 2, b"\0")
        return list(struct.unpack(f">{size}H", data))
    if point_type == "float32":
        number = float(value)  # NaN is itself the float32 sentinel
        return list(struct.unpack(">2H", struct.pack(">f", number)))
    number = float(value)
    if not math.isfinite(number):
        return sentinel(point_type, size)
    raw = to_raw(number, sf)
    if point_type in _ACC_MODULUS:
        return words(raw % _ACC_MODULUS[point_type], size)
    low, high = _INT_RANGES[point_type]
    if not low <= raw <= high:
        return sentinel(point_type, size)
    return words(raw & ((1 << (16 * size)) - 1), size)


def decode_int(point_type: str, registers: list[int]) -> int:
    """Raw integer of a written point (signed types as two's complement)."""
    value = 0
    for register in registers:
        value = (value << 16) | register
    if point_type.startswith("int") or point_type == "sunssf":
        bits = 16 * len(registers)
        if value >= 1 << (bits - 1):
            value -= 1 << bits
    return value


def is_sentinel(point_type: str, registers: list[int]) -> bool:
    return point_type != "string" and tuple(registers) == SENTINELS.get(point_type)


def suffix_width(point_type: str) -> int:
    """Registers a numeric type occupies (``int32`` -> 2)."""
    for suffix, count in _WORDS.items():
        if point_type.endswith(suffix):
            return count
    return 1
