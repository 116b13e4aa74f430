"""Modbus RTU: two SunSpec units on one (pseudo-terminal) RS-485 bus, read by the agent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pymodbus import FramerType
from pymodbus.server import ModbusSerialServer
from pymodbus.simulator import DataType, SimData, SimDevice

from edge_agent.app import make_slots
from edge_agent.config import AgentConfig
from edge_agent.devices import Meter, PvInverter
from edge_agent.sunspec.discovery import discover
from edge_agent.sunspec.transport import ModbusLink
from tests.agent import images
from tests.agent.ptys import null_modem
from tests.helpers import eventually

BAUD = 38400


@asynccontextmanager
async def rtu_bus(path: str, units: dict[int, list[int]]) -> AsyncIterator[None]:
    devices = [
        SimDevice(id=unit, simdata=[SimData(40000, values=image, datatype=DataType.REGISTERS)])
        for unit, image in units.items()
    ]
    server = ModbusSerialServer(devices, framer=FramerType.RTU, port=path, baudrate=BAUD)
    await server.serve_forever(background=True)
    try:
        yield
    finally:
        await server.shutdown()  # type: ignore[no-untyped-call]


async def test_discover_over_rtu() -> None:
    async with null_modem() as (server_path, client_path), rtu_bus(server_path, {240: images.meter()}):
        link = ModbusLink.rtu(client_path, BAUD, timeout_s=0.5)
        try:
            layout = await discover(link, [240])
        finally:
            await link.close()
    assert layout.identity.serial == "MTR-1"
    assert layout.model_ids == [1, 203]


async def test_two_units_share_one_bus() -> None:
    units = {1: images.inverter(w=2100), 240: images.meter(w=-900)}
    async with null_modem() as (server_path, client_path), rtu_bus(server_path, units):
        config = AgentConfig.from_mapping(
            {
                "community": "c",
                "site": "s",
                "mqtt": {"url": "mqtt://127.0.0.1"},
                "devices": [
                    {"serial_port": client_path, "baudrate": BAUD, "unit_id": 1},
                    {"serial_port": client_path, "baudrate": BAUD, "unit_id": 240},
                ],
            }
        )
        slots = make_slots(config)
        assert slots[0].link is slots[1].link
        try:
            for slot in slots:
                await eventually(slot.poll, lambda sample: sample is not None, within=10, what=slot.label)
        finally:
            for slot in slots:
                await slot.close()
    inverter, meter = (slot.device for slot in slots)
    assert isinstance(inverter, PvInverter)
    assert inverter.power_w() == 2100
    assert isinstance(meter, Meter)
    assert meter.power_w() == -900
