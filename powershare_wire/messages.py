"""Payload models (JSON, UTF-8). Every message carries ``v`` = :data:`WIRE_VERSION`.

The names, units and sign conventions of a site snapshot's values (``pv_w``, ``grid_w`` …) are
in :mod:`powershare_wire.site`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator, with_config
from typing_extensions import TypedDict

from powershare_wire.topics import ID_PATTERN

WIRE_VERSION: Literal[1] = 1
MAX_BATCH = 1000

Id = Annotated[str, Field(pattern=ID_PATTERN)]


# Timezone-aware, with the offset the sender wrote: the instant is what counts, and every
# consumer that needs UTC (the database types, interval maths) works on instants. Converting
# each timestamp in a validator cost ~6 µs, half of a reading's validation.
UtcTime = AwareDatetime


class Unit(StrEnum):
    W = "W"
    WH = "Wh"
    PERCENT = "%"
    V = "V"
    A = "A"
    HZ = "Hz"
    CELSIUS = "°C"


class Role(StrEnum):
    PV = "pv"
    WIND = "wind"
    BATTERY = "battery"
    METER = "meter"


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = WIRE_VERSION


# A typed dict, not a model: a site snapshot carries a dozen of these and the hub validates
# tens of thousands of readings a second; as plain dicts they validate twice as fast.
@with_config(ConfigDict(extra="forbid"))
class Quantity(TypedDict):
    """A value with its unit; ``None`` when the device reports "not implemented"."""

    value: Annotated[float | None, Field(allow_inf_nan=False)]
    unit: Unit


class Reading(BaseModel):
    """One sample of one device (or of the whole site when ``device`` is ``"site"``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=0, description="Per-agent sequence number; survives restarts.")
    ts: UtcTime
    device: str = Field(min_length=1, max_length=64, description="Serial number, or 'site'.")
    values: dict[str, Quantity] = Field(min_length=1)


class Telemetry(_Message):
    """One or more readings of one site: one when live, up to MAX_BATCH when draining a backlog."""

    site: Id
    readings: list[Reading] = Field(min_length=1, max_length=MAX_BATCH)


class DeviceInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    serial: str = Field(min_length=1, max_length=64)
    role: Role
    manufacturer: str = ""
    model: str = ""
    sunspec_models: list[int] = Field(default_factory=list)
    ok: bool = True
    problem: str | None = None


class Status(_Message):
    """Retained. The agent's birth message (``online``) and its last will (not ``online``)."""

    site: Id
    online: bool
    ts: UtcTime
    agent_version: str = ""
    devices: list[DeviceInfo] = Field(default_factory=list)


class SiteState(_Message):
    """Retained. The latest site snapshot, so a new subscriber sees the site at once."""

    site: Id
    reading: Reading


class DispatchMode(StrEnum):
    CHARGE = "charge"
    DISCHARGE = "discharge"
    IDLE = "idle"


class DispatchCommand(_Message):
    """Hub → agent: run a battery at ``power_w`` for ``duration_s``, then revert."""

    id: str = Field(min_length=1, max_length=64)
    site: Id
    device: str | None = Field(default=None, description="Battery serial; None = the site's battery.")
    mode: DispatchMode
    power_w: float = Field(ge=0, le=1_000_000, allow_inf_nan=False)
    duration_s: int = Field(ge=1, le=86_400)
    issued_at: UtcTime

    @model_validator(mode="after")
    def _idle_has_no_power(self) -> DispatchCommand:
        if self.mode is DispatchMode.IDLE and self.power_w != 0:
            raise ValueError("power_w must be 0 when mode is 'idle'")
        return self


class DispatchOutcome(StrEnum):
    ACCEPTED = "accepted"
    CLAMPED = "clamped"
    REJECTED = "rejected"
    COMPLETED = "completed"
    REVERTED = "reverted"


class DispatchAck(_Message):
    id: str = Field(min_length=1, max_length=64)
    site: Id
    outcome: DispatchOutcome
    power_w: float = Field(ge=0, allow_inf_nan=False, description="Power actually applied.")
    until: UtcTime | None = None
    reason: str | None = None
    ts: UtcTime


PAYLOADS: dict[str, type[BaseModel]] = {
    "telemetry": Telemetry,
    "status": Status,
    "state": SiteState,
    "cmd/dispatch": DispatchCommand,
    "cmd/dispatch/ack": DispatchAck,
}
