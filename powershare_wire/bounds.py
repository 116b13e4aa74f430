"""Units, and the physical bounds of a value in each: what no device on a home site reports.

A reading's value outside its unit's bounds is refused by the wire models (an error of type
:data:`OUT_OF_BOUNDS`), so one broken device or a forged message cannot push a 1e308 W
reading into a community's totals, where sums of such values stop being finite.

| unit | low        | high      | why                                                              |
|------|------------|-----------|------------------------------------------------------------------|
| W    | −10 MW     | 10 MW     | far beyond a home's connection (tens of kW) or a farm's (~1 MW)  |
| Wh   | 0          | 10 TWh    | a lifetime counter: 10 MW for a century is under 9 TWh           |
| %    | 0          | 100       | state of charge, reserve, state of health                        |
| V    | 0          | 1500 V    | low voltage ends at 1000 V AC and 1500 V DC (IEC 60038)          |
| A    | −50 kA     | 50 kA     | 10 MW at 230 V is 43 kA                                          |
| Hz   | 0          | 70 Hz     | grids run at 50 or 60 Hz; 0 is an inverter off the grid          |
| °C   | −70 °C     | 200 °C    | the coldest air outdoors, beyond any electronics' shutdown       |

Energy counters (Wh) are never negative: a counter lower than before was reset, and the energy
since the reset is its new value (``hub.energy.intervals.counter_delta``), which the lower bound
keeps at zero or more. A counter that drops by 5 MWh is such a reset; one at −5 MWh is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Unit(StrEnum):
    W = "W"
    WH = "Wh"
    PERCENT = "%"
    V = "V"
    A = "A"
    HZ = "Hz"
    CELSIUS = "°C"


@dataclass(frozen=True, slots=True)
class Bound:
    """The closed range ``low ≤ value ≤ high`` of a unit."""

    low: float
    high: float

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high  # False for NaN as well

    def describe(self, unit: Unit) -> str:
        return f"[{self.low:.15g}, {self.high:.15g}] {unit.value}"


BY_UNIT: Final[dict[Unit, Bound]] = {
    Unit.W: Bound(-10e6, 10e6),
    Unit.WH: Bound(0.0, 10e12),
    Unit.PERCENT: Bound(0.0, 100.0),
    Unit.V: Bound(0.0, 1500.0),
    Unit.A: Bound(-50e3, 50e3),
    Unit.HZ: Bound(0.0, 70.0),
    Unit.CELSIUS: Bound(-70.0, 200.0),
}

OUT_OF_BOUNDS: Final = "out_of_bounds"  # the validation error type, and the hub's rejection reason


def violation(name: str, value: float | None, unit: Unit) -> str | None:
    """Why ``value`` (of the quantity ``name``) cannot be, or None when it can."""
    if value is None:
        return None  # "not implemented" by the device
    bound = BY_UNIT[unit]
    if value in bound:
        return None
    shown = repr(value) if not math.isfinite(value) else f"{value:g}"
    return f"{name} = {shown} {unit.value} is outside {bound.describe(unit)}"
