"""Register codec: round trips, sentinels and accumulator rollover (property tests)."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge_agent.sunspec.codec import (
    AccumulatorUnwrapper,
    PointType,
    accumulator_delta,
    decode,
    encode,
    scaled,
)

INT_RANGES = {
    PointType.INT16: (-(2**15) + 1, 2**15 - 1),
    PointType.UINT16: (0, 2**16 - 2),
    PointType.ENUM16: (0, 2**16 - 2),
    PointType.ACC16: (1, 2**16 - 1),
    PointType.SUNSSF: (-10, 10),
    PointType.INT32: (-(2**31) + 1, 2**31 - 1),
    PointType.UINT32: (0, 2**32 - 2),
    PointType.ACC32: (1, 2**32 - 1),
    PointType.INT64: (-(2**63) + 1, 2**63 - 1),
    PointType.UINT64: (0, 2**64 - 2),
    PointType.ACC64: (1, 2**64 - 1),
}


@pytest.mark.parametrize("point_type", list(INT_RANGES))
@given(data=st.data())
def test_integer_round_trip(point_type: PointType, data: st.DataObject) -> None:
    low, high = INT_RANGES[point_type]
    value = data.draw(st.integers(low, high))
    registers = encode(point_type, value)
    assert all(0 <= r <= 0xFFFF for r in registers)
    assert decode(point_type, registers) == value


@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_float32_round_trip(value: float) -> None:
    assert decode(PointType.FLOAT32, encode(PointType.FLOAT32, value)) == value


@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=32))
def test_string_round_trip(text: str) -> None:
    assert decode(PointType.STRING, encode(PointType.STRING, text, size=16)) == text


@pytest.mark.parametrize(
    ("point_type", "registers"),
    [
        (PointType.INT16, [0x8000]),
        (PointType.UINT16, [0xFFFF]),
        (PointType.ENUM16, [0xFFFF]),
        (PointType.BITFIELD16, [0xFFFF]),
        (PointType.SUNSSF, [0x8000]),
        (PointType.ACC16, [0]),
        (PointType.ACC32, [0, 0]),
        (PointType.INT32, [0x8000, 0]),
        (PointType.UINT32, [0xFFFF, 0xFFFF]),
        (PointType.INT64, [0x8000, 0, 0, 0]),
        (PointType.UINT64, [0xFFFF] * 4),
        (PointType.ACC64, [0] * 4),
        (PointType.FLOAT32, [0x7FC0, 0]),
        (PointType.STRING, [0] * 16),
        (PointType.PAD, [0x8000]),
    ],
)
def test_sentinels_decode_to_none(point_type: PointType, registers: list[int]) -> None:
    assert decode(point_type, registers) is None
    if point_type is not PointType.PAD:
        assert decode(point_type, encode(point_type, None, size=len(registers))) is None


@given(st.sampled_from([0x7FC1, 0xFFC0, 0x7F80]), st.integers(0, 0xFFFF))
def test_float_nan_and_inf_are_none(high: int, low: int) -> None:
    number = struct.unpack(">f", struct.pack(">HH", high, low))[0]
    if math.isnan(number) or math.isinf(number):
        assert decode(PointType.FLOAT32, [high, low]) is None


@given(st.integers(1, 2**32 - 1), st.integers(0, 2**31))
def test_acc32_delta_survives_rollover(start: int, step: int) -> None:
    end = (start + step) % 2**32
    delta = accumulator_delta(start, end)
    if end == 0:
        assert delta is None  # 0 means "unknown", never a real counter value
    else:
        assert delta == step


def test_acc32_reset_is_unknown_not_negative() -> None:
    assert accumulator_delta(1000, 0) is None
    assert accumulator_delta(None, 5) is None


@pytest.mark.parametrize(
    ("raw", "sf", "expected"),
    [(1234, 0, 1234.0), (1234, -2, 12.34), (12, 3, 12000.0), (None, 0, None), (5, None, 5.0), (5, 11, None)],
)
def test_scale_factor(raw: int | None, sf: int | None, expected: float | None) -> None:
    assert scaled(raw, sf) == expected


def test_encode_refuses_out_of_range() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        encode(PointType.UINT16, 70000)
    with pytest.raises(ValueError, match="does not fit"):
        encode(PointType.INT16, -40000)


@given(st.integers(2**31, 2**32 - 1), st.lists(st.integers(0, 2**20), min_size=1, max_size=30))
def test_unwrapped_acc32_is_the_true_lifetime_count(start: int, steps: list[int]) -> None:
    unwrap = AccumulatorUnwrapper()
    true_total = start
    assert unwrap("wh", start, 32) == start
    for step in steps:
        true_total += step
        raw = true_total % 2**32
        if raw == 0:
            continue  # an acc32 reading of 0 decodes to None ("unknown") and is never unwrapped
        assert unwrap("wh", raw, 32) == true_total


def test_unwrapper_bridges_a_device_reset() -> None:
    unwrap = AccumulatorUnwrapper()
    assert unwrap("wh", 5000, 32) == 5000
    assert unwrap("wh", 10, 32) == 5000  # reset: carry on, never go backwards
    assert unwrap("wh", 25, 32) == 5015
