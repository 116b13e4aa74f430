"""Scenario files (TOML): a community of homes, their plants and their SunSpec devices.

Every error names the offending key and the expected form, e.g.
``scenario.toml: home[3].battery.capacity_kwh: expected a number > 0, got "ten"``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from firmware_sims.clock import ClockMode
from firmware_sims.device import DeviceKind
from firmware_sims.physics.specs import BatterySpec, HomePhysicsSpec, LoadSpec, PvSpec, WindSpec
from firmware_sims.registry import check_variant
from firmware_sims.serial_line import BAUDRATES, PARITIES, SerialLine

HOME_ID = re.compile(r"^[a-z0-9_-]{1,40}$")
ROLES = ("provider", "consumer", "hybrid")
# Wolfhagen (Hesse, Germany), a town with a citizen-owned energy cooperative.
DEFAULT_LAT, DEFAULT_LON = 51.3268, 9.1700


_TABLE = {
    (DeviceKind.INVERTER, "pv"): "pv",
    (DeviceKind.INVERTER, "wind"): "wind",
    (DeviceKind.BATTERY, "pv"): "battery",
    (DeviceKind.METER, "pv"): "meter",
}


class ScenarioError(ValueError):
    """A scenario that cannot be run; the message names the key and what was expected."""


@dataclass(frozen=True)
class DeviceScenario:
    kind: DeviceKind
    variant: str = ""
    unit_id: int = 1
    port: int | None = None  # None: base_port + n, or a free port
    source: str = "pv"  # inverters: which plant feeds them, "pv" or "wind"
    serial: SerialLine | None = None  # Modbus RTU on this line instead of TCP; devices may share one


@dataclass(frozen=True)
class HomeScenario:
    id: str
    role: str
    physics: HomePhysicsSpec
    devices: tuple[DeviceScenario, ...]

    @property
    def location(self) -> tuple[float, float]:
        return (self.physics.lat, self.physics.lon)


@dataclass(frozen=True)
class Scenario:
    name: str
    homes: tuple[HomeScenario, ...]
    seed: int = 0
    clock: ClockMode = ClockMode.REAL
    speed: float = 1.0
    start: datetime | None = None
    step_s: float = 1.0
    cloud_cover: float = 0.2
    host: str = "127.0.0.1"
    base_port: int | None = None
    control_port: int | None = None
    source: str = field(default="<memory>", compare=False)

    def with_free_ports(self) -> Scenario:
        """The same community with every port (devices and control) chosen by the OS."""
        homes = tuple(
            replace(home, devices=tuple(replace(d, port=None if d.serial else 0) for d in home.devices))
            for home in self.homes
        )
        return replace(self, homes=homes, base_port=None, control_port=0 if self.control_port else None)


class _Reader:
    """Typed access to one TOML table, with error messages that name the path."""

    def __init__(self, table: Mapping[str, Any], path: str, source: str) -> None:
        self.table = table
        self.path = path
        self.source = source
        self.used: set[str] = set()

    def fail(self, key: str, expected: str, got: object) -> ScenarioError:
        where = f"{self.path}.{key}" if self.path else key
        return ScenarioError(f"{self.source}: {where}: expected {expected}, got {got!r}")

    def number(
        self,
        key: str,
        default: float | None = None,
        *,
        low: float | None = None,
        high: float | None = None,
        strict_low: bool = False,
    ) -> float:
        self.used.add(key)
        value = self.table.get(key, default)
        expected = "a number"
        if low is not None:
            expected += f" {'>' if strict_low else '>='} {low:g}"
        if high is not None:
            expected += f" and <= {high:g}"
        if value is None:
            raise self.fail(key, expected, "nothing")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, expected, value)
        if low is not None and (value < low or (strict_low and value == low)):
            raise self.fail(key, expected, value)
        if high is not None and value > high:
            raise self.fail(key, expected, value)
        return float(value)

    def integer(self, key: str, default: int | None = None, *, low: int, high: int) -> int:
        self.used.add(key)
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"an integer {low}..{high}", value)
        return value

    def optional_integer(self, key: str, *, low: int, high: int) -> int | None:
        self.used.add(key)
        return self.integer(key, low=low, high=high) if key in self.table else None

    def string(self, key: str, default: str | None = None, *, choices: tuple[str, ...] | None = None) -> str:
        self.used.add(key)
        value = self.table.get(key, default)
        if not isinstance(value, str) or (choices is not None and value not in choices):
            expected = f"one of {', '.join(choices)}" if choices else "a string"
            raise self.fail(key, expected, value)
        return value

    def sub(self, key: str) -> _Reader | None:
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.fail(key, "a table", value)
        return _Reader(value, f"{self.path}.{key}" if self.path else key, self.source)

    def finish(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            where = f"{self.path}." if self.path else ""
            raise ScenarioError(
                f"{self.source}: {where}{unknown[0]}: unknown key; expected one of {', '.join(sorted(self.used))}"
            )


def _check_variant(reader: _Reader, kind: DeviceKind, variant: str) -> None:
    try:
        check_variant(kind, variant)
    except ValueError as exc:
        raise reader.fail("variant", f"a variant and/or faults joined by '+' ({exc})", variant) from None


def _serial_line(reader: _Reader) -> SerialLine | None:
    settings = ("baudrate", "parity", "stopbits")
    if "serial_port" not in reader.table:
        if given := [key for key in settings if key in reader.table]:
            raise reader.fail(given[0], 'serial_port = "/dev/tty…" beside it (RTU only)', "no serial_port")
        return None
    if "port" in reader.table:
        raise reader.fail("port", "no TCP port on a device with a serial_port", reader.table["port"])
    baudrate = reader.integer("baudrate", 9600, low=1, high=10**7)
    if baudrate not in BAUDRATES:
        raise reader.fail("baudrate", f"one of {', '.join(map(str, BAUDRATES))}", baudrate)
    port = reader.string("serial_port")
    if not port:
        raise reader.fail("serial_port", "a device path such as /dev/ttyUSB0", port)
    return SerialLine(
        port=port,
        baudrate=baudrate,
        parity=reader.string("parity", "N", choices=PARITIES),
        stopbits=reader.integer("stopbits", 1, low=1, high=2),
    )


def _device(reader: _Reader, kind: DeviceKind, *, source: str = "pv") -> DeviceScenario:
    variant = reader.string("variant", "")
    _check_variant(reader, kind, variant)
    return DeviceScenario(
        kind=kind,
        variant=variant,
        unit_id=reader.integer("unit_id", 1, low=1, high=247),
        port=reader.optional_integer("port", low=0, high=65535),
        source=source,
        serial=_serial_line(reader),
    )


def _home(reader: _Reader, defaults: tuple[float, float]) -> HomeScenario:
    home_id = reader.string("id")
    if not HOME_ID.match(home_id):
        raise reader.fail("id", "lower-case [a-z0-9_-], 1-40 characters", home_id)
    lat = reader.number("lat", defaults[0], low=-90, high=90)
    lon = reader.number("lon", defaults[1], low=-180, high=180)
    annual = reader.number("load_kwh_per_year", 3500, low=0)
    pv = wind = battery = None
    devices: list[DeviceScenario] = []
    if (table := reader.sub("pv")) is not None:
        pv = PvSpec(
            kwp=table.number("kwp", low=0, strict_low=True),
            tilt_deg=table.number("tilt", 30, low=0, high=90),
            azimuth_deg=table.number("azimuth", 180, low=0, high=360),
            inverter_w=table.number("inverter_kw", table.table.get("kwp"), low=0, strict_low=True) * 1000,
        )
        devices.append(_device(table, DeviceKind.INVERTER, source="pv"))
        table.finish()
    if (table := reader.sub("wind")) is not None:
        wind = WindSpec(
            rated_w=table.number("rated_kw", low=0, strict_low=True) * 1000,
            mean_wind_ms=table.number("mean_wind_ms", 5.5, low=0),
        )
        devices.append(_device(table, DeviceKind.INVERTER, source="wind"))
        table.finish()
    if (table := reader.sub("battery")) is not None:
        capacity = table.number("capacity_kwh", low=0, strict_low=True) * 1000
        charge = table.number("max_charge_kw", capacity / 2000, low=0, strict_low=True) * 1000
        soc_min = table.number("soc_min_pct", 5, low=0, high=100)
        soc_max = table.number("soc_max_pct", 100, low=soc_min, high=100)
        battery = BatterySpec(
            capacity_wh=capacity,
            max_charge_w=charge,
            max_discharge_w=table.number("max_discharge_kw", charge / 1000, low=0, strict_low=True) * 1000,
            soc_min_pct=soc_min,
            soc_max_pct=soc_max,
            initial_soc_pct=table.number("initial_soc_pct", 50, low=soc_min, high=soc_max),
        )
        devices.append(_device(table, DeviceKind.BATTERY))
        table.finish()
    meter_table = reader.sub("meter")
    devices.append(
        _device(meter_table, DeviceKind.METER) if meter_table else DeviceScenario(DeviceKind.METER)
    )
    if meter_table:
        meter_table.finish()
    derived = "hybrid" if battery else ("provider" if pv or wind else "consumer")
    role = reader.string("role", derived, choices=ROLES)
    if role == "consumer" and (pv or wind or battery):
        raise reader.fail("role", "provider or hybrid for a home with pv, wind or a battery", role)
    if role != "consumer" and not (pv or wind or battery):
        raise reader.fail("role", "consumer for a home with only a meter", role)
    reader.finish()
    physics = HomePhysicsSpec(home_id, lat, lon, LoadSpec(annual), pv, wind, battery)
    return HomeScenario(home_id, role, physics, tuple(devices))


def _check_bus(
    buses: dict[str, tuple[SerialLine, set[int]]], serial: SerialLine, unit_id: int, where: str
) -> None:
    """Devices on one serial port share its line settings and need distinct unit ids."""
    line, units = buses.setdefault(serial.port, (serial, set()))
    if line != serial:
        raise ScenarioError(
            f"{where}: expected the line settings of the other devices on {line.port} "
            f"({line.description}), got {serial.description}"
        )
    if unit_id in units:
        raise ScenarioError(
            f"{where}.unit_id: expected a unit id no other device on {line.port} uses, got {unit_id}"
        )
    units.add(unit_id)


def parse(data: Mapping[str, Any], source: str = "<memory>") -> Scenario:
    """Build a scenario from parsed TOML (a dict); raises ScenarioError naming the key."""
    root = _Reader(data, "", source)
    community = root.sub("community")
    if community is None:
        raise ScenarioError(f"{source}: community: expected a [community] table")
    homes_raw = data.get("home")
    root.used.add("home")
    if not isinstance(homes_raw, list) or not homes_raw:
        raise ScenarioError(f"{source}: home: expected one or more [[home]] tables, got {homes_raw!r}")
    lat = community.number("lat", DEFAULT_LAT, low=-90, high=90)
    lon = community.number("lon", DEFAULT_LON, low=-180, high=180)
    start_raw = community.table.get("start")
    community.used.add("start")
    start = None
    if start_raw is not None:
        if not isinstance(start_raw, datetime) or start_raw.tzinfo is None:
            raise community.fail("start", "a TOML offset date-time like 2026-06-21T05:00:00Z", start_raw)
        start = start_raw
    speed = community.number("speed", 1, low=0, strict_low=True)
    clock = community.string(
        "clock",
        "real" if speed == 1 and start is None else "accelerated",
        choices=tuple(m.value for m in ClockMode),
    )
    homes = []
    for index, raw in enumerate(homes_raw):
        if not isinstance(raw, Mapping):
            raise ScenarioError(f"{source}: home[{index}]: expected a table, got {raw!r}")
        homes.append(_home(_Reader(raw, f"home[{index}]", source), (lat, lon)))
    seen: set[str] = set()
    ports: set[int] = set()
    buses: dict[str, tuple[SerialLine, set[int]]] = {}
    for index, home in enumerate(homes):
        if home.id in seen:
            raise ScenarioError(
                f"{source}: home[{index}].id: expected a unique id, got duplicate {home.id!r}"
            )
        seen.add(home.id)
        for device in home.devices:
            if device.serial is not None:
                where = f"{source}: home[{index}].{_TABLE[device.kind, device.source]}"
                _check_bus(buses, device.serial, device.unit_id, where)
            if device.port:
                if device.port in ports:
                    table = _TABLE[device.kind, device.source]
                    raise ScenarioError(
                        f"{source}: home[{index}].{table}.port: expected a port no other device uses, "
                        f"got {device.port}"
                    )
                ports.add(device.port)
    scenario = Scenario(
        name=community.string("name", "community"),
        homes=tuple(homes),
        seed=community.integer("seed", 0, low=0, high=2**31 - 1),
        clock=ClockMode(clock),
        speed=speed,
        start=start,
        step_s=community.number("step_s", 1, low=0, strict_low=True),
        cloud_cover=community.number("cloud_cover", 0.2, low=0, high=1),
        host=community.string("host", "127.0.0.1"),
        base_port=community.optional_integer("base_port", low=1, high=65000),
        control_port=community.optional_integer("control_port", low=0, high=65535),
        source=source,
    )
    community.finish()
    root.finish()
    return scenario


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{file}: no such scenario file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{file}: not valid TOML: {exc}") from None
    return parse(data, str(file))
