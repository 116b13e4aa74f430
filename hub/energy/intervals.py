"""Energy between two site snapshots, and the UTC intervals it is booked into. Pure functions.

A snapshot's counters (``import_wh`` …) only grow; the energy between two snapshots is
their difference. A counter that went backwards was reset (meter swap, agent reinstall):
the energy since the reset is the new value, never a negative amount. Where a counter is
missing the energy is estimated from power × time (trapezoid), but only across short gaps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from powershare_wire import site as vocabulary

INTERVAL = timedelta(minutes=15)
MAX_POWER_GAP = timedelta(minutes=15)  # beyond this, power × time is a guess, not a measurement

COUNTERS = vocabulary.COUNTERS  # each is a field of Energy
PRODUCERS = tuple(vocabulary.PRODUCERS.values())
# What feeds each counter: the powers it integrates and which part of their sum (wire signs).
_FED_BY = {name: (vocabulary.BY_NAME[name].integrates, vocabulary.BY_NAME[name].sense) for name in COUNTERS}


@dataclass(frozen=True, slots=True)
class Snapshot:
    ts: datetime
    values: Mapping[str, float]

    @classmethod
    def from_values(cls, ts: datetime, values: Mapping[str, Any]) -> Snapshot:
        """From a reading's values, as wire models or their JSON (``{"value": …, "unit": …}``)."""
        plain: dict[str, float] = {}
        for name, quantity in values.items():
            value = (
                quantity.get("value") if isinstance(quantity, Mapping) else getattr(quantity, "value", None)
            )
            if value is not None:
                plain[name] = float(value)
        return cls(ts, plain)

    def power(self, counter: str) -> float | None:
        """The power (W, ≥ 0) that feeds ``counter``, by the wire's sign conventions."""
        powers, sense = _FED_BY[counter]
        return _power(self.values, powers, sense)


def _power(values: Mapping[str, float], powers: tuple[str, ...], sense: int) -> float | None:
    total, found = 0.0, False
    for name in powers:
        value = values.get(name)
        if value is not None:
            total += value
            found = True
    return max(sense * total, 0.0) if found else None


@dataclass(slots=True)
class Energy:
    import_wh: float = 0.0
    export_wh: float = 0.0
    production_wh: float = 0.0
    charge_wh: float = 0.0
    discharge_wh: float = 0.0
    wind_wh: float = 0.0  # the wind part of production_wh; last, so positional construction stays valid

    @property
    def consumption_wh(self) -> float:
        """What the home used: everything that came in minus everything that went out.

        Not clamped at zero: bookings are corrected by subtraction (late readings), which
        only adds up if this stays linear. Readers clamp totals.
        """
        return self.import_wh + self.production_wh + self.discharge_wh - self.export_wh - self.charge_wh

    # Spelt out rather than looping over fields(): these run for every reading ingested.
    def __add__(self, other: Energy) -> Energy:
        return Energy(
            self.import_wh + other.import_wh,
            self.export_wh + other.export_wh,
            self.production_wh + other.production_wh,
            self.charge_wh + other.charge_wh,
            self.discharge_wh + other.discharge_wh,
            self.wind_wh + other.wind_wh,
        )

    def __sub__(self, other: Energy) -> Energy:
        return Energy(
            self.import_wh - other.import_wh,
            self.export_wh - other.export_wh,
            self.production_wh - other.production_wh,
            self.charge_wh - other.charge_wh,
            self.discharge_wh - other.discharge_wh,
            self.wind_wh - other.wind_wh,
        )


def counter_delta(previous: float, current: float) -> float:
    return current - previous if current >= previous else current


# Energy's fields in their order, each with what feeds it: energy_between builds an Energy
# positionally, for it runs for every site reading ingested.
_FEEDS = tuple((name, *_FED_BY[name]) for name in Energy.__dataclass_fields__)
assert {name for name, _powers, _sense in _FEEDS} == set(COUNTERS)
_NO_TIME = timedelta(0)


def energy_between(earlier: Snapshot, later: Snapshot) -> Energy:
    before, after = earlier.values, later.values
    gap = later.ts - earlier.ts
    hours = gap.total_seconds() / 3600 if _NO_TIME < gap <= MAX_POWER_GAP else 0.0
    amounts = []
    for counter, powers, sense in _FEEDS:
        old, new = before.get(counter), after.get(counter)
        if old is not None and new is not None:
            amounts.append(counter_delta(old, new))
            continue
        p0 = _power(before, powers, sense) if hours else None
        p1 = _power(after, powers, sense) if p0 is not None else None
        amounts.append((p0 + p1) / 2 * hours if p0 is not None and p1 is not None else 0.0)
    return Energy(*amounts)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def interval_start(ts: datetime) -> datetime:
    """The start of the UTC-aligned interval holding ``ts``."""
    return _interval_number((ts - EPOCH) // INTERVAL)


@lru_cache(maxsize=4096)
def _interval_number(index: int) -> datetime:
    # Ingest asks for every reading's interval; consecutive readings share one, so cache it.
    return EPOCH + index * INTERVAL
