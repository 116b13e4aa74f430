"""The agent's configuration: one TOML file, validated by pydantic.

Errors name the offending key and the expected form, e.g.
``config error in agent.toml: devices[1].port: must be 1..65535 (got 70000)``.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    SecretStr,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from powershare_wire import Role
from powershare_wire.topics import ID_PATTERN

Id = Annotated[str, Field(pattern=ID_PATTERN)]


class ConfigError(Exception):
    """The configuration cannot be used; the message is meant for the person who wrote it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_unit_id(value: Any) -> Any:
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 247):
        return value
    raise ValueError(f'must be 1..247 or "auto" (got {value!r})')


# Checked before pydantic's own parsing, so one message covers every wrong form (0, "x", True).
UnitId = Annotated[int | Literal["auto"], BeforeValidator(_check_unit_id)]


class TcpDevice(_Strict):
    """A device (or gateway) reached over Modbus TCP."""

    name: str = ""
    host: str = Field(min_length=1)
    port: int = 502
    unit_id: UnitId = "auto"
    role: Role | None = Field(default=None, description="None: inferred from the SunSpec models.")
    invert_power: bool = Field(
        default=False,
        description="Flip the sign of W: site convention is pv +produce, battery +discharge, meter +import.",
    )
    timeout_s: float = Field(default=2.0, gt=0, le=30)

    @field_validator("port")
    @classmethod
    def _port_range(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError(f"must be 1..65535 (got {value})")
        return value

    @property
    def label(self) -> str:
        return self.name or f"{self.host}:{self.port}"

    @property
    def link_key(self) -> str:
        """Devices with the same key share one connection (e.g. units behind one gateway)."""
        return f"tcp:{self.host}:{self.port}"


class RtuDevice(_Strict):
    """A device on a serial RS-485 bus (Modbus RTU)."""

    name: str = ""
    serial_port: str = Field(min_length=1, description="e.g. /dev/ttyUSB0")
    baudrate: Literal[1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] = 9600
    parity: Literal["N", "E", "O"] = "N"
    stopbits: Literal[1, 2] = 1
    unit_id: UnitId = "auto"
    role: Role | None = None
    invert_power: bool = False
    timeout_s: float = Field(default=1.0, gt=0, le=30)

    @property
    def label(self) -> str:
        return self.name or self.serial_port

    @property
    def link_key(self) -> str:
        """All units on one RS-485 bus share the serial port."""
        return f"rtu:{self.serial_port}"


def _device_kind(entry: Any) -> str | None:
    """Tell the two device forms apart by their keys, so errors speak of the right one."""
    keys = entry.keys() if isinstance(entry, dict) else vars(entry) if isinstance(entry, BaseModel) else ()
    if "host" in keys:
        return "tcp"
    if "serial_port" in keys:
        return "rtu"
    return None


DeviceConfig = Annotated[
    Annotated[TcpDevice, Tag("tcp")] | Annotated[RtuDevice, Tag("rtu")],
    Discriminator(
        _device_kind,
        custom_error_type="device_kind",
        custom_error_message='needs host = "…" (Modbus TCP) or serial_port = "/dev/tty…" (Modbus RTU)',
    ),
]


class MqttConfig(_Strict):
    url: str = Field(description="mqtt://host[:1883] or mqtts://host[:8883]")
    username: str | None = None
    password: SecretStr | None = None
    ca_file: Path | None = Field(default=None, description="CA bundle for mqtts://; system CAs if unset.")
    keepalive_s: int = Field(default=30, ge=5, le=3600)
    publish_every_s: float = Field(
        default=0,
        ge=0,
        le=300,
        description="At most one telemetry message this often (0: each poll's readings at once); "
        "the readings in between wait in the spool and go out together.",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ValueError(f"must look like mqtt://host:1883 or mqtts://host:8883 (got {value!r})")
        try:
            parts.port  # noqa: B018 - raises on a bad port
        except ValueError as exc:
            raise ValueError(f"port must be 1..65535 (got {value!r})") from exc
        return value

    @property
    def tls(self) -> bool:
        return urlsplit(self.url).scheme == "mqtts"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or (8883 if self.tls else 1883)


class HomeAssistantConfig(MqttConfig):
    """The resident's own broker, where Home Assistant finds the site by MQTT discovery
    (edge_agent.home_assistant). Optional: without it the agent talks to the hub only."""

    discovery_prefix: str = Field(
        default="homeassistant", description="Home Assistant's MQTT discovery prefix (its default)."
    )
    state_interval_s: float = Field(
        default=10.0, ge=1, le=3600, description="Send Home Assistant the site's values at most this often."
    )

    @field_validator("discovery_prefix")
    @classmethod
    def _topic_level(cls, value: str) -> str:
        if not value or any(c in value for c in "+#") or value.startswith("/") or value.endswith("/"):
            raise ValueError(f'must be topic levels without wildcards, e.g. "homeassistant" (got {value!r})')
        return value


OFFLINE_HOURS = 48  # what the spool must hold: a weekend without the broker loses nothing


class SpoolConfig(_Strict):
    path: Path = Path("/var/lib/powershare-agent/spool.sqlite3")
    max_readings: int | None = Field(
        default=None,
        ge=100,
        description="When full the oldest readings are dropped and counted; unset: sized for 48 h offline.",
    )


class DispatchConfig(_Strict):
    revert_margin_s: int = Field(
        default=30, ge=0, le=3600, description="Device revert timer beyond duration."
    )
    min_reserve_pct: float = Field(default=10.0, ge=0, le=100, description="Never discharge below this SoC.")
    max_soc_pct: float = Field(default=100.0, ge=0, le=100, description="Never charge above this SoC.")


class AgentConfig(_Strict):
    community: Id
    site: Id
    mqtt: MqttConfig
    poll_interval_s: float = Field(default=1.0, ge=0.1, le=3600)
    spool: SpoolConfig = SpoolConfig()
    dispatch: DispatchConfig = DispatchConfig()
    watchdog_s: float = Field(
        default=60.0,
        ge=0,
        description="Exit if the poll loop stalls this long (0: never exit; for agents run inside another process).",
    )
    devices: list[DeviceConfig] = Field(min_length=1)
    home_assistant: HomeAssistantConfig | None = None

    @field_validator("watchdog_s")
    @classmethod
    def _watchdog_range(cls, value: float) -> float:
        if 0 < value < 5:
            raise ValueError(f"must be 0 (off) or at least 5 seconds (got {value:g})")
        return value

    @model_validator(mode="after")
    def _one_bus_one_setting(self) -> AgentConfig:
        seen: dict[str, tuple[int, str, int]] = {}
        for index, device in enumerate(self.devices):
            if isinstance(device, RtuDevice):
                settings = (device.baudrate, device.parity, device.stopbits)
                first = seen.setdefault(device.serial_port, settings)
                if first != settings:
                    raise ValueError(
                        f"devices[{index}]: {device.serial_port} is already used with baudrate/parity/stopbits "
                        f"{first}; devices on one bus must share them"
                    )
        return self

    @model_validator(mode="after")
    def _spool_holds_the_outage(self) -> AgentConfig:
        needed = self.readings_offline(OFFLINE_HOURS)
        chosen = self.spool.max_readings
        if chosen is not None and chosen < needed:
            raise ValueError(
                f"spool.max_readings: {chosen:,} readings last less than {OFFLINE_HOURS} h offline with "
                f"{len(self.devices)} device(s) every {self.poll_interval_s:g} s, which need {needed:,}; "
                "raise it or leave it unset to size the spool automatically"
            )
        return self

    def readings_offline(self, hours: float) -> int:
        """Readings written in ``hours``: one per device plus one for the site each poll cycle."""
        cycles = math.ceil(hours * 3600 / self.poll_interval_s)
        return cycles * (len(self.devices) + 1)

    @property
    def spool_capacity(self) -> int:
        """The spool's size: as configured, or what 48 h offline write."""
        return self.spool.max_readings or self.readings_offline(OFFLINE_HOURS)

    @classmethod
    def load(cls, path: str | Path) -> AgentConfig:
        """Read and validate ``path``; any problem raises :class:`ConfigError`."""
        path = Path(path)
        try:
            with path.open("rb") as file:
                data = tomllib.load(file)
        except OSError as exc:
            raise ConfigError(f"config error: cannot read {path}: {exc.strerror or exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config error in {path.name}: not valid TOML: {exc}") from exc
        return cls.from_mapping(data, source=path.name)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "config") -> AgentConfig:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(
                f"config error in {source}: " + "; ".join(_describe(e) for e in exc.errors())
            ) from exc


_UNION_BRANCHES = {"tcp", "rtu"}


def _describe(error: Any) -> str:
    location = ""
    for part in error["loc"]:
        if isinstance(part, int):
            location += f"[{part}]"
        elif part not in _UNION_BRANCHES and not str(part).startswith(("function-", "literal[", "int")):
            location += f".{part}" if location else str(part)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "is required"
    elif error["type"] == "extra_forbidden":
        message = "is not a known setting"
    elif "input" in error and error["type"] not in ("value_error",) and not isinstance(error["input"], dict):
        message += f" (got {error['input']!r})"
    return f"{location}: {message}" if location else message  # a whole-config rule names its keys itself
