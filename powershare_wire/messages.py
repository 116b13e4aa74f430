"""Payload models (JSON, UTF-8). Every message carries ``v`` = :data:`WIRE_VERSION`.

The names, units and sign conventions of a site snapshot's values (``pv_w``, ``grid_w`` …) are
in :mod:`powershare_wire.site`.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
    with_config,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from powershare_wire.bounds import BY_UNIT, OUT_OF_BOUNDS, violation
from powershare_wire.bounds import Unit as Unit  # defined with its bounds; re-exported, as before
from powershare_wire.topics import ID_PATTERN

WIRE_VERSION: Literal[1] = 1
MAX_BATCH = 1000

Id = Annotated[str, Field(pattern=ID_PATTERN)]

# No device writes control characters (Unicode Cc: C0, DEL, C1) into a serial, a name or an
# id, and PostgreSQL refuses NUL in any text: such a message is refused as it arrives, not by
# the database in the middle of a batch of other sites' readings.
CONTROL_CHARACTER: Final = "control_character"  # the error type, and the hub's rejection reason
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _refuse_control_character(text: str, at: int, what: str = "") -> None:
    raise PydanticCustomError(
        CONTROL_CHARACTER,
        "{what}contains the control character U+{code} at {at}",
        {"what": what, "code": f"{ord(text[at]):04X}", "at": at},
    )


def _without_control_characters(text: str) -> str:
    # isprintable() is false for every control character and runs ten times faster than the
    # search; it is false for a few other characters too (soft hyphen …), which the search lets by.
    if not text.isprintable() and (found := _CONTROL.search(text)) is not None:
        _refuse_control_character(text, found.start())
    return text


def strip_control_characters(text: str) -> str:
    """``text`` without its control characters: what a sender makes of a device's text
    (a serial padded with NULs, say) before the models would refuse it."""
    return _CONTROL.sub("", text) if not text.isprintable() else text


def _without_nul(text: str) -> str:
    if "\x00" in text:
        _refuse_control_character(text, text.index("\x00"))
    return text


Text = Annotated[str, AfterValidator(_without_control_characters)]  # names, serials, ids
# Free text (a device's problem, a refusal's reason) may hold line breaks, as error messages do.
FreeText = Annotated[str, AfterValidator(_without_nul)]


# Timezone-aware, with the offset the sender wrote: the instant is what counts, and every
# consumer that needs UTC (the database types, interval maths) works on instants. Converting
# each timestamp in a validator cost ~6 µs, half of a reading's validation.
UtcTime = AwareDatetime


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
# Its value lies within its unit's bounds (powershare_wire.bounds), checked by Reading.values.
@with_config(ConfigDict(extra="forbid"))
class Quantity(TypedDict):
    """A value with its unit; ``None`` when the device reports "not implemented"."""

    value: Annotated[float | None, Field(allow_inf_nan=False)]
    unit: Unit


_LIMITS = {unit: (bound.low, bound.high) for unit, bound in BY_UNIT.items()}  # a tuple unpacks fastest


def _refuse_out_of_bounds(values: dict[str, Quantity]) -> None:
    for name, quantity in values.items():
        problem = violation(name, quantity["value"], quantity["unit"])
        if problem is not None:
            raise PydanticCustomError(OUT_OF_BOUNDS, "{problem}", {"problem": problem})


class Reading(BaseModel):
    """One sample of one device (or of the whole site when ``device`` is ``"site"``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=0, description="Per-agent sequence number; survives restarts.")
    ts: UtcTime
    device: Text = Field(min_length=1, max_length=64, description="Serial number, or 'site'.")
    values: dict[str, Quantity] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _as_devices_report(cls, values: dict[str, Quantity]) -> dict[str, Quantity]:
        """Names without control characters, each value within its unit's bounds.

        One pass for the whole reading, not a validator per value: it runs for every reading
        the hub ingests, and a Python call per value would cost more than all of this.
        """
        if not (names := "".join(values)).isprintable() and _CONTROL.search(names) is not None:
            for name in values:
                if (found := _CONTROL.search(name)) is not None:
                    _refuse_control_character(name, found.start(), f"the name {name!r} ")
        for quantity in values.values():
            value = quantity["value"]
            if value is not None:
                low, high = _LIMITS[quantity["unit"]]
                if not low <= value <= high:
                    _refuse_out_of_bounds(values)
        return values


class Telemetry(_Message):
    """One or more readings of one site: one when live, up to MAX_BATCH when draining a backlog."""

    site: Id
    readings: list[Reading] = Field(min_length=1, max_length=MAX_BATCH)


class DeviceInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    serial: Text = Field(min_length=1, max_length=64)
    role: Role
    manufacturer: Text = ""
    model: Text = ""
    sunspec_models: list[int] = Field(default_factory=list)
    ok: bool = True
    problem: FreeText | None = None


class Status(_Message):
    """Retained. The agent's birth message (``online``) and its last will (not ``online``)."""

    site: Id
    online: bool
    ts: UtcTime
    agent_version: Text = ""
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

    id: Text = Field(min_length=1, max_length=64)
    site: Id
    device: Text | None = Field(default=None, description="Battery serial; None = the site's battery.")
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
    id: Text = Field(min_length=1, max_length=64)
    site: Id
    outcome: DispatchOutcome
    power_w: float = Field(ge=0, allow_inf_nan=False, description="Power actually applied.")
    until: UtcTime | None = None
    reason: FreeText | None = None
    ts: UtcTime


MAX_ACK_RANGES = 64  # runs of done readings one ack lists above its watermark


class TelemetryAck(_Message):
    """Hub → agent, retained: which of the site's readings the hub is done with.

    Done means committed to the database, or refused for good (invalid, or refused by the
    database): either way sending it again changes nothing. Every reading with a sequence
    number up to ``seq`` is done; so is every one inside ``ranges``, runs above ``seq`` that
    the hub stored while an earlier reading was still missing (lost by a broker, or dropped
    from a full spool, so the hub cannot tell it will never come). An agent deletes exactly
    these readings from its spool; the others it sends again.
    """

    site: Id
    seq: int = Field(ge=-1, description="Every reading with seq ≤ this is done; -1: none known.")
    ranges: list[tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]] = Field(
        default_factory=list,
        max_length=MAX_ACK_RANGES,
        description="Further runs [first, last] (inclusive, ascending, apart) that are done.",
    )
    ts: UtcTime

    @model_validator(mode="after")
    def _ranges_ascend(self) -> TelemetryAck:
        below = self.seq
        for first, last in self.ranges:
            if not below + 1 < first <= last:
                raise ValueError("ranges must ascend above seq, apart from it and from each other")
            below = last
        return self

    def covers(self, seq: int) -> bool:
        """Whether the reading ``seq`` is done."""
        return seq <= self.seq or any(first <= seq <= last for first, last in self.ranges)


class CommunityShare(_Message):
    """Hub → agent, retained: what the community gave the site on ``day`` (its local day so far).

    Energy in integer Wh, as metered: delivered on trades plus ex-post allocations.
    """

    site: Id
    day: date = Field(description="The community's local date these figures are of.")
    received_wh: int = Field(ge=0, description="Energy neighbours gave the site since local midnight.")
    given_wh: int = Field(ge=0, description="Energy the site gave neighbours since local midnight.")
    consumption_wh: int = Field(ge=0, description="What the site's home used since local midnight.")
    share: float | None = Field(
        ge=0, le=1, allow_inf_nan=False, description="received_wh / consumption_wh; null without consumption."
    )
    ts: UtcTime


PAYLOADS: dict[str, type[BaseModel]] = {
    "telemetry": Telemetry,
    "status": Status,
    "state": SiteState,
    "cmd/dispatch": DispatchCommand,
    "cmd/dispatch/ack": DispatchAck,
    "telemetry/ack": TelemetryAck,
    "share": CommunityShare,
}
