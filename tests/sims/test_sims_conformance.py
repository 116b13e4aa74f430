"""Every device kind and variant, scanned by pysunspec2, decodes to the simulator's physics."""

from __future__ import annotations

import pytest

from firmware_sims.battery import BatteryState
from firmware_sims.clock import SimClock
from firmware_sims.inverter import InverterState, InverterStatus
from firmware_sims.meter import MeterState
from firmware_sims.serve import serve_device
from tests.sims.sims_helpers import inverter_wh, scan

INVERTERS = [("three_phase", 103), ("single_phase", 101), ("float", 113), ("float_single_phase", 111)]


def close(value: float | None, expected: float, tolerance: float) -> bool:
    return value is not None and abs(value - expected) <= tolerance


@pytest.mark.parametrize(("variant", "model"), INVERTERS)
async def test_inverter_variants(clock: SimClock, variant: str, model: int) -> None:
    async with serve_device("inverter", variant, clock=clock) as device:
        models = await scan(device.port)
        state = device.state
    assert isinstance(state, InverterState)
    assert set(models) == {1, model, 160}
    assert models[1]["SN"] == device.serial
    assert models[1]["Mn"] == "PowerShare Sim"
    main = models[model]
    assert state.w > 1000  # midsummer noon
    assert close(main["W"], state.w, 0.5)
    assert close(main["WH"], state.wh, 0.5)
    assert close(main["Hz"], state.hz, 0.01)
    assert close(main["DCW"], state.dc_w, 0.5)
    assert main["St"] == InverterStatus.MPPT
    strings = models[160]
    assert strings["N"] == 2


async def test_der_inverter(clock: SimClock) -> None:
    async with serve_device("inverter", "der", clock=clock) as device:
        models = await scan(device.port)
        state = device.state
    assert isinstance(state, InverterState)
    assert set(models) == {1, 701, 702}
    assert close(models[701]["W"], state.w, 0.5)
    assert close(models[701]["TotWhInj"], state.wh, 0.5)
    assert models[701]["InvSt"] == 3  # RUNNING
    assert close(models[702]["WMaxRtg"], state.rating_w, 0.5)


@pytest.mark.parametrize(
    ("variant", "models_expected"), [("standard", {1, 802, 124}), ("der", {1, 802, 713, 124})]
)
async def test_battery_variants(clock: SimClock, variant: str, models_expected: set[int]) -> None:
    async with serve_device("battery", variant, clock=clock) as device:
        models = await scan(device.port)
        state = device.state
    assert isinstance(state, BatteryState)
    assert set(models) == models_expected
    battery = models[802]
    assert close(battery["W"], state.w, 0.5)
    assert close(battery["SoC"], state.soc_pct, 0.05)
    assert close(battery["WHRtg"], state.capacity_wh, 0.5)
    assert close(battery["WChaRteMax"], state.max_charge_w, 0.5)
    assert battery["ChaSt"] == state.charge_status
    storage = models[124]
    assert close(storage["ChaState"], state.soc_pct, 0.05)
    assert storage["ChaSt"] == state.charge_status
    if 713 in models:
        assert close(models[713]["SoC"], state.soc_pct, 0.05)


async def test_legacy_battery(clock: SimClock) -> None:
    async with serve_device("battery", "legacy", clock=clock) as device:
        models = await scan(device.port)
        state = device.state
    assert isinstance(state, BatteryState)
    assert set(models) == {1, 124}
    assert close(models[124]["ChaState"], state.soc_pct, 0.05)
    assert close(models[124]["WChaMax"], state.max_charge_w, 0.5)


@pytest.mark.parametrize(
    ("variant", "model"),
    [("three_phase", 203), ("single_phase", 201), ("float", 213), ("float_single_phase", 211)],
)
async def test_meter_variants(clock: SimClock, variant: str, model: int) -> None:
    async with serve_device("meter", variant, clock=clock) as device:
        models = await scan(device.port)
        state = device.state
    assert isinstance(state, MeterState)
    assert set(models) == {1, model}
    meter = models[model]
    assert close(meter["W"], state.w, 0.5)
    assert close(meter["TotWhImp"], state.import_wh, 0.5)
    assert close(meter["TotWhExp"], state.export_wh, 0.5)
    assert close(meter["Hz"], state.hz, 0.01)


async def test_meter_sign_follows_the_home(clock: SimClock) -> None:
    """At noon the default meter home exports (PV > load): W < 0; at night it imports."""
    async with serve_device("meter", clock=clock) as device:
        noon = await scan(device.port)
        clock.advance(12 * 3600)
        night = await scan(device.port)
        home = device.home
        assert close(home.meter_w, home.load_w - home.pv_w - home.wind_w - home.battery_w, 1e-6)
    assert noon[203]["W"] < 0
    assert night[203]["W"] > 0
    assert night[203]["TotWhExp"] >= noon[203]["TotWhExp"]


async def test_values_follow_the_clock(clock: SimClock) -> None:
    async with serve_device("inverter", clock=clock) as device:
        before = await scan(device.port)
        clock.advance(600)
        after = await scan(device.port)
        wh = inverter_wh(device)
    assert after[103]["WH"] > before[103]["WH"]
    assert close(after[103]["WH"], wh, 0.5)
