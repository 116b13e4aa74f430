"""The operating state an inverter reports, in words: what ``powershare-agent doctor`` prints.

Models 101–103 (integer + SF) and 111–113 (float) share one ``St`` enumeration; the IEEE 1547
DER model 701 splits it into ``St`` (on/off), ``InvSt`` (the inverter's own state, numbered
differently), ``ConnSt`` (grid connection) and an ``Alrm`` bitfield. Pure: raw points in,
``(label, text)`` lines out.
"""

from __future__ import annotations

from collections.abc import Mapping

from edge_agent.sunspec.codec import Raw

# Models 101-103 and 111-113, point St.
OPERATING_STATES = {1: "off", 2: "sleeping", 3: "starting", 4: "producing (MPPT)", 5: "throttled",
                    6: "shutting down", 7: "fault", 8: "standby"}  # fmt: skip
_LEGACY_MODELS = (101, 102, 103, 111, 112, 113)

# Model 701, points InvSt, St, ConnSt and the bits of Alrm.
DER_INVERTER_STATES = {0: "off", 1: "sleeping", 2: "starting", 3: "running", 4: "throttled",
                       5: "shutting down", 6: "fault", 7: "standby"}  # fmt: skip
DER_STATES = {0: "off", 1: "on"}
DER_CONNECTION = {0: "disconnected from the grid", 1: "connected to the grid"}
DER_ALARMS = ("ground fault", "DC over-voltage", "AC disconnect open", "DC disconnect open",
              "grid disconnect", "cabinet open", "manual shutdown", "over-temperature",
              "over-frequency", "under-frequency", "AC over-voltage", "AC under-voltage",
              "blown string fuse", "under-temperature", "memory loss", "hardware test failed",
              "manufacturer alarm")  # fmt: skip


def _named(table: Mapping[int, str], value: Raw) -> str | None:
    """The state's name; an unknown number is shown as such; "not implemented" as nothing."""
    if not isinstance(value, int):
        return None
    return table.get(value, f"unknown ({value})")


def alarm_names(bits: int) -> list[str]:
    """Names of the set 701 ``Alrm`` bits, lowest first; undefined bits by number."""
    return [DER_ALARMS[i] if i < len(DER_ALARMS) else f"bit {i}" for i in range(32) if bits >> i & 1]


def state_lines(raw: Mapping[int, Mapping[str, Raw]]) -> list[tuple[str, str]]:
    """``(label, text)`` for each state point the device reported (``raw``: model id → point → raw)."""
    for model_id in _LEGACY_MODELS:
        state = _named(OPERATING_STATES, raw.get(model_id, {}).get("St"))
        if state is not None:
            return [("inverter state", state)]
    der = raw.get(701)
    if der is None:
        return []
    lines: list[tuple[str, str]] = []
    if (state := _named(DER_INVERTER_STATES, der.get("InvSt"))) is not None:
        lines.append(("inverter state", state))
    parts = [
        text
        for text in (_named(DER_STATES, der.get("St")), _named(DER_CONNECTION, der.get("ConnSt")))
        if text is not None
    ]
    if parts:
        lines.append(("DER state", ", ".join(parts)))
    alarms = der.get("Alrm")
    if isinstance(alarms, int):
        lines.append(("alarms", ", ".join(alarm_names(alarms)) or "none"))
    return lines
