"""The hub's dispatch policy as tables: sizing, the reserve, command ids, what an ack means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub.market.dispatch import (
    EARLY_REVERT,
    above_reserve_wh,
    command_id,
    command_interval,
    duration_s,
    home_deficit_w,
    risk_of,
    size_discharge,
)
from powershare_wire import DispatchAck, DispatchOutcome

QUARTER = 900.0

SIZING = [
    # (what, Wh to deliver, seconds left, Wh above the reserve, expected W, expected short Wh)
    ("a quarter hour's 1 kWh", 1000, QUARTER, None, 4000.0, 0),
    ("an hour's 1 kWh", 1000, 3600.0, None, 1000.0, 0),
    ("half the interval left", 500, QUARTER / 2, None, 4000.0, 0),
    ("odd energy rounds to 0.1 W", 333, QUARTER, None, 1332.0, 0),
    ("thirds of a watt", 1, 7.0, None, 514.3, 0),
    ("reserve leaves room", 1000, QUARTER, 5000.0, 4000.0, 0),
    ("reserve caps it", 1000, QUARTER, 600.0, 2400.0, 400),
    ("at the reserve", 1000, QUARTER, 0.0, 0.0, 1000),
    ("fractional shortfall rounds up", 1000, QUARTER, 999.5, 3998.0, 1),
]

HOME_SIZING = [
    # (what, Wh to deliver, Wh above the reserve, the home's uncovered use W, expected W, short Wh)
    ("the home's use on top", 500, None, 600.0, 2600.0, 0),
    ("the home first when the reserve is tight", 500, 400.0, 600.0, 1600.0, 250),
    ("the reserve covers only the home", 500, 100.0, 600.0, 0.0, 500),
    ("a home its sun covers", 500, None, 0.0, 2000.0, 0),
]


@pytest.mark.parametrize(
    ("wh", "available", "home_w", "power_w", "short_wh"),
    [row[1:] for row in HOME_SIZING],
    ids=[row[0] for row in HOME_SIZING],
)
def test_the_battery_also_covers_the_home_so_the_meter_exports_the_trade(
    wh: float, available: float | None, home_w: float, power_w: float, short_wh: int
) -> None:
    sizing = size_discharge(wh, QUARTER, available, home_w)
    assert (sizing.power_w, sizing.short_wh) == (power_w, short_wh)


@pytest.mark.parametrize(
    ("values", "deficit"),
    [
        ({"load_w": {"value": 900.0, "unit": "W"}, "pv_w": {"value": 300.0, "unit": "W"}}, 600.0),
        (
            {
                "load_w": {"value": 900.0, "unit": "W"},
                "pv_w": {"value": 700.0, "unit": "W"},
                "wind_w": {"value": 400.0, "unit": "W"},
            },
            0.0,
        ),
        ({"load_w": {"value": None, "unit": "W"}}, 0.0),
        ({}, 0.0),
    ],
)
def test_home_deficit(values: dict[str, Any], deficit: float) -> None:
    assert home_deficit_w(values) == deficit


@pytest.mark.parametrize(
    ("wh", "seconds", "available", "power_w", "short_wh"),
    [row[1:] for row in SIZING],
    ids=[row[0] for row in SIZING],
)
def test_size_discharge(
    wh: float, seconds: float, available: float | None, power_w: float, short_wh: int
) -> None:
    sizing = size_discharge(wh, seconds, available)
    assert (sizing.power_w, sizing.short_wh) == (power_w, short_wh)


def test_no_time_left_is_refused() -> None:
    with pytest.raises(ValueError, match="seconds_left"):
        size_discharge(1000, 0, None)


@pytest.mark.parametrize(
    ("soc", "capacity_kwh", "reserve", "expected"),
    [
        (80.0, 10.0, 40.0, 4000.0),
        (80.0, 10.0, 0.0, 8000.0),
        (30.0, 10.0, 40.0, 0.0),  # below the reserve: nothing, never negative
        (None, 10.0, 40.0, None),  # no reading yet: the agent guards the reserve
        (80.0, None, 40.0, None),  # capacity unknown
        (80.0, 0.0, 40.0, None),
    ],
)
def test_above_reserve(
    soc: float | None, capacity_kwh: float | None, reserve: float, expected: float | None
) -> None:
    assert above_reserve_wh(soc, capacity_kwh, reserve) == expected


@pytest.mark.parametrize(("seconds", "expected"), [(900.0, 900), (899.2, 900), (0.3, 1)])
def test_duration_covers_the_rest_of_the_interval(seconds: float, expected: int) -> None:
    assert duration_s(seconds) == expected


def test_a_command_id_names_its_interval() -> None:
    start = datetime(2026, 6, 21, 17, 15, tzinfo=UTC)
    made = command_id(start, "0a1b2c3d")
    assert len(made) <= 64  # DispatchCommand.id
    assert command_interval(made) == start
    assert command_id(start, "ffff") != made


@pytest.mark.parametrize("foreign", ["c1", "d-1", "i12x-ab", "i1782062100-XYZ", ""])
def test_ids_the_hub_did_not_make_name_no_interval(foreign: str) -> None:
    assert command_interval(foreign) is None


END = datetime(2026, 6, 21, 17, 30, tzinfo=UTC)


def ack(
    outcome: DispatchOutcome, ts: datetime = END - timedelta(minutes=10), reason: str | None = None
) -> DispatchAck:
    return DispatchAck(id="i1-ab", site="home-1", outcome=outcome, power_w=2000, reason=reason, ts=ts)


RISKS = [
    ("accepted", ack(DispatchOutcome.ACCEPTED), None),
    ("clamped is the agent's limit, not a risk", ack(DispatchOutcome.CLAMPED, reason="rating"), None),
    ("completed", ack(DispatchOutcome.COMPLETED, ts=END), None),
    ("rejected", ack(DispatchOutcome.REJECTED, reason="SoC 9% is at or below the reserve 10%"), "refused"),
    ("rejected without a reason", ack(DispatchOutcome.REJECTED), "no reason given"),
    ("reverted mid-interval", ack(DispatchOutcome.REVERTED, reason="SoC reached the reserve"), "stopped"),
    ("reverted just before the end", ack(DispatchOutcome.REVERTED, ts=END - EARLY_REVERT / 2), None),
    ("reverted at the end", ack(DispatchOutcome.REVERTED, ts=END), None),
]


@pytest.mark.parametrize(("heard", "words"), [r[1:] for r in RISKS], ids=[r[0] for r in RISKS])
def test_what_puts_a_trade_at_risk(heard: DispatchAck, words: str | None) -> None:
    risk = risk_of(heard, END)
    if words is None:
        assert risk is None
    else:
        assert risk is not None
        assert words in risk
        if heard.reason:
            assert heard.reason in risk
