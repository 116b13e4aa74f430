"""Routes of the control surface: what each request does to a running community.

See ``control_http`` for the wire side and the list of routes.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from firmware_sims.running import RunningCommunity, RunningDevice, RunningHome


class HttpError(Exception):
    """A request answered with ``status`` and ``{"error": message}``."""

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
        bounds = " and ".join(
            part
            for part in (f">= {low:g}" if low is not None else "", f"<= {high:g}" if high is not None else "")
            if part
        )
        raise HttpError(400, f"{key}: expected a number {bounds}, got {value!r}")
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
