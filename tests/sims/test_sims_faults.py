"""Field-fault variants: each behaves on the wire like the field reports describe."""

from __future__ import annotations

import asyncio
import socket

import pytest
import sunspec2.modbus.client as sunspec_client
from pymodbus.exceptions import ModbusIOException

from firmware_sims.battery import Battery
from firmware_sims.clock import SimClock
from firmware_sims.faults import Fault
from firmware_sims.inverter import Inverter
from firmware_sims.meter import Meter
from firmware_sims.physics.community import CommunityPhysics
from firmware_sims.physics.specs import HomePhysicsSpec
from firmware_sims.serve import serve_device
from tests.sims.sims_helpers import inverter_wh, modbus, scan

ILLEGAL_ADDRESS = 2
GATEWAY_NO_RESPONSE = 0x0B


def connection_refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


@pytest.mark.parametrize(("variant", "base"), [("base_0", 0), ("base_50000", 50000)])
async def test_other_base_addresses_are_found(clock: SimClock, variant: str, base: int) -> None:
    async with serve_device("meter", variant, clock=clock) as device, modbus(device.port) as client:
        assert device.base_address == base
        marker = await client.read_holding_registers(base, count=2)
        assert marker.registers == [0x5375, 0x6E53]
        models = await scan(device.port)
        assert models[203]["W"] == pytest.approx(device.state.w, abs=0.5)


async def test_common_l65_shifts_but_scans(clock: SimClock) -> None:
    async with serve_device("inverter", "common_l65", clock=clock) as device, modbus(device.port) as client:
        length = await client.read_holding_registers(40003, count=1)
        assert length.registers == [65]
        w = await client.read_holding_registers(40083, count=1)  # W moved from 40084
        models = await scan(device.port)
        state = device.state
    assert w.registers[0] == round(state.w)
    assert models[103]["W"] == pytest.approx(state.w, abs=0.5)


async def test_not_sunspec_device_fails_the_scan(clock: SimClock) -> None:
    async with serve_device("meter", "not_sunspec", clock=clock) as device, modbus(device.port) as client:
        answer = await client.read_holding_registers(40000, count=2)
        assert answer.registers == [0, 0]  # it answers...
        with pytest.raises(sunspec_client.SunSpecModbusClientError):
            await scan(device.port)  # ...but is not SunSpec


async def test_sleeping_inverter_times_out_at_night(night_clock: SimClock) -> None:
    async with serve_device("inverter", "night_timeout", clock=night_clock) as device:
        assert device.device.is_sleeping()
        async with modbus(device.port, response_timeout_s=0.3) as client:
            with pytest.raises(ModbusIOException):
                await client.read_holding_registers(40000, count=2)
        night_clock.advance(8 * 3600)  # 07:00 UTC: the sun is up, it answers again
        async with modbus(device.port) as client:
            status = await client.read_holding_registers(device.device.image.address_of(103, "St"), count=1)
        assert status.registers == [4]


async def test_sleeping_without_the_fault_reports_st_sleeping(night_clock: SimClock) -> None:
    async with serve_device("inverter", clock=night_clock) as device:
        models = await scan(device.port)
    assert models[103]["St"] == 2
    assert models[103]["W"] == 0


async def test_illegal_register_inside_a_model(clock: SimClock) -> None:
    async with (
        serve_device("inverter", "illegal_register", clock=clock) as device,
        modbus(device.port) as client,
    ):
        image = device.device.image
        bad = image.address_of(103, "Evt2")
        whole_model = await client.read_holding_registers(image.model_start[103] + 40000, count=52)
        just_w = await client.read_holding_registers(image.address_of(103, "W"), count=1)
        assert whole_model.exception_code == ILLEGAL_ADDRESS
        assert not just_w.isError()
        device.set_fault(Fault.ILLEGAL_REGISTER, enabled=False)
        fixed = await client.read_holding_registers(bad, count=1)
        assert not fixed.isError()


ALL_VARIANTS = [(cls.kind.value, variant) for cls in (Inverter, Battery, Meter) for variant in cls.variants]


@pytest.mark.parametrize(("kind", "variant"), ALL_VARIANTS)
async def test_every_variant_can_hide_a_register(clock: SimClock, kind: str, variant: str) -> None:
    """Reading the whole map in 125-register requests hits exactly one exception 2."""
    async with (
        serve_device(kind, f"{variant}+illegal_register", clock=clock) as device,
        modbus(device.port) as client,
    ):
        image = device.device.image
        failures = 0
        for start in range(image.base, image.base + len(image.regs), 125):
            count = min(125, image.base + len(image.regs) - start)
            answer = await client.read_holding_registers(start, count=count)
            failures += answer.isError() and answer.exception_code == ILLEGAL_ADDRESS
    assert failures == 1


async def test_refuse_then_recover(clock: SimClock) -> None:
    async with serve_device("meter", "refuse_then_recover", clock=clock, refuse_s=0.5) as device:
        assert connection_refused(device.port)
        for _ in range(100):  # up to 5 s
            if not connection_refused(device.port):
                break
            await asyncio.sleep(0.05)
        models = await scan(device.port)
    assert 203 in models


async def test_go_offline_and_back(clock: SimClock) -> None:
    async with serve_device("battery", clock=clock) as device:
        await device.go_offline()
        assert not device.online
        assert connection_refused(device.port)
        await device.go_online()
        models = await scan(device.port)
    assert 802 in models


async def test_acc32_rollover_keeps_deltas_right(clock: SimClock) -> None:
    async with (
        serve_device("inverter", "acc32_rollover", clock=clock) as device,
        modbus(device.port) as client,
    ):
        address = device.device.image.address_of(103, "WH")
        wraps = 0
        previous_raw: int | None = None
        first = (await client.read_holding_registers(address, count=2)).registers
        assert (first[0] << 16) | first[1] == 2**32 - 3600
        start_wh = inverter_wh(device)
        for _ in range(12):
            clock.advance(300)
            registers = (await client.read_holding_registers(address, count=2)).registers
            raw = (registers[0] << 16) | registers[1]
            if previous_raw is not None and raw < previous_raw:
                wraps += 1
            previous_raw = raw
        end_wh = inverter_wh(device)
    assert wraps == 1  # 3600 counts of headroom, ~5 kW for an hour
    first_raw = 2**32 - 3600  # where the counter stood when first read
    assert previous_raw is not None
    assert (previous_raw - first_raw) % 2**32 == pytest.approx(end_wh - start_wh, abs=1)


async def test_sentinels_read_as_none(clock: SimClock) -> None:
    async with serve_device("inverter", "sentinels", clock=clock) as device:
        models = await scan(device.port)
        device.set_fault("sentinels", enabled=False)
        clean = await scan(device.port)
    assert models[103]["Hz"] is None
    assert models[103]["TmpCab"] is None
    assert models[103]["W"] is not None
    assert clean[103]["Hz"] is not None


async def test_scale_factor_changes_at_run_time(clock: SimClock) -> None:
    async with serve_device("inverter", clock=clock) as device, modbus(device.port) as client:
        image = device.device.image
        before = (await client.read_holding_registers(image.address_of(103, "W"), count=2)).registers
        device.set_scale_factor(103, "W_SF", 1)
        after = (await client.read_holding_registers(image.address_of(103, "W"), count=2)).registers
        models = await scan(device.port)
        w = device.state.w
    assert before == [round(w), 0]
    assert after == [round(w / 10), 1]  # a client that cached W_SF=0 reads a tenth of the power
    assert models[103]["W"] == pytest.approx(w, abs=5)


async def test_dynamic_scale_factor(night_clock: SimClock) -> None:
    async with serve_device("meter", "dynamic_sf", clock=night_clock) as device:
        models = await scan(device.port)
        w = device.state.w
    assert 0 < w < 3000
    assert models[203]["W"] == pytest.approx(w, abs=0.05)  # W_SF = -1 at low power


@pytest.mark.parametrize(
    ("kind", "fault", "model"), [("meter", "export_positive", 203), ("battery", "charge_positive", 802)]
)
async def test_sign_convention_flags(clock: SimClock, kind: str, fault: str, model: int) -> None:
    async with serve_device(kind, fault, clock=clock) as device:
        models = await scan(device.port)
        w = device.state.w
    assert w < -100  # noon: the meter exports, the battery charges
    assert models[model]["W"] == pytest.approx(-w, abs=0.5)


async def test_unknown_unit_id_gets_gateway_exception(clock: SimClock) -> None:
    async with serve_device("meter", clock=clock, unit_id=240) as device, modbus(device.port) as client:
        wrong = await client.read_holding_registers(40000, count=2, device_id=1)
        right = await client.read_holding_registers(40000, count=2, device_id=240)
        models = await scan(device.port, unit_id=240)
    assert wrong.exception_code == GATEWAY_NO_RESPONSE
    assert right.registers == [0x5375, 0x6E53]
    assert models[1]["DA"] == 240


def test_layout_faults_cannot_change_at_run_time() -> None:
    physics = CommunityPhysics([HomePhysicsSpec("h", 51.3, 9.2)], SimClock.stepped())
    meter = Meter(physics.homes[0])
    with pytest.raises(ValueError, match="layout"):
        meter.set_fault(Fault.BASE_0)
    with pytest.raises(ValueError, match="unknown meter variant"):
        Meter(physics.homes[0], variant="three_phase+warp_drive")
