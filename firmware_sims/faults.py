"""Field faults a simulated device can show, as seen on real SunSpec installations."""

from __future__ import annotations

from enum import StrEnum


class Fault(StrEnum):
    # Layout faults: fixed when the device is built.
    COMMON_L65 = "common_l65"  # Common model reports L=65 (SolarEdge); everything after shifts by -1
    BASE_0 = "base_0"  # SunS marker at address 0 instead of 40000
    BASE_50000 = "base_50000"  # SunS marker at address 50000
    NOT_SUNSPEC = "not_sunspec"  # answers every read, but with no SunS marker
    # Run-time faults: may be switched on and off while serving.
    SENTINELS = "sentinels"  # optional points (Hz, VA, VAr, PF, temperatures...) read "not implemented"
    ACC32_ROLLOVER = "acc32_rollover"  # acc32 energy counters start just below 2**32 and wrap
    NIGHT_TIMEOUT = "night_timeout"  # while sleeping (sun down) the device does not answer at all
    ILLEGAL_REGISTER = "illegal_register"  # one register inside a model answers exception 2
    REFUSE_THEN_RECOVER = "refuse_then_recover"  # refuses connections for a while after start, then serves
    DYNAMIC_SF = "dynamic_sf"  # W_SF follows the magnitude of W, so a cached SF goes stale
    EXPORT_POSITIVE = "export_positive"  # meter W sign flipped: > 0 = export
    CHARGE_POSITIVE = "charge_positive"  # battery W sign flipped: > 0 = charge


LAYOUT_FAULTS = frozenset({Fault.COMMON_L65, Fault.BASE_0, Fault.BASE_50000, Fault.NOT_SUNSPEC})

# A device never answers for this long after start with REFUSE_THEN_RECOVER (real seconds).
DEFAULT_REFUSE_S = 5.0


def base_address(faults: frozenset[Fault] | set[Fault]) -> int:
    if Fault.BASE_0 in faults and Fault.BASE_50000 in faults:
        raise ValueError("base_0 and base_50000 cannot be combined")
    if Fault.BASE_0 in faults:
        return 0
    if Fault.BASE_50000 in faults:
        return 50000
    return 40000
