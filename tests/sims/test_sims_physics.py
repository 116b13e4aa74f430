"""Physics properties: energy balance, SoC bounds, exact counters, determinism (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware_sims.clock import SimClock
from firmware_sims.physics.community import CommunityPhysics
from firmware_sims.physics.specs import BatterySpec, HomePhysicsSpec, PvSpec, WindSpec

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAY_START = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)


def homes() -> list[HomePhysicsSpec]:
    return [
        HomePhysicsSpec("pv", 51.33, 9.17, pv=PvSpec(8.0)),
        HomePhysicsSpec(
            "hybrid", 51.33, 9.18, pv=PvSpec(6.0), battery=BatterySpec(10000, 5000, 4000, 10, 95, 50)
        ),
        HomePhysicsSpec(
            "wind", 51.34, 9.15, wind=WindSpec(6000), battery=BatterySpec(5000, 2500, 2500, 5, 100, 90)
        ),
        HomePhysicsSpec("consumer", 51.32, 9.17),
    ]


controls = st.fixed_dictionaries(
    {
        "mode": st.integers(0, 3),
        "in_pct": st.floats(-100, 100),
        "out_pct": st.floats(-100, 100),
        "grid": st.booleans(),
        "reserve": st.floats(0, 100),
        "connected": st.booleans(),
    }
)


def community_at(offset_s: float, seed: int = 3, step_s: float = 10.0) -> tuple[CommunityPhysics, SimClock]:
    clock = SimClock.stepped(DAY_START + timedelta(seconds=offset_s))
    return CommunityPhysics(homes(), clock, seed=seed, step_s=step_s, cloud_cover=0.4), clock


@SETTINGS
@given(start=st.floats(0, 86400 * 2), advance=st.floats(1, 7200), settings_=controls)
def test_meter_is_load_minus_generation_minus_battery(
    start: float, advance: float, settings_: dict[str, Any]
) -> None:
    physics, clock = community_at(start, step_s=5.0)
    for home in physics.homes:
        c = home.controls
        c.storctl_mod, c.in_pct, c.out_pct = settings_["mode"], settings_["in_pct"], settings_["out_pct"]
        c.grid_charging, c.reserve_pct, c.connected = (
            settings_["grid"],
            settings_["reserve"],
            settings_["connected"],
        )
    clock.advance(advance)
    for home in physics.homes:
        expected = home.load_w - home.pv_w - home.wind_w - home.battery_w
        assert home.meter_w == pytest.approx(expected, abs=1e-6)
        assert home.pv_w >= 0
        assert home.wind_w >= 0
        assert home.load_w > 0


@SETTINGS
# Controls act from the next physics step on, so every advance covers at least one step.
@given(
    start=st.floats(0, 86400), settings_=controls, steps=st.lists(st.floats(30, 1800), min_size=1, max_size=6)
)
def test_soc_stays_within_bounds_and_rates(
    start: float, settings_: dict[str, Any], steps: list[float]
) -> None:
    physics, clock = community_at(start, step_s=30.0)
    for home in physics.homes:
        c = home.controls
        c.storctl_mod, c.in_pct, c.out_pct = settings_["mode"], settings_["in_pct"], settings_["out_pct"]
        c.grid_charging, c.connected = settings_["grid"], settings_["connected"]
    for seconds in steps:
        clock.advance(seconds)
        for home in physics.homes:
            spec = home.spec.battery
            if spec is None:
                assert home.battery_w == 0.0
                continue
            assert spec.soc_min_pct - 1e-9 <= home.soc_pct <= spec.soc_max_pct + 1e-9
            assert -spec.max_charge_w - 1e-9 <= home.battery_w <= spec.max_discharge_w + 1e-9
            if not settings_["connected"]:
                assert home.battery_w == 0.0


@SETTINGS
@given(start=st.floats(0, 86400), steps=st.integers(1, 40))
def test_counters_integrate_power_exactly(start: float, steps: int) -> None:
    physics, clock = community_at(start, step_s=30.0)
    size = len(physics.homes)
    expected = {
        name: np.array(getattr(physics, name)) for name in ("import_wh", "export_wh", "pv_wh", "charged_wh")
    }
    for _ in range(steps):
        clock.advance(30.0)
        physics.sync()
        meter = physics.meter_w
        expected["import_wh"] = expected["import_wh"] + np.clip(meter, 0, None) * 30 / 3600
        expected["export_wh"] = expected["export_wh"] + np.clip(-meter, 0, None) * 30 / 3600
        expected["pv_wh"] = expected["pv_wh"] + physics.pv_w * 30 / 3600
        expected["charged_wh"] = expected["charged_wh"] + np.clip(-physics.battery_w, 0, None) * 30 / 3600
    for name, values in expected.items():
        assert np.allclose(getattr(physics, name), values, rtol=0, atol=1e-6), name
    assert len(values) == size


@SETTINGS
@given(seed=st.integers(0, 10_000), chunks=st.lists(st.integers(1, 900), min_size=1, max_size=5))
def test_same_seed_same_numbers_however_polled(seed: int, chunks: list[int]) -> None:
    """Polling pattern must not matter: one big advance equals many small ones."""
    start = 6 * 3600.0
    one, one_clock = community_at(start, seed=seed, step_s=10.0)
    many, many_clock = community_at(start, seed=seed, step_s=10.0)
    for chunk in chunks:
        many_clock.advance(chunk)
        many.sync()
    one_clock.advance(sum(chunks))
    one.sync()
    for name in ("pv_w", "load_w", "battery_w", "soc", "import_wh", "export_wh"):
        assert np.allclose(getattr(one, name), getattr(many, name), rtol=1e-12, atol=1e-9), name


def test_different_seeds_differ() -> None:
    a, _ = community_at(12 * 3600, seed=1)
    b, _ = community_at(12 * 3600, seed=2)
    assert not np.allclose(a.load_w, b.load_w)


def test_pv_follows_the_sun() -> None:
    physics, clock = community_at(0)
    midnight = physics.homes[0].pv_w
    clock.advance(11 * 3600)
    noon = physics.homes[0].pv_w
    assert midnight == 0.0
    assert noon > 2000  # 8 kWp at the March equinox, partly cloudy
    assert physics.homes[0].sun_elevation_deg > 30


def test_clouds_reduce_pv_and_curtailment_caps_it() -> None:
    physics, clock = community_at(11 * 3600)
    home = physics.homes[0]
    clear = home.pv_w
    home.conditions.cloud_cover = 1.0
    clock.advance(10)
    cloudy = home.pv_w
    home.conditions.pv_limit_w = 500.0
    home.conditions.cloud_cover = 0.0
    clock.advance(10)
    assert cloudy < clear
    assert home.pv_w == pytest.approx(500.0)
    assert home.pv_throttled


def test_load_spike_adds_to_the_load() -> None:
    physics, clock = community_at(3 * 3600)
    home = physics.homes[3]
    base = home.load_w
    home.conditions.load_spike_w = 3000.0
    home.conditions.load_spike_until = physics.t + 60
    clock.advance(10)
    assert home.load_w == pytest.approx(base + 3000, abs=300)
    clock.advance(120)
    assert home.load_w < 2000


def test_clock_modes() -> None:
    stepped = SimClock.stepped(DAY_START)
    assert stepped.now() == DAY_START
    assert stepped.advance(90) == DAY_START + timedelta(seconds=90)
    fast = SimClock.accelerated(3600, DAY_START)
    assert fast.now() >= DAY_START
    with pytest.raises(RuntimeError, match="stepped"):
        fast.advance(1)
    assert SimClock.real().now().tzinfo is UTC
    with pytest.raises(ValueError, match="speed"):
        SimClock.accelerated(0)
