"""Battery and inverter controls over Modbus change the physics; bad writes get exceptions."""

from __future__ import annotations

import asyncio

import pytest
import sunspec2.modbus.client as sunspec_client

from firmware_sims.battery import BatteryState, ChargeStatus
from firmware_sims.clock import SimClock
from firmware_sims.inverter import InverterStatus
from firmware_sims.running import RunningDevice
from firmware_sims.serve import serve_device
from tests.sims.sims_helpers import modbus

ILLEGAL_ADDRESS = 2
ILLEGAL_VALUE = 3


def battery_state(device: RunningDevice) -> BatteryState:
    state = device.state
    assert isinstance(state, BatteryState)
    return state


def _write_storage(port: int, **points: int) -> None:
    """Write 124 points with pysunspec2 (raw register values, as a client would)."""
    client = sunspec_client.SunSpecModbusClientDeviceTCP(
        slave_id=1, ipaddr="127.0.0.1", ipport=port, timeout=2
    )
    try:
        client.scan()
        storage = client.models[124][0]
        for name, value in points.items():
            getattr(storage, name).value = value
        storage.write()
    finally:
        client.disconnect()
        client.close()


async def test_forced_charge_through_pysunspec2(night_clock: SimClock) -> None:
    """At night the battery discharges into the load; OutWRte < 0 with the DISCHARGE bit forces a charge."""
    async with serve_device("battery", clock=night_clock) as device:
        night_clock.advance(5)
        assert battery_state(device).w > 0
        soc_before = battery_state(device).soc_pct
        # -60 % of WChaMax (InOutWRte_SF = -2) with bit1 DISCHARGE.
        await asyncio.to_thread(_write_storage, device.port, OutWRte=-6000, StorCtl_Mod=2)
        night_clock.advance(60)
        state = battery_state(device)
        assert state.w == pytest.approx(-0.6 * state.max_charge_w)
        assert state.charge_status is ChargeStatus.CHARGING
        assert state.soc_pct > soc_before
        # The meter sees the charge power on top of the load.
        home = device.home
        assert home.meter_w == pytest.approx(home.load_w + 0.6 * state.max_charge_w)


async def test_charge_limit_through_pymodbus(clock: SimClock) -> None:
    async with serve_device("battery", clock=clock) as device, modbus(device.port) as client:
        clock.advance(5)
        assert battery_state(device).w < -1000  # charging from the noon surplus
        image = device.device.image
        rate = await client.write_register(image.address_of(124, "InWRte"), 1000)  # 10 %
        mode = await client.write_register(image.address_of(124, "StorCtl_Mod"), 1)
        assert not rate.isError()
        assert not mode.isError()
        clock.advance(5)
        state = battery_state(device)
        assert state.w == pytest.approx(-0.1 * state.max_charge_w)
        readback = await client.read_holding_registers(image.address_of(124, "InWRte"), count=1)
        assert readback.registers == [1000]


async def test_revert_timeout_restores_defaults(night_clock: SimClock) -> None:
    async with serve_device("battery", clock=night_clock) as device, modbus(device.port) as client:
        image = device.device.image
        base = image.address_of(124, "OutWRte")
        # OutWRte=0 % and InWRte=100 % in one write, then RvrtTms=30 s, then the mode.
        assert not (await client.write_registers(base, [0, 10000])).isError()
        assert not (await client.write_register(image.address_of(124, "InOutWRte_RvrtTms"), 30)).isError()
        assert not (await client.write_register(image.address_of(124, "StorCtl_Mod"), 2)).isError()
        night_clock.advance(10)
        assert battery_state(device).w == 0.0  # discharge blocked
        night_clock.advance(30)
        state = battery_state(device)
        assert state.storctl_mod == 0
        assert state.out_pct == 100.0
        assert state.w > 0  # back to discharging into the night load


@pytest.mark.parametrize(
    ("point", "raw"),
    [
        ("StorCtl_Mod", 4),  # only bits 0 and 1 exist
        ("InWRte", 10001),  # 100.01 %
        ("OutWRte", 0x10000 - 10001),  # -100.01 %
        ("ChaGriSet", 2),
        ("MinRsvPct", 101),
        ("InOutWRte_RvrtTms", 0xFFFF),  # the "not implemented" sentinel is not a value
    ],
)
async def test_invalid_values_get_exception_3(clock: SimClock, point: str, raw: int) -> None:
    async with serve_device("battery", clock=clock) as device, modbus(device.port) as client:
        response = await client.write_register(device.device.image.address_of(124, point), raw)
        assert response.isError()
        assert response.exception_code == ILLEGAL_VALUE
        assert battery_state(device).storctl_mod == 0


@pytest.mark.parametrize(("model", "point"), [(802, "SoC"), (802, "W"), (124, "ChaState"), (1, "SN")])
async def test_read_only_registers_get_exception_2(clock: SimClock, model: int, point: str) -> None:
    async with serve_device("battery", clock=clock) as device, modbus(device.port) as client:
        response = await client.write_register(device.device.image.address_of(model, point), 1)
        assert response.isError()
        assert response.exception_code == ILLEGAL_ADDRESS


async def test_writes_outside_the_map_or_splitting_a_point(clock: SimClock) -> None:
    async with serve_device("inverter", clock=clock) as device, modbus(device.port) as client:
        outside = await client.write_register(30000, 1)
        half_point = await client.write_register(device.device.image.address_of(103, "WH") + 1, 1)
        read_outside = await client.read_holding_registers(39990, count=4)
    assert outside.exception_code == ILLEGAL_ADDRESS
    assert half_point.exception_code == ILLEGAL_ADDRESS
    assert read_outside.exception_code == ILLEGAL_ADDRESS


async def test_802_disconnect_and_reserve(night_clock: SimClock) -> None:
    async with serve_device("battery", clock=night_clock) as device, modbus(device.port) as client:
        image = device.device.image
        assert not (await client.write_register(image.address_of(802, "SetOp"), 2)).isError()
        night_clock.advance(10)
        assert battery_state(device).w == 0.0
        assert battery_state(device).charge_status is ChargeStatus.OFF
        assert not (await client.write_register(image.address_of(802, "SetOp"), 1)).isError()
        soc = battery_state(device).soc_pct
        # Reserve just under the present SoC (SoC_SF = -1): discharge stops there.
        reserve = round(soc * 10) - 5
        assert not (await client.write_register(image.address_of(802, "SoCRsvMin"), reserve)).isError()
        night_clock.advance(1800)
        state = battery_state(device)
        assert state.soc_pct == pytest.approx(reserve / 10)
        assert state.w == 0.0
        bad = await client.write_register(image.address_of(802, "SetOp"), 3)
        assert bad.exception_code == ILLEGAL_VALUE


async def test_pv_only_charging_never_draws_from_the_grid(night_clock: SimClock) -> None:
    async with serve_device("battery", clock=night_clock) as device, modbus(device.port) as client:
        image = device.device.image
        await client.write_register(image.address_of(124, "ChaGriSet"), 0)
        await client.write_registers(image.address_of(124, "OutWRte"), [0x10000 - 5000])
        await client.write_register(image.address_of(124, "StorCtl_Mod"), 2)
        night_clock.advance(60)
        assert battery_state(device).w == 0.0  # forced charge, but no PV at night


async def test_der_wmax_curtails_and_throttles(clock: SimClock) -> None:
    async with serve_device("inverter", "der", clock=clock) as device, modbus(device.port) as client:
        image = device.device.image
        assert not (await client.write_register(image.address_of(702, "WMax"), 1000)).isError()
        clock.advance(5)
        state = device.state
        assert state.w == pytest.approx(1000.0)
        assert state.status is InverterStatus.THROTTLED  # type: ignore[union-attr]
        inv_st = await client.read_holding_registers(image.address_of(701, "InvSt"), count=1)
        assert inv_st.registers == [4]
        too_high = await client.write_register(image.address_of(702, "WMax"), 60000)
        assert too_high.exception_code == ILLEGAL_VALUE
