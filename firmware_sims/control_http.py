"""A tiny JSON-over-HTTP control surface for a running community (stdlib asyncio only).

Routes (all JSON):
    GET  /health
    GET  /clock                          {"now", "mode", "speed"}
    POST /clock/advance                  {"seconds": 60}        stepped clocks only
    POST /weather                        {"cloud_cover": 0.7}   the whole community
    GET  /homes                          every home with its devices
    GET  /homes/{id}                     one home: devices, conditions, physical state
    POST /homes/{id}/conditions          {"cloud_cover": 0.9 | null, "load_spike_w": 3000,
                                          "load_spike_s": 600, "pv_limit_w": 2000 | null}
    GET  /devices/{serial}               one device and its state
    POST /devices/{serial}/offline       {"seconds": 30 | null}   refuse connections
    POST /devices/{serial}/online
    POST /devices/{serial}/fault         {"fault": "sentinels", "enabled": true}
    POST /devices/{serial}/scale_factor  {"model": 103, "name": "W_SF", "value": -1}
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from firmware_sims.community import RunningCommunity
    from firmware_sims.running import RunningDevice, RunningHome

_MAX_BODY = 64 * 1024
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
}


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, Enum):
        return value.name if isinstance(value.value, int) else value.value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def _number(body: dict[str, Any], key: str, *, low: float | None = None, high: float | None = None) -> float:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HttpError(400, f"{key}: expected a number, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise HttpError(400, f"{key}: expected a number in [{low}, {high}], got {value!r}")
    return float(value)


class ControlApi:
    """Route handlers; kept apart from the HTTP parsing so tests can call them directly."""

    def __init__(self, community: RunningCommunity) -> None:
        self.community = community

    def _home(self, home_id: str) -> RunningHome:
        try:
            return self.community.home(home_id)
        except KeyError:
            raise HttpError(404, f"no home {home_id!r}") from None

    def _device(self, serial: str) -> RunningDevice:
        try:
            return self.community.device(serial)
        except KeyError:
            raise HttpError(404, f"no device with serial {serial!r}") from None

    def home_view(self, home: RunningHome) -> dict[str, Any]:
        conditions = dataclasses.asdict(home.physics.conditions)
        until = conditions["load_spike_until"]
        # Simulated POSIX time -> ISO, so callers compare it with GET /clock.
        conditions["load_spike_until"] = (
            datetime.fromtimestamp(until, UTC).isoformat() if math.isfinite(until) else None
        )
        return {
            **home.describe(),
            "conditions": _jsonable(conditions),
            "state": _jsonable(home.physics.snapshot()),
        }

    def device_view(self, device: RunningDevice) -> dict[str, Any]:
        return {**device.describe(), "home": device.home_id, "state": _jsonable(device.state)}

    async def handle(self, method: str, path: str, body: dict[str, Any]) -> Any:
        parts = [p for p in path.split("?")[0].split("/") if p]
        match (method, parts):
            case ("GET", ["health"]):
                return {"ok": True, "homes": len(self.community.homes)}
            case ("GET", ["clock"]):
                clock = self.community.clock
                return {"now": clock.now().isoformat(), "mode": clock.mode.value, "speed": clock.speed}
            case ("POST", ["clock", "advance"]):
                try:
                    self.community.clock.advance(_number(body, "seconds", low=0))
                except RuntimeError as exc:
                    raise HttpError(409, str(exc)) from None
                return {"now": self.community.clock.now().isoformat()}
            case ("POST", ["weather"]):
                self.community.physics.sync()
                self.community.physics.cloud_cover = _number(body, "cloud_cover", low=0, high=1)
                return {"cloud_cover": self.community.physics.cloud_cover}
            case ("GET", ["homes"]):
                return [home.describe() for home in self.community.homes]
            case ("GET", ["homes", home_id]):
                return self.home_view(self._home(home_id))
            case ("POST", ["homes", home_id, "conditions"]):
                return self._conditions(self._home(home_id), body)
            case ("GET", ["devices", serial]):
                return self.device_view(self._device(serial))
            case ("POST", ["devices", serial, "offline"]):
                device = self._device(serial)
                seconds = None if body.get("seconds") is None else _number(body, "seconds", low=0)
                await device.go_offline(seconds)
                return self.device_view(device)
            case ("POST", ["devices", serial, "online"]):
                device = self._device(serial)
                await device.go_online()
                return self.device_view(device)
            case ("POST", ["devices", serial, "fault"]):
                device = self._device(serial)
                try:
                    device.set_fault(str(body.get("fault")), bool(body.get("enabled", True)))
                except ValueError as exc:
                    raise HttpError(400, f"fault: {exc}") from None
                return self.device_view(device)
            case ("POST", ["devices", serial, "scale_factor"]):
                device = self._device(serial)
                try:
                    value = int(_number(body, "value", low=-10, high=10))
                    device.set_scale_factor(int(_number(body, "model")), str(body.get("name")), value)
                except (KeyError, ValueError) as exc:
                    raise HttpError(400, str(exc)) from None
                return self.device_view(device)
            case ("GET" | "POST", _):
                raise HttpError(404, f"no route {method} {path}")
            case _:
                raise HttpError(405, f"method {method} not allowed")

    def _conditions(self, home: RunningHome, body: dict[str, Any]) -> dict[str, Any]:
        physics = home.physics
        physics.community.sync()  # new conditions apply from now on
        conditions = physics.conditions
        known = {"cloud_cover", "load_spike_w", "load_spike_s", "pv_limit_w"}
        if unknown := sorted(set(body) - known):
            raise HttpError(400, f"{unknown[0]}: unknown key; expected {', '.join(sorted(known))}")
        if "cloud_cover" in body:
            cover = body["cloud_cover"]
            conditions.cloud_cover = None if cover is None else _number(body, "cloud_cover", low=0, high=1)
        if "load_spike_w" in body:
            conditions.load_spike_w = _number(body, "load_spike_w", low=0)
            seconds = _number(body, "load_spike_s", low=0) if "load_spike_s" in body else 600.0
            conditions.load_spike_until = physics.community.t + seconds
        if "pv_limit_w" in body:
            limit = body["pv_limit_w"]
            conditions.pv_limit_w = math.inf if limit is None else _number(body, "pv_limit_w", low=0)
        return self.home_view(home)


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, Any]]:
    request_line = (await reader.readline()).decode("latin-1").strip()
    try:
        method, path, _version = request_line.split(" ", 2)
    except ValueError:
        raise HttpError(400, f"bad request line {request_line!r}") from None
    length = 0
    while (line := (await reader.readline()).decode("latin-1").strip()) != "":
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip() or 0)
    if length > _MAX_BODY:
        raise HttpError(400, "body too large")
    raw = await reader.readexactly(length) if length else b""
    try:
        body = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as exc:
        raise HttpError(400, f"body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise HttpError(400, "body must be a JSON object")
    return method.upper(), path, body


async def _respond(writer: asyncio.StreamWriter, status: int, payload: Any) -> None:
    data = json.dumps(payload).encode()
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + data)
    with suppress(ConnectionError):
        await writer.drain()


@asynccontextmanager
async def serve_control(community: RunningCommunity, host: str, port: int) -> AsyncIterator[int]:
    """Serve the control API; yields the bound port (``port=0`` picks a free one)."""
    api = ControlApi(community)

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path, body = await _read_request(reader)
            await _respond(writer, 200, await api.handle(method, path, body))
        except HttpError as exc:
            await _respond(writer, exc.status, {"error": str(exc)})
        except (asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
            await _respond(writer, 400, {"error": str(exc)})
        except Exception as exc:  # a bug must not kill the control surface
            await _respond(writer, 500, {"error": f"{type(exc).__name__}: {exc}"})
        finally:
            writer.close()
            with suppress(ConnectionError):
                await writer.wait_closed()

    server = await asyncio.start_server(on_client, host, port)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()
