"""The site snapshot: power balance, energy counters and the flow split, from device capabilities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from edge_agent.capabilities import BatterySoc, GridCounters, PowerReader, ProductionCounter
from edge_agent.devices import Device
from powershare_wire import Quantity, Role, Unit

POWER_NAMES = ("pv_w", "load_w", "battery_w", "grid_w")
FLOW_NAMES = (
    "pv_to_home_w",
    "pv_to_battery_w",
    "pv_to_grid_w",
    "battery_to_home_w",
    "grid_to_home_w",
    "grid_to_battery_w",
)
COUNTER_NAMES = ("import_wh", "export_wh", "production_wh", "charge_wh", "discharge_wh")


def split_flows(pv_w: float, battery_w: float, grid_w: float) -> dict[str, float]:
    """Who feeds whom. PV serves the home first, then the battery, then the grid; the battery
    serves the home before the grid does. All flows are ≥ 0; ``load = pv + battery + grid``.
    """
    pv = max(pv_w, 0.0)
    load = max(pv + battery_w + grid_w, 0.0)
    charge = max(-battery_w, 0.0)
    discharge = max(battery_w, 0.0)
    pv_to_home = min(pv, load)
    pv_to_battery = min(pv - pv_to_home, charge)
    pv_to_grid = max(pv - pv_to_home - pv_to_battery, 0.0)
    battery_to_home = min(discharge, load - pv_to_home)
    grid_to_home = max(load - pv_to_home - battery_to_home, 0.0)
    grid_to_battery = max(charge - pv_to_battery, 0.0)
    return {
        "pv_to_home_w": pv_to_home,
        "pv_to_battery_w": pv_to_battery,
        "pv_to_grid_w": pv_to_grid,
        "battery_to_home_w": battery_to_home,
        "grid_to_home_w": grid_to_home,
        "grid_to_battery_w": grid_to_battery,
    }


@dataclass(slots=True)
class MonotonicCounter:
    """A lifetime counter that only grows, whatever its source does (rollover, reset, swap).

    The first source value seeds the total; afterwards only positive steps are added.
    """

    total: float | None = None
    last_source: float | None = None

    def follow(self, source: float | None) -> float | None:
        if source is None or source == 0:
            return self.total  # 0 is an accumulator's "unknown", never a real reading
        if self.total is None:
            self.total = source
        elif self.last_source is not None and source > self.last_source:
            self.total += source - self.last_source
        self.last_source = source
        return self.total

    def add(self, amount: float) -> float:
        self.total = (self.total or 0.0) + max(amount, 0.0)
        return self.total


def _sum(values: Iterable[float | None]) -> float | None:
    """Sum of all, ``None`` if any is unknown; 0 for no devices at all."""
    total = 0.0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def site_soc(batteries: list[tuple[float | None, float | None]]) -> float | None:
    """Capacity-weighted SoC of all batteries (plain mean if a capacity is unknown)."""
    if not batteries or any(soc is None for soc, _ in batteries):
        return None
    socs = [soc for soc, _ in batteries if soc is not None]
    capacities = [capacity for _, capacity in batteries]
    if all(c is not None and c > 0 for c in capacities):
        weights = [c for c in capacities if c is not None]
        return sum(s * w for s, w in zip(socs, weights, strict=True)) / sum(weights)
    return sum(socs) / len(socs)


@dataclass(slots=True)
class SiteAccounts:
    """Carries the energy counters from one snapshot to the next (and across restarts)."""

    counters: dict[str, MonotonicCounter] = field(
        default_factory=lambda: {name: MonotonicCounter() for name in COUNTER_NAMES}
    )
    last_ts: datetime | None = None

    def export(self) -> dict[str, float | None]:
        return {name: counter.total for name, counter in self.counters.items()}

    def restore(self, totals: Mapping[str, float | None]) -> None:
        for name, total in totals.items():
            if name in self.counters:
                self.counters[name] = MonotonicCounter(total=total)

    def snapshot(
        self, devices: Iterable[tuple[Device, bool]], now: datetime, unidentified: Iterable[Role | None] = ()
    ) -> dict[str, Quantity]:
        """``devices`` pairs each device with whether its latest read succeeded.

        ``unidentified`` holds the configured roles of devices not found yet (None: role not
        configured). What they would add is unknown, so the sums they belong to are too: a
        site whose inverter has not answered yet has an unknown PV power, not 0 W.
        """
        pv: list[float | None] = []
        battery: list[float | None] = []
        grid: list[float | None] = []
        for role in unidentified:
            if role in (None, Role.PV, Role.WIND):
                pv.append(None)
            if role in (None, Role.BATTERY):
                battery.append(None)
            if role in (None, Role.METER):
                grid.append(None)
        production: list[float | None] = []
        imports: list[float | None] = []
        exports: list[float | None] = []
        socs: list[tuple[float | None, float | None]] = []  # (soc, capacity)
        for device, ok in devices:
            power = device.power_w() if ok and isinstance(device, PowerReader) else None
            if device.role in (Role.PV, Role.WIND):
                pv.append(power)
                if isinstance(device, ProductionCounter):
                    production.append(device.production_wh() if ok else None)
            elif device.role is Role.BATTERY:
                battery.append(power)
                if isinstance(device, BatterySoc):
                    socs.append((device.soc_pct() if ok else None, device.capacity_wh()))
            elif device.role is Role.METER:
                grid.append(power)
                if isinstance(device, GridCounters):
                    imports.append(device.import_wh() if ok else None)
                    exports.append(device.export_wh() if ok else None)

        pv_w, battery_w = _sum(pv), _sum(battery)
        grid_w = _sum(grid) if grid else None  # without a meter the grid is unknown, not 0
        load_w = None
        flows: dict[str, float | None] = dict.fromkeys(FLOW_NAMES)
        if pv_w is not None and battery_w is not None and grid_w is not None:
            load_w = max(pv_w + battery_w + grid_w, 0.0)
            flows.update(split_flows(pv_w, battery_w, grid_w))

        c = self.counters
        c["production_wh"].follow(_sum(production) if production else None)
        c["import_wh"].follow(_sum(imports) if imports else None)
        c["export_wh"].follow(_sum(exports) if exports else None)
        if battery_w is not None and self.last_ts is not None:
            hours = max((now - self.last_ts).total_seconds(), 0.0) / 3600.0
            c["discharge_wh"].add(max(battery_w, 0.0) * hours)
            c["charge_wh"].add(max(-battery_w, 0.0) * hours)
        self.last_ts = now

        soc = site_soc(socs)

        values: dict[str, Quantity] = {
            "pv_w": Quantity(value=pv_w, unit=Unit.W),
            "load_w": Quantity(value=load_w, unit=Unit.W),
            "battery_w": Quantity(value=battery_w, unit=Unit.W),
            "grid_w": Quantity(value=grid_w, unit=Unit.W),
            "soc_pct": Quantity(value=soc, unit=Unit.PERCENT),
        }
        for name in COUNTER_NAMES:
            values[name] = Quantity(value=c[name].total, unit=Unit.WH)
        for name, flow in flows.items():
            values[name] = Quantity(value=flow, unit=Unit.W)
        return values
