"""The agent against the real simulated devices (firmware_sims): every variant and field fault."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from edge_agent.capabilities import BatteryController
from edge_agent.config import TcpDevice
from edge_agent.device_slot import DeviceSlot
from edge_agent.devices import Battery, ControllableBattery, Device, Meter, PvInverter, make_device
from edge_agent.sunspec.device import Sample, SunSpecDevice
from edge_agent.sunspec.discovery import AUTO_UNIT_IDS, DiscoveryError, discover
from edge_agent.sunspec.transport import ModbusLink
from firmware_sims.battery import BatteryState
from firmware_sims.clock import SimClock
from firmware_sims.inverter import InverterState
from firmware_sims.meter import MeterState
from firmware_sims.running import RunningDevice
from firmware_sims.serve import serve_device
from powershare_wire import DispatchMode
from tests.helpers import eventually

NOON = datetime(2026, 6, 21, 11, tzinfo=UTC)
NIGHT = datetime(2026, 6, 21, 23, tzinfo=UTC)

VARIANTS = [
    ("inverter", "three_phase", [1, 103, 160], PvInverter),
    ("inverter", "single_phase", [1, 101, 160], PvInverter),
    ("inverter", "float", [1, 113, 160], PvInverter),
    ("inverter", "float_single_phase", [1, 111, 160], PvInverter),
    ("inverter", "der", [1, 701, 702], PvInverter),
    ("battery", "standard", [1, 802, 124], ControllableBattery),
    ("battery", "der", [1, 802, 713, 124], ControllableBattery),
    ("battery", "legacy", [1, 124], ControllableBattery),
    ("meter", "three_phase", [1, 203], Meter),
    ("meter", "single_phase", [1, 201], Meter),
    ("meter", "float", [1, 213], Meter),
    ("meter", "float_single_phase", [1, 211], Meter),
]


@asynccontextmanager
async def sim_device(
    kind: str, variant: str, when: datetime = NOON, unit_id: int = 1, refuse_s: float = 5.0
) -> AsyncIterator[RunningDevice]:
    clock = SimClock.stepped(when)
    async with serve_device(kind, variant, port=0, clock=clock, unit_id=unit_id, refuse_s=refuse_s) as device:
        yield device


@asynccontextmanager
async def connected(device: RunningDevice, unit_ids: tuple[int, ...] = (1,)) -> AsyncIterator[Device]:
    link = ModbusLink.tcp(device.host, device.port, timeout_s=1.0)
    try:
        yield make_device(SunSpecDevice(link, await discover(link, unit_ids)))
    finally:
        await link.close()


async def read_once(slot: DeviceSlot, within: float = 5) -> Sample:
    """Poll until the slot yields a sample (discovery runs in the background)."""
    sample = await eventually(slot.poll, lambda s: s is not None, within, what=f"a read of {slot.label}")
    assert sample is not None
    return sample


def physics_power(device: RunningDevice) -> float:
    return float(device.state.w)


@pytest.mark.parametrize(
    ("kind", "variant", "models", "expected_type"), VARIANTS, ids=[f"{k}-{v}" for k, v, *_ in VARIANTS]
)
async def test_discovers_and_decodes_every_variant(
    kind: str, variant: str, models: list[int], expected_type: type
) -> None:
    async with sim_device(kind, variant) as sim, connected(sim) as device:
        assert type(device) is expected_type
        assert device.serial == sim.serial
        assert device.sunspec.layout.model_ids == models
        await device.refresh()
        state = sim.state
        if isinstance(device, PvInverter):
            assert isinstance(state, InverterState)
            assert device.power_w() == pytest.approx(state.w, abs=1)
            assert device.production_wh() == pytest.approx(state.wh, abs=1)
        elif isinstance(device, Meter):
            assert isinstance(state, MeterState)
            assert device.power_w() == pytest.approx(state.w, abs=1)
            assert device.import_wh() == pytest.approx(state.import_wh, abs=1)
            assert device.export_wh() == pytest.approx(state.export_wh, abs=1)
        else:
            assert isinstance(device, Battery)
            assert isinstance(state, BatteryState)
            assert device.soc_pct() == pytest.approx(state.soc_pct, abs=0.1)
            if variant != "legacy":  # 124 alone has no power point
                assert device.power_w() == pytest.approx(state.w, abs=1)


@pytest.mark.parametrize(("fault", "base"), [("common_l65", 40000), ("base_0", 0), ("base_50000", 50000)])
async def test_layout_faults(fault: str, base: int) -> None:
    async with sim_device("inverter", f"three_phase+{fault}") as sim, connected(sim) as device:
        assert device.sunspec.layout.base == base
        await device.refresh()
        assert isinstance(device, PvInverter)
        assert device.power_w() == pytest.approx(physics_power(sim), abs=1)


async def test_auto_unit_id_finds_a_meter_at_240() -> None:
    async with (
        sim_device("meter", "three_phase", unit_id=240) as sim,
        connected(sim, AUTO_UNIT_IDS) as device,
    ):
        assert device.sunspec.layout.unit_id == 240


async def test_not_sunspec() -> None:
    async with sim_device("meter", "three_phase+not_sunspec") as sim:
        link = ModbusLink.tcp(sim.host, sim.port)
        try:
            with pytest.raises(DiscoveryError, match="no SunSpec marker"):
                await discover(link, [1])
        finally:
            await link.close()


async def test_sentinels_become_none() -> None:
    async with sim_device("inverter", "three_phase+sentinels") as sim, connected(sim) as device:
        sample = await device.refresh()
        assert sample.value("hz") is None
        assert sample.value("w") is not None


async def test_acc32_rollover_keeps_counting() -> None:
    clock = SimClock.stepped(NOON)
    async with (
        serve_device("meter", "three_phase+acc32_rollover", port=0, clock=clock) as sim,
        connected(sim) as meter,
    ):
        assert isinstance(meter, Meter)
        seen = []
        for _ in range(12):
            await meter.refresh()
            seen.append(meter.export_wh())
            clock.advance(600)
        counts = [value for value in seen if value is not None]
        assert len(counts) == len(seen)
        assert all(b >= a for a, b in itertools.pairwise(counts))
        assert counts[-1] > 2**32  # the register wrapped; the published count went on


async def test_dynamic_scale_factor() -> None:
    async with sim_device("inverter", "three_phase+dynamic_sf") as sim, connected(sim) as device:
        await device.refresh()
        assert isinstance(device, PvInverter)
        assert device.power_w() == pytest.approx(physics_power(sim), abs=1)


async def test_sign_flags() -> None:
    async with sim_device("meter", "three_phase+export_positive") as sim:
        link = ModbusLink.tcp(sim.host, sim.port)
        try:
            meter = make_device(SunSpecDevice(link, await discover(link, [1])), invert_power=True)
            await meter.refresh()
            assert isinstance(meter, Meter)
            assert meter.power_w() == pytest.approx(physics_power(sim), abs=1)
        finally:
            await link.close()


async def test_sleeping_inverter_degrades_alone() -> None:
    async with sim_device("inverter", "three_phase+night_timeout", when=NIGHT) as sim:
        slot = DeviceSlot(TcpDevice(host=sim.host, port=sim.port, unit_id=1, timeout_s=0.3))
        try:
            for _ in range(3):
                assert await slot.poll() is None
                await asyncio.sleep(0.05)
            assert not slot.ok
            assert slot.problem is not None
        finally:
            await slot.close()


async def test_illegal_register_is_reported_not_fatal() -> None:
    async with sim_device("battery", "standard+illegal_register") as sim:
        slot = DeviceSlot(TcpDevice(host=sim.host, port=sim.port, unit_id=1))
        try:
            sample = await read_once(slot)
            assert slot.problem is not None
            assert "exception 2" in slot.problem
            assert sample.values  # the other models still read
        finally:
            await slot.close()


async def test_refused_then_recovers() -> None:
    async with sim_device("meter", "three_phase+refuse_then_recover", refuse_s=1.0) as sim:
        slot = DeviceSlot(TcpDevice(host=sim.host, port=sim.port, unit_id=1))
        try:
            assert await slot.poll() is None
            await asyncio.sleep(0.05)
            assert slot.problem is not None
            assert "connect" in slot.problem
            await read_once(slot, within=10)
            assert slot.ok
        finally:
            await slot.close()


async def test_device_going_offline_and_back() -> None:
    async with sim_device("meter", "three_phase") as sim:
        slot = DeviceSlot(TcpDevice(host=sim.host, port=sim.port, unit_id=1, timeout_s=0.5))
        try:
            await read_once(slot)
            await sim.go_offline(1.0)
            assert await slot.poll() is None
            assert not slot.ok
            await read_once(slot, within=10)
            assert slot.ok
        finally:
            await slot.close()


@pytest.mark.parametrize(
    ("mode", "power"), [(DispatchMode.DISCHARGE, 3000), (DispatchMode.CHARGE, 2000), (DispatchMode.IDLE, 0)]
)
async def test_battery_control_moves_the_physics(mode: DispatchMode, power: float) -> None:
    clock = SimClock.stepped(NOON)
    async with serve_device("battery", "standard", port=0, clock=clock) as sim, connected(sim) as battery:
        assert isinstance(battery, ControllableBattery)
        assert isinstance(battery, BatteryController)
        await battery.refresh()
        await battery.command(mode, power, revert_s=120)
        clock.advance(5)
        expected = {DispatchMode.DISCHARGE: power, DispatchMode.CHARGE: -power, DispatchMode.IDLE: 0}[mode]
        assert sim.state.w == pytest.approx(expected, abs=5)
        await battery.refresh()
        assert battery.in_effect() is True
        clock.advance(200)  # past the device's own revert timer
        await battery.refresh()
        assert battery.in_effect() is False
        await battery.release()
        state = sim.state
        assert isinstance(state, BatteryState)
        assert state.storctl_mod == 0
