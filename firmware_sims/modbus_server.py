"""Serve one simulated device over Modbus TCP with pymodbus, including going offline.

pymodbus calls ``async_getValues``/``async_setValues`` on the server's context for every
request; our context hands them straight to the device, which encodes lazily. A read the
device must not answer raises ``NoSuchIdException`` and the server (with
``ignore_missing_devices``) sends nothing, so the client times out like on a sleeping
inverter.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException
from pymodbus.server import ModbusTcpServer

from firmware_sims.device import NoAnswer, SimulatedDevice

_READ_CODES = frozenset({3})  # SunSpec lives in holding registers only
_WRITE_CODES = frozenset({6, 16})


class _DeviceDatastore(ModbusServerContext):
    """A server context backed by one simulated device (answers only its unit id)."""

    def __init__(self, device: SimulatedDevice) -> None:
        # ModbusServerContext.__init__ only builds the legacy block store and logs a
        # deprecation notice; this context needs neither.
        self.device = device
        self.old_simulator = True
        self.simdevices = []

    async def async_getValues(
        self, device_id: int, func_code: int, address: int, count: int = 1
    ) -> list[int] | list[bool] | ExcCodes:
        if device_id != self.device.unit_id:
            return ExcCodes.GATEWAY_NO_RESPONSE
        if func_code in _WRITE_CODES:  # pymodbus reads back after a single-register write
            return self.device.image.read(address, count)
        if func_code not in _READ_CODES:
            return ExcCodes.ILLEGAL_FUNCTION
        try:
            return self.device.read(address, count)
        except NoAnswer:
            raise NoSuchIdException("sleeping") from None

    async def async_setValues(
        self, device_id: int, func_code: int, address: int, values: Sequence[int] | Sequence[bool]
    ) -> ExcCodes | None:
        if device_id != self.device.unit_id:
            return ExcCodes.GATEWAY_NO_RESPONSE
        if func_code not in _WRITE_CODES:
            return ExcCodes.ILLEGAL_FUNCTION
        try:
            return self.device.write(address, [int(v) for v in values])
        except NoAnswer:
            raise NoSuchIdException("sleeping") from None

    def device_ids(self) -> list[int]:
        return [self.device.unit_id]


class ModbusEndpoint:
    """The TCP listener of one device; can refuse connections for a while and come back."""

    def __init__(self, device: SimulatedDevice, host: str = "127.0.0.1", port: int = 0) -> None:
        self.device = device
        self.host = host
        self.port = port
        self._server: ModbusTcpServer | None = None
        self._reopen: asyncio.Task[None] | None = None

    @property
    def online(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        await self._listen()

    async def _listen(self) -> None:
        server = ModbusTcpServer(
            _DeviceDatastore(self.device), address=(self.host, self.port), ignore_missing_devices=True
        )
        try:
            await server.serve_forever(background=True)
        except RuntimeError:
            raise OSError(
                f"{self.device.kind.value} {self.device.serial}: cannot listen on {self.host}:{self.port} "
                "(port in use or address not local)"
            ) from None
        self._server = server
        if self.port == 0:
            # Keep the number the OS chose, so going offline and back reuses the same port.
            sockets = getattr(server.transport, "sockets", None) or []
            self.port = int(sockets[0].getsockname()[1])

    async def _close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()  # type: ignore[no-untyped-call]
            await asyncio.sleep(0)  # let the transports finish closing

    async def go_offline(self, seconds: float | None = None) -> None:
        """Close the listener (clients get "connection refused"); reopen after ``seconds`` (real time)."""
        self._cancel_reopen()
        await self._close()
        if seconds is not None:
            self._reopen = asyncio.create_task(
                self._reopen_after(seconds), name=f"reopen-{self.device.serial}"
            )

    async def go_online(self) -> None:
        self._cancel_reopen()
        if self._server is None:
            await self._listen()

    async def _reopen_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._reopen = None
        await self._listen()

    def _cancel_reopen(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
            self._reopen = None

    async def stop(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reopen
            self._reopen = None
        await self._close()
