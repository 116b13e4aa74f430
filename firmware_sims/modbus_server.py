"""Serve simulated devices with pymodbus: over Modbus TCP (one listener per device) or over
Modbus RTU (several devices, each with its own unit id, on one serial line), including going offline.

pymodbus calls ``async_getValues``/``async_setValues`` on the server's context for every
request; our context hands them straight to the addressed device, which encodes lazily. A read
the device must not answer raises ``NoSuchIdException`` and the server (with
``ignore_missing_devices``) sends nothing, so the client times out like on a sleeping inverter.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Sequence

from pymodbus import FramerType
from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException
from pymodbus.server import ModbusSerialServer, ModbusTcpServer

from firmware_sims.device import NoAnswer, SimulatedDevice
from firmware_sims.serial_line import SerialLine

_READ_CODES = frozenset({3})  # SunSpec lives in holding registers only
_WRITE_CODES = frozenset({6, 16})


class _UnitsDatastore(ModbusServerContext):
    """A server context backed by the simulated devices behind one listener, by unit id.

    A request for a unit nobody has gets exception 0x0B on TCP (a gateway's answer) and
    silence on a serial bus (no device there to answer); so does a unit taken offline on a bus.
    """

    def __init__(self, *, silent_for_strangers: bool) -> None:
        # ModbusServerContext.__init__ only builds the legacy block store and logs a
        # deprecation notice; this context needs neither.
        self.units: dict[int, SimulatedDevice] = {}
        self.silent: set[int] = set()
        self._silent_for_strangers = silent_for_strangers
        self.old_simulator = True
        self.simdevices = []

    def _addressed(self, device_id: int) -> SimulatedDevice | None:
        device = self.units.get(device_id)
        if device_id in self.silent or (device is None and self._silent_for_strangers):
            raise NoSuchIdException(f"no unit {device_id} on this bus")
        return device

    async def async_getValues(
        self, device_id: int, func_code: int, address: int, count: int = 1
    ) -> list[int] | list[bool] | ExcCodes:
        device = self._addressed(device_id)
        if device is None:
            return ExcCodes.GATEWAY_NO_RESPONSE
        if func_code in _WRITE_CODES:  # pymodbus reads back after a single-register write
            return device.image.read(address, count)
        if func_code not in _READ_CODES:
            return ExcCodes.ILLEGAL_FUNCTION
        try:
            return device.read(address, count)
        except NoAnswer:
            raise NoSuchIdException("sleeping") from None

    async def async_setValues(
        self, device_id: int, func_code: int, address: int, values: Sequence[int] | Sequence[bool]
    ) -> ExcCodes | None:
        device = self._addressed(device_id)
        if device is None:
            return ExcCodes.GATEWAY_NO_RESPONSE
        if func_code not in _WRITE_CODES:
            return ExcCodes.ILLEGAL_FUNCTION
        try:
            return device.write(address, [int(v) for v in values])
        except NoAnswer:
            raise NoSuchIdException("sleeping") from None

    def device_ids(self) -> list[int]:
        return sorted(self.units)


class _Outages(ABC):
    """Going offline, for good or for some seconds, and back: what a TCP listener and a unit on
    a bus share. Each says how it falls silent (:meth:`_fall_silent`) and answers again
    (:meth:`_answer_again`)."""

    def __init__(self, device: SimulatedDevice) -> None:
        self.device = device
        self._reopen: asyncio.Task[None] | None = None

    @abstractmethod
    async def _fall_silent(self) -> None: ...

    @abstractmethod
    async def _answer_again(self) -> None: ...

    async def go_offline(self, seconds: float | None = None) -> None:
        """Stop answering; answer again after ``seconds`` (real time), or only on :meth:`go_online`."""
        self._cancel_reopen()
        await self._fall_silent()
        if seconds is not None:
            self._reopen = asyncio.create_task(
                self._reopen_after(seconds), name=f"reopen-{self.device.serial}"
            )

    async def go_online(self) -> None:
        self._cancel_reopen()
        await self._answer_again()

    async def _reopen_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._reopen = None
        await self._answer_again()

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


class ModbusEndpoint(_Outages):
    """The TCP listener of one device; offline it refuses connections ("connection refused")."""

    serial_line: SerialLine | None = None

    def __init__(self, device: SimulatedDevice, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(device)
        self.host = host
        self.port = port
        self._server: ModbusTcpServer | None = None

    @property
    def online(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        await self._listen()

    async def _listen(self) -> None:
        context = _UnitsDatastore(silent_for_strangers=False)
        context.units[self.device.unit_id] = self.device
        server = ModbusTcpServer(context, address=(self.host, self.port), ignore_missing_devices=True)
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

    async def _fall_silent(self) -> None:
        await self._close()

    async def _answer_again(self) -> None:
        if self._server is None:
            await self._listen()

    async def stop(self) -> None:
        await super().stop()
        await self._close()


class SerialBus:
    """One serial line served as a Modbus RTU bus: every device added answers its own unit id."""

    def __init__(self, line: SerialLine) -> None:
        self.line = line
        self._context = _UnitsDatastore(silent_for_strangers=True)
        self._server: ModbusSerialServer | None = None

    def add(self, device: SimulatedDevice) -> BusUnit:
        """Put ``device`` on the bus (before or after :meth:`start`)."""
        if device.unit_id in self._context.units:
            raise ValueError(
                f"{self.line.port}: unit id {device.unit_id} is taken on this bus; give each device its own"
            )
        self._context.units[device.unit_id] = device
        return BusUnit(self, device)

    async def start(self) -> None:
        server = ModbusSerialServer(
            self._context,
            framer=FramerType.RTU,
            port=self.line.port,
            baudrate=self.line.baudrate,
            parity=self.line.parity,
            stopbits=self.line.stopbits,
            bytesize=8,
            ignore_missing_devices=True,
        )
        try:
            await server.serve_forever(background=True)
        except RuntimeError:
            raise OSError(
                f"serial port {self.line.port}: cannot open it as a serial line "
                "(no such device, not a serial port, or in use)"
            ) from None
        self._server = server

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()  # type: ignore[no-untyped-call]
            await asyncio.sleep(0)

    def silence(self, unit_id: int, silent: bool) -> None:
        if silent:
            self._context.silent.add(unit_id)
        else:
            self._context.silent.discard(unit_id)

    def is_silent(self, unit_id: int) -> bool:
        return unit_id in self._context.silent


class BusUnit(_Outages):
    """One device on a :class:`SerialBus`; offline its unit id falls silent (clients time out)."""

    host = ""  # not on TCP: see serial_line
    port = 0

    def __init__(self, bus: SerialBus, device: SimulatedDevice) -> None:
        super().__init__(device)
        self.bus = bus

    @property
    def serial_line(self) -> SerialLine:
        return self.bus.line

    @property
    def online(self) -> bool:
        return not self.bus.is_silent(self.device.unit_id)

    async def _fall_silent(self) -> None:
        self.bus.silence(self.device.unit_id, True)

    async def _answer_again(self) -> None:
        self.bus.silence(self.device.unit_id, False)


Endpoint = ModbusEndpoint | BusUnit
