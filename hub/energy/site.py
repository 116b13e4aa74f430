"""A site's own figures over a period: self-consumption and self-sufficiency. Pure functions.

Both are ratios of the period's totals (the sum of its 15-minute intervals), as a year's
figures are usually quoted:

- **self-consumption**: the share of what the site produced that it used itself (directly or
  through its battery): ``(production − export) / production``.
- **self-sufficiency** (autarky): the share of what the site used that it did not buy from the
  grid: ``(consumption − import) / consumption``.

Each is clamped to 0…1 (a battery charged from the grid and emptied into it can export more
than was produced) and ``None`` when there is nothing to divide by: a site that produced
nothing has no self-consumption, not 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hub.energy.intervals import Energy


def covered_share(consumed: float, imported: float) -> float | None:
    """0…1: the share of ``consumed`` not ``imported`` (any unit, energy or power); None without consumption."""
    return _share(consumed - imported, consumed)


def _share(part: float, whole: float) -> float | None:
    return min(max(part / whole, 0.0), 1.0) if whole > 0 else None


def self_consumption(total: Energy) -> float | None:
    """0…1: the share of production used on site; None without production."""
    return _share(total.production_wh - total.export_wh, total.production_wh)


def self_sufficiency(total: Energy) -> float | None:
    """0…1: the share of consumption not imported; None without consumption."""
    return covered_share(max(total.consumption_wh, 0.0), total.import_wh)


@dataclass(frozen=True, slots=True)
class SiteFigures:
    produced_wh: float  # solar and wind
    wind_wh: float  # the wind part of it
    consumed_wh: float
    imported_wh: float
    exported_wh: float
    self_consumption: float | None
    self_sufficiency: float | None


def site_figures(intervals: Iterable[Energy]) -> SiteFigures:
    """The figures of one site from the energy of its intervals in the period."""
    total = Energy()
    for energy in intervals:
        total = total + energy
    return SiteFigures(
        produced_wh=max(total.production_wh, 0.0),
        wind_wh=max(total.wind_wh, 0.0),
        consumed_wh=max(total.consumption_wh, 0.0),
        imported_wh=max(total.import_wh, 0.0),
        exported_wh=max(total.export_wh, 0.0),
        self_consumption=self_consumption(total),
        self_sufficiency=self_sufficiency(total),
    )
