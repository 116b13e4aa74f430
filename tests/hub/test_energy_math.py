"""Table tests for the energy arithmetic behind interval aggregates (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.energy.intervals import Energy, Snapshot, counter_delta, energy_between, interval_start

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (100.0, 150.0, 50.0),  # normal growth
        (100.0, 100.0, 0.0),  # nothing flowed
        (5000.0, 20.0, 20.0),  # reset: energy since the reset, never negative
        (0.0, 0.0, 0.0),
    ],
)
def test_counter_delta(previous: float, current: float, expected: float) -> None:
    assert counter_delta(previous, current) == expected


@pytest.mark.parametrize(
    ("earlier", "later", "gap_s", "expected"),
    [
        # counters win over power
        ({"import_wh": 10, "grid_w": 9999}, {"import_wh": 12, "grid_w": 9999}, 60, Energy(import_wh=2)),
        # power × time (trapezoid) when a counter is missing: 1000 W → 2000 W over 60 s = 25 Wh
        ({"pv_w": 1000}, {"pv_w": 2000}, 60, Energy(production_wh=25)),
        # grid sign: negative is export
        ({"grid_w": -3600}, {"grid_w": -3600}, 10, Energy(export_wh=10)),
        # battery sign: positive discharges, negative charges
        ({"battery_w": 1800}, {"battery_w": 1800}, 900, Energy(discharge_wh=450)),
        ({"battery_w": -360}, {"battery_w": -360}, 100, Energy(charge_wh=10)),
        # pv and wind both produce; wind is also booked apart (#10)
        (
            {"pv_w": 100, "wind_w": 260},
            {"pv_w": 100, "wind_w": 260},
            10,
            Energy(production_wh=1, wind_wh=260 / 360),
        ),
        # an agent before wind_w: its pv_w holds all production, and nothing is wind
        ({"pv_w": 360}, {"pv_w": 360}, 10, Energy(production_wh=1)),
        # a wind counter wins over wind power, as every counter does
        (
            {"wind_w": 9999, "wind_wh": 50, "production_wh": 80},
            {"wind_w": 9999, "wind_wh": 53, "production_wh": 85},
            60,
            Energy(production_wh=5, wind_wh=3),
        ),
        # a wind counter without a production counter: production from power, wind from the counter
        (
            {"pv_w": 0, "wind_w": 600, "wind_wh": 10},
            {"pv_w": 0, "wind_w": 600, "wind_wh": 20},
            60,
            Energy(production_wh=10, wind_wh=10),
        ),
        # too long a gap for power × time: nothing is guessed
        ({"pv_w": 1000}, {"pv_w": 1000}, 3600, Energy()),
        # a counter reset between the two snapshots
        ({"export_wh": 7000}, {"export_wh": 3}, 60, Energy(export_wh=3)),
    ],
)
def test_energy_between(
    earlier: dict[str, float], later: dict[str, float], gap_s: int, expected: Energy
) -> None:
    a = Snapshot(T0, {k: float(v) for k, v in earlier.items()})
    b = Snapshot(T0 + timedelta(seconds=gap_s), {k: float(v) for k, v in later.items()})
    assert energy_between(a, b) == pytest.approx(expected)


def test_consumption_is_the_energy_balance() -> None:
    e = Energy(import_wh=100, export_wh=30, production_wh=500, charge_wh=200, discharge_wh=50, wind_wh=300)
    assert e.consumption_wh == 100 + 500 + 50 - 30 - 200  # wind is inside production, not added again


def test_energy_adds_and_subtracts_every_counter() -> None:
    a = Energy(*(float(i) for i in range(1, 7)))
    b = Energy(*(float(10 * i) for i in range(1, 7)))
    assert a + b == Energy(11, 22, 33, 44, 55, 66)
    assert b - a == Energy(9, 18, 27, 36, 45, 54)


@pytest.mark.parametrize(
    ("ts", "start"),
    [
        (datetime(2026, 6, 1, 12, 0, tzinfo=UTC), datetime(2026, 6, 1, 12, 0, tzinfo=UTC)),
        (datetime(2026, 6, 1, 12, 14, 59, 999999, tzinfo=UTC), datetime(2026, 6, 1, 12, 0, tzinfo=UTC)),
        (datetime(2026, 6, 1, 12, 15, tzinfo=UTC), datetime(2026, 6, 1, 12, 15, tzinfo=UTC)),
        (datetime(2026, 6, 1, 23, 59, tzinfo=UTC), datetime(2026, 6, 1, 23, 45, tzinfo=UTC)),
    ],
)
def test_interval_start(ts: datetime, start: datetime) -> None:
    assert interval_start(ts) == start
