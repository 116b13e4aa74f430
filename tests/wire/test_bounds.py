"""Validation refuses what no device produces (#12): values beyond their unit's bounds, control characters."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from hub.energy.intervals import counter_delta
from powershare_wire import DeviceInfo, DispatchAck, DispatchCommand, Reading, Status, Telemetry, Unit
from powershare_wire.bounds import BY_UNIT, OUT_OF_BOUNDS
from powershare_wire.messages import CONTROL_CHARACTER

TS = "2026-06-01T12:00:00Z"


def reading(values: dict[str, Any], device: str = "site") -> dict[str, Any]:
    return {"seq": 1, "ts": TS, "device": device, "values": values}


def quantity(value: float | None, unit: Unit) -> dict[str, Any]:
    return {"value": value, "unit": unit.value}


def refusal(model: type[BaseModel], data: dict[str, Any]) -> tuple[str, str, str] | None:
    """The first error's (type, location, message) validating ``data`` as JSON; None if valid."""
    try:
        model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        return error["type"], ".".join(str(part) for part in error["loc"]), error["msg"]
    return None


def test_every_unit_has_bounds() -> None:
    assert set(BY_UNIT) == set(Unit)


@pytest.mark.parametrize(
    ("name", "value", "unit", "accepted"),
    [
        ("pv_w", 0.0, Unit.W, True),
        ("grid_w", -10e6, Unit.W, True),
        ("grid_w", 10e6, Unit.W, True),
        ("grid_w", 10e6 + 1, Unit.W, False),
        ("pv_w", 1e308, Unit.W, False),
        ("battery_w", -1e308, Unit.W, False),
        ("import_wh", 0.0, Unit.WH, True),
        ("import_wh", 10e12, Unit.WH, True),
        ("import_wh", 1.1e13, Unit.WH, False),
        ("import_wh", -5e6, Unit.WH, False),  # a counter below zero, which counter_delta would book
        ("export_wh", -0.001, Unit.WH, False),
        ("soc_pct", 0.0, Unit.PERCENT, True),
        ("soc_pct", 100.0, Unit.PERCENT, True),
        ("soc_pct", 100.5, Unit.PERCENT, False),
        ("soc_pct", -1.0, Unit.PERCENT, False),
        ("v", 230.0, Unit.V, True),
        ("mppt1_v", 1500.0, Unit.V, True),
        ("v", 1500.1, Unit.V, False),
        ("v", -230.0, Unit.V, False),
        ("a", -50e3, Unit.A, True),
        ("a", 60e3, Unit.A, False),
        ("hz", 50.0, Unit.HZ, True),
        ("hz", 0.0, Unit.HZ, True),  # an inverter off the grid
        ("hz", 70.1, Unit.HZ, False),
        ("hz", -50.0, Unit.HZ, False),
        ("temp_c", -40.0, Unit.CELSIUS, True),
        ("temp_c", 200.1, Unit.CELSIUS, False),
        ("temp_c", -273.15, Unit.CELSIUS, False),
        ("pv_w", None, Unit.W, True),  # not implemented by the device
    ],
)
def test_values_beyond_their_units_bounds_are_refused(
    name: str, value: float | None, unit: Unit, accepted: bool
) -> None:
    values = {"load_w": quantity(500.0, Unit.W), name: quantity(value, unit)}
    found = refusal(Reading, reading(values))
    if accepted:
        assert found is None
        return
    assert found is not None
    kind, where, text = found
    bound = BY_UNIT[unit]
    assert (kind, where) == (OUT_OF_BOUNDS, "values")
    # the reason names the field, its value and the bound
    assert (
        text
        == f"{name} = {value:g} {unit.value} is outside [{bound.low:.15g}, {bound.high:.15g}] {unit.value}"
    )


def test_a_counter_that_drops_is_a_reset_not_a_refusal() -> None:
    """A meter swapped for a new one: 5 MWh down, booked as the new value (counter_delta's rule)."""
    message = {
        "v": 1,
        "site": "home-1",
        "readings": [
            {**reading({"import_wh": quantity(5_000_100.0, Unit.WH)}), "seq": 1},
            {**reading({"import_wh": quantity(100.0, Unit.WH)}), "seq": 2},
        ],
    }
    assert refusal(Telemetry, message) is None
    assert counter_delta(5_000_100.0, 100.0) == 100.0


counters = st.floats(-1e14, 1e14) | st.floats()


@given(previous=counters, current=counters)
def test_counters_that_pass_validation_never_book_a_negative_delta(previous: float, current: float) -> None:
    readings = [
        {**reading({"import_wh": quantity(v, Unit.WH)}), "seq": i} for i, v in enumerate((previous, current))
    ]
    if _accepts(lambda: Telemetry.model_validate({"v": 1, "site": "home-1", "readings": readings})):
        assert counter_delta(previous, current) >= 0


@given(value=st.floats(), unit=st.sampled_from(Unit))
def test_validation_never_accepts_a_value_that_is_not_finite_or_out_of_bounds(
    value: float, unit: Unit
) -> None:
    bound = BY_UNIT[unit]
    within = math.isfinite(value) and bound.low <= value <= bound.high
    data = reading({"x": quantity(value, unit)})
    assert _accepts(lambda: Reading.model_validate(data)) == within  # an agent building its reading
    assert _accepts(lambda: Reading.model_validate_json(json.dumps(data))) == within  # NaN, Infinity as sent


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_json_numbers_that_are_not_finite_are_refused(number: str) -> None:
    text = json.dumps(reading({"x": quantity(1.0, Unit.W)})).replace("1.0", number)
    assert not _accepts(lambda: Reading.model_validate_json(text))


def _accepts(validate: Any) -> bool:
    try:
        validate()
    except ValidationError:
        return False
    return True


CONTROL = ["\x00", "\x01", "\t", "\n", "\x1b", "\x7f", "\x85", "\x9f"]


@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize(
    ("model", "make", "where"),
    [
        (Reading, lambda c: reading({"pv_w": quantity(1.0, Unit.W)}, device=f"SN{c}1"), "device"),
        (Reading, lambda c: reading({f"pv{c}_w": quantity(1.0, Unit.W)}), "values"),
        (
            Status,
            lambda c: {"v": 1, "site": "s", "online": True, "ts": TS, "agent_version": f"1.0{c}"},
            "agent_version",
        ),
        (DeviceInfo, lambda c: {"serial": f"SN{c}", "role": "pv"}, "serial"),
        (DeviceInfo, lambda c: {"serial": "SN", "role": "pv", "manufacturer": f"ACME{c}"}, "manufacturer"),
        (DeviceInfo, lambda c: {"serial": "SN", "role": "pv", "model": f"X{c}"}, "model"),
        (
            DispatchCommand,
            lambda c: {
                "id": f"c{c}",
                "site": "s",
                "mode": "idle",
                "power_w": 0,
                "duration_s": 60,
                "issued_at": TS,
            },
            "id",
        ),
        (
            DispatchCommand,
            lambda c: {
                "id": "c",
                "site": "s",
                "device": f"b{c}",
                "mode": "idle",
                "power_w": 0,
                "duration_s": 60,
                "issued_at": TS,
            },
            "device",
        ),
        (
            DispatchAck,
            lambda c: {"id": f"c{c}", "site": "s", "outcome": "accepted", "power_w": 0, "ts": TS},
            "id",
        ),
    ],
)
def test_names_serials_and_ids_with_control_characters_are_refused(
    model: type[BaseModel], make: Any, where: str, char: str
) -> None:
    found = refusal(model, make(char))
    assert found is not None
    kind, location, text = found
    assert (kind, location) == (CONTROL_CHARACTER, where)
    assert f"U+{ord(char):04X}" in text


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (DeviceInfo, {"serial": "SN", "role": "pv", "problem": "timeout\nthen: no answer\t(3 tries)"}),
        (
            DispatchAck,
            {"id": "c", "site": "s", "outcome": "rejected", "power_w": 0, "ts": TS, "reason": "a\nb"},
        ),
        (Reading, reading({"pv_w": quantity(1.0, Unit.W)}, device="Wechselrichter Süd · ☀\u00ad1")),
    ],
)
def test_free_text_may_break_lines_and_names_may_be_any_printable_text(
    model: type[BaseModel], data: dict[str, Any]
) -> None:
    assert refusal(model, data) is None


@pytest.mark.parametrize(
    ("model", "data", "where"),
    [
        (DeviceInfo, {"serial": "SN", "role": "pv", "problem": "no\x00answer"}, "problem"),
        (
            DispatchAck,
            {"id": "c", "site": "s", "outcome": "rejected", "power_w": 0, "ts": TS, "reason": "\x00"},
            "reason",
        ),
    ],
)
def test_free_text_refuses_nul(model: type[BaseModel], data: dict[str, Any], where: str) -> None:
    assert refusal(model, data) == (
        CONTROL_CHARACTER,
        where,
        f"contains the control character U+0000 at {data[where].index(chr(0))}",
    )


def _has_control_character(text: str) -> bool:
    return any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


@given(text=st.text(min_size=1, max_size=64))
def test_any_text_with_a_control_character_is_refused_as_a_serial_or_a_name(text: str) -> None:
    now = datetime.now(UTC)
    value = {"value": 1.0, "unit": Unit.W}
    as_device = _accepts(lambda: Reading(seq=1, ts=now, device=text, values={"pv_w": value}))
    as_name = _accepts(lambda: Reading(seq=1, ts=now, device="site", values={text: value}))
    assert as_device == as_name == (not _has_control_character(text))
