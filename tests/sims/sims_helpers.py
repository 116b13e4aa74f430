"""Helpers for the simulator tests: pysunspec2 scans and raw Modbus clients."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import sunspec2.modbus.client as sunspec_client
from pymodbus.client import AsyncModbusTcpClient

from firmware_sims.inverter import InverterState
from firmware_sims.running import RunningDevice

NOON = datetime(2026, 6, 21, 11, 0, tzinfo=UTC)  # midsummer, sun high over Wolfhagen
MIDNIGHT = datetime(2026, 6, 21, 23, 0, tzinfo=UTC)


def _values(device: Any) -> dict[int, dict[str, Any]]:
    return {
        model_id: {name: point.cvalue for name, point in models[0].points.items()}
        for model_id, models in device.models.items()
        if isinstance(model_id, int)
    }


def _scan(port: int, unit_id: int, timeout: float) -> dict[int, dict[str, Any]]:
    device = sunspec_client.SunSpecModbusClientDeviceTCP(
        slave_id=unit_id, ipaddr="127.0.0.1", ipport=port, timeout=timeout
    )
    try:
        device.scan()
        return _values(device)
    finally:
        device.disconnect()  # close() alone leaves the socket open after a failed scan
        device.close()


async def scan(port: int, unit_id: int = 1, response_timeout_s: float = 2.0) -> dict[int, dict[str, Any]]:
    """pysunspec2 scan (blocking) in a thread; returns {model id: {point: computed value}}."""
    return await asyncio.to_thread(_scan, port, unit_id, response_timeout_s)


def _scan_rtu(serial_port: str, baudrate: int, unit_id: int, timeout: float) -> dict[int, dict[str, Any]]:
    device = sunspec_client.SunSpecModbusClientDeviceRTU(
        slave_id=unit_id, name=serial_port, baudrate=baudrate, timeout=timeout
    )
    try:
        device.scan()
        return _values(device)
    finally:
        device.close()


async def scan_rtu(
    serial_port: str, baudrate: int, unit_id: int = 1, response_timeout_s: float = 2.0
) -> dict[int, dict[str, Any]]:
    """The same over Modbus RTU on ``serial_port`` (e.g. one end of a pty pair)."""
    return await asyncio.to_thread(_scan_rtu, serial_port, baudrate, unit_id, response_timeout_s)


@asynccontextmanager
async def modbus(port: int, response_timeout_s: float = 1.0) -> AsyncIterator[AsyncModbusTcpClient]:
    client = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=response_timeout_s, retries=0)
    await client.connect()
    try:
        yield client
    finally:
        client.close()


def inverter_wh(device: RunningDevice) -> float:
    """The lifetime energy of a simulated inverter (its state is typed per device kind)."""
    state = device.state
    assert isinstance(state, InverterState), f"{device.kind} has no inverter state"
    return state.wh


@asynccontextmanager
async def sim_command(*args: str) -> AsyncIterator[asyncio.StreamReader]:
    """``python -m firmware_sims *args`` running, for reading what it prints; stopped (SIGTERM)
    afterwards, and it must then exit cleanly."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *["-m", "firmware_sims", *args],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        yield process.stdout
    finally:
        process.terminate()
        await asyncio.wait_for(process.communicate(), timeout=10)
    assert process.returncode == 0
