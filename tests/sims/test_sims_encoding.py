"""Register encoding: scale factors, sentinels, accumulators, layouts (table tests)."""

from __future__ import annotations

import math

import pytest

from firmware_sims.sunspec.encoding import decode_int, encode, is_sentinel, sentinel
from firmware_sims.sunspec.image import ModelSpec, RegisterImage


@pytest.mark.parametrize(
    ("point_type", "size", "value", "sf", "registers"),
    [
        ("int16", 1, 4226.6, 0, [4227]),
        ("int16", 1, 4226.6, -1, [0x8000]),  # 42266 does not fit int16: reads "not implemented"
        ("int16", 1, -1500.0, 0, [0x10000 - 1500]),
        ("int16", 1, 49.99, -2, [4999]),
        ("uint16", 1, 230.04, -1, [2300]),
        ("uint16", 1, 12000.0, 1, [1200]),
        ("uint32", 2, 0x12345, None, [0x0001, 0x2345]),
        ("acc32", 2, 1000.0, 0, [0, 1000]),
        ("acc32", 2, float(2**32 + 5), 0, [0, 5]),  # accumulators wrap modulo 2**32
        ("uint64", 4, 2**40, 0, [0, 0x100, 0, 0]),
        ("sunssf", 1, -2, None, [0xFFFE]),
        ("enum16", 1, 4, None, [4]),
        ("float32", 2, 1.5, None, [0x3FC0, 0x0000]),
        ("string", 4, "SunS", None, [0x5375, 0x6E53, 0, 0]),
    ],
)
def test_encode(point_type: str, size: int, value: float | str, sf: int | None, registers: list[int]) -> None:
    assert encode(point_type, size, value, sf) == registers


@pytest.mark.parametrize(
    ("point_type", "size", "registers"),
    [
        ("int16", 1, [0x8000]),
        ("uint16", 1, [0xFFFF]),
        ("enum16", 1, [0xFFFF]),
        ("bitfield32", 2, [0xFFFF, 0xFFFF]),
        ("acc32", 2, [0, 0]),
        ("uint64", 4, [0xFFFF] * 4),
        ("float32", 2, [0x7FC0, 0]),
        ("sunssf", 1, [0x8000]),
        ("string", 3, [0, 0, 0]),
    ],
)
def test_none_encodes_the_not_implemented_sentinel(point_type: str, size: int, registers: list[int]) -> None:
    assert encode(point_type, size, None, 0) == registers
    assert point_type == "string" or is_sentinel(point_type, registers)


@pytest.mark.parametrize(
    ("point_type", "value"),
    [("uint16", -1.0), ("uint16", 70000.0), ("int16", 40000.0), ("int16", math.nan), ("uint32", math.inf)],
)
def test_unrepresentable_values_read_as_not_implemented(point_type: str, value: float) -> None:
    size = 2 if point_type.endswith("32") else 1
    assert encode(point_type, size, value, 0) == sentinel(point_type, size)


@pytest.mark.parametrize(
    ("point_type", "registers", "raw"),
    [("int16", [0xFFFE], -2), ("uint16", [0xFFFE], 0xFFFE), ("int16", [100], 100), ("uint32", [1, 2], 65538)],
)
def test_decode_int(point_type: str, registers: list[int], raw: int) -> None:
    assert decode_int(point_type, registers) == raw


@pytest.mark.parametrize(
    ("models", "model_id", "point", "address"),
    [
        # The reference simulator layouts (PDU addresses) of the SunSpec models.
        ((1, 103, 160), 103, "W", 40084),
        ((1, 103, 160), 103, "W_SF", 40085),
        ((1, 103, 160), 103, "WH", 40094),
        ((1, 103, 160), 103, "St", 40108),
        ((1, 103, 160), 160, "N", 40130),
        ((1, 802, 124), 802, "SoC", 40081),
        ((1, 802, 124), 802, "W", 40117),
        ((1, 802, 124), 802, "W_SF", 40133),
        ((1, 802, 124), 124, "StorCtl_Mod", 40139),
        ((1, 802, 124), 124, "ChaState_SF", 40156),
        ((1, 203), 203, "W", 40088),
        ((1, 203), 203, "TotWhImp", 40116),
        ((1, 203), 203, "TotWh_SF", 40124),
        ((1, 701), 701, "W", 40080),
        ((1, 701), 701, "TotWhInj", 40089),
        ((1, 701), 701, "TotWh_SF", 40190),
    ],
)
def test_reference_layouts(models: tuple[int, ...], model_id: int, point: str, address: int) -> None:
    specs = tuple(ModelSpec(m, repeats=2 if m == 160 else 0) for m in models)
    assert RegisterImage(40000, specs).address_of(model_id, point) == address


@pytest.mark.parametrize(
    ("models", "end"), [((1, 103, 160), 40172), ((1, 802, 124), 40160), ((1, 203), 40177)]
)
def test_end_marker(models: tuple[int, ...], end: int) -> None:
    image = RegisterImage(40000, tuple(ModelSpec(m, repeats=2 if m == 160 else 0) for m in models))
    assert image.read(end, 2) == [0xFFFF, 0]
    assert image.read(40000, 2) == [0x5375, 0x6E53]


def test_common_l65_shifts_following_models() -> None:
    image = RegisterImage(40000, (ModelSpec(1, truncate_by=1), ModelSpec(103)))
    assert image.read(40003, 1) == [65]
    assert image.address_of(103, "W") == 40083
    assert not image.has(1, "Pad")


def test_scaled_set_uses_the_current_scale_factor() -> None:
    image = RegisterImage(40000, (ModelSpec(1), ModelSpec(103)))
    image.set(103, "W_SF", -1)
    image.set(103, "W", 1234.5)
    assert image.read(40084, 2) == [12345, 0xFFFF]
