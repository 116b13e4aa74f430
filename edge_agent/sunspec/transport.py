"""Register access over Modbus TCP or RTU, with two distinct error channels.

:class:`LinkError` means the link failed (timeout, refused, closed): back off and reconnect.
:class:`DeviceRefused` means the device answered with a Modbus exception: the registers are
unsupported or the unit id is wrong; the link itself is fine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

MAX_READ = 125  # registers per FC3 request (Modbus spec, pysunspec2 REQ_COUNT_MAX)
MAX_WRITE = 123  # registers per FC16 request

EXCEPTION_NAMES = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "device failure",
    6: "device busy",
    10: "gateway path unavailable",
    11: "gateway target did not respond",
}


class LinkError(Exception):
    """No usable answer: timeout, connection refused or lost, garbled frame."""


class DeviceRefused(Exception):
    """The device answered with a Modbus exception code."""

    def __init__(self, code: int, address: int) -> None:
        self.code = code
        self.address = address
        name = EXCEPTION_NAMES.get(code, "exception")
        super().__init__(f"Modbus exception {code} ({name}) at register {address}")


class RegisterLink(Protocol):
    """What discovery and devices need from a Modbus connection."""

    description: str

    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    async def read(self, unit_id: int, address: int, count: int) -> list[int]: ...

    async def write(self, unit_id: int, address: int, values: Sequence[int]) -> None: ...


class ModbusLink:
    """A pymodbus async client for one TCP endpoint or one serial bus.

    pymodbus' own reconnect is disabled; the agent decides when to reconnect, with backoff.
    """

    def __init__(self, client: AsyncModbusTcpClient | AsyncModbusSerialClient, description: str) -> None:
        self._client = client
        self.description = description
        # One request at a time per link: an RTU bus is half-duplex, a TCP device often serial inside.
        self._lock = asyncio.Lock()

    @classmethod
    def tcp(cls, host: str, port: int, timeout_s: float = 2.0) -> ModbusLink:
        client = AsyncModbusTcpClient(host, port=port, timeout=timeout_s, retries=0, reconnect_delay=0)
        return cls(client, f"{host}:{port}")

    @classmethod
    def rtu(
        cls, port: str, baudrate: int, parity: str = "N", stopbits: int = 1, timeout_s: float = 1.0
    ) -> ModbusLink:
        client = AsyncModbusSerialClient(
            port,
            baudrate=baudrate,
            parity=parity,
            stopbits=stopbits,
            bytesize=8,
            timeout=timeout_s,
            retries=0,
            reconnect_delay=0,
        )
        return cls(client, f"{port}@{baudrate}")

    @property
    def connected(self) -> bool:
        return bool(self._client.connected)

    async def connect(self) -> None:
        if self._client.connected:
            return
        try:
            ok = await self._client.connect()
        except (OSError, ModbusException) as exc:
            raise LinkError(f"cannot connect to {self.description}: {exc}") from exc
        if not ok:
            raise LinkError(f"cannot connect to {self.description}")

    async def close(self) -> None:
        self._client.close()

    async def read(self, unit_id: int, address: int, count: int) -> list[int]:
        if not 1 <= count <= MAX_READ:
            raise ValueError(f"read of {count} registers; Modbus allows 1..{MAX_READ}")
        async with self._lock:
            await self.connect()
            try:
                response = await self._client.read_holding_registers(address, count=count, device_id=unit_id)
            except (TimeoutError, ModbusException, OSError) as exc:
                raise LinkError(f"no answer from {self.description} unit {unit_id}: {exc}") from exc
        if response.isError():
            raise DeviceRefused(int(getattr(response, "exception_code", 0)), address)
        registers = list(response.registers)
        if len(registers) != count:
            raise LinkError(f"{self.description} returned {len(registers)} registers, asked for {count}")
        return registers

    async def write(self, unit_id: int, address: int, values: Sequence[int]) -> None:
        if not 1 <= len(values) <= MAX_WRITE:
            raise ValueError(f"write of {len(values)} registers; Modbus allows 1..{MAX_WRITE}")
        async with self._lock:
            await self.connect()
            try:
                response = await self._client.write_registers(address, list(values), device_id=unit_id)
            except (TimeoutError, ModbusException, OSError) as exc:
                raise LinkError(f"no answer from {self.description} unit {unit_id}: {exc}") from exc
        if response.isError():
            raise DeviceRefused(int(getattr(response, "exception_code", 0)), address)


async def read_span(link: RegisterLink, unit_id: int, address: int, count: int) -> list[int]:
    """Read ``count`` registers in requests of at most :data:`MAX_READ`."""
    registers: list[int] = []
    while count > 0:
        chunk = min(count, MAX_READ)
        registers += await link.read(unit_id, address, chunk)
        address += chunk
        count -= chunk
    return registers
