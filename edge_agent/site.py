"""The site snapshot: power balance, energy counters and the flow split, from device capabilities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from edge_agent.capabilities import BatterySoc, GridCounters, PowerReader, ProductionCounter
from edge_agent.devices import Device
from powershare_wire import Quantity, Role, Unit
from powershare_wire import site as vocab


def _edge(name: str) -> tuple[str, vocab.Node, vocab.Node]:
    flow = vocab.BY_NAME[name]
    if flow.source is None or flow.target is None:
        raise ValueError(f"{name} is not a flow")
    return name, flow.source, flow.target


# Who feeds whom, first come first served: solar, then wind, serve the home first, then the
# battery, then the grid; the battery serves the home before the grid; the grid serves the home
# before the battery. A battery never feeds itself nor the grid the grid, and each is only a
# source while its own sink is empty (discharging means not charging), so every watt finds a
# flow whenever the balance holds.
PRIORITY = tuple(
    _edge(name)
    for name in (
        vocab.PV_TO_HOME_W,
        vocab.PV_TO_BATTERY_W,
        vocab.PV_TO_GRID_W,
        vocab.WIND_TO_HOME_W,
        vocab.WIND_TO_BATTERY_W,
        vocab.WIND_TO_GRID_W,
        vocab.BATTERY_TO_HOME_W,
        vocab.BATTERY_TO_GRID_W,
        vocab.GRID_TO_HOME_W,
        vocab.GRID_TO_BATTERY_W,
    )
)
WIND_FLOWS = tuple(f.name for f in vocab.FLOWS if f.source is vocab.Node.WIND)


def split_flows(pv_w: float, battery_w: float, grid_w: float, wind_w: float = 0.0) -> dict[str, float]:
    """The power balance as flows (W, all ≥ 0), one per entry of :data:`PRIORITY`.

    The home uses ``load = pv + wind + battery + grid`` (production below 0, an inverter's
    standby draw, counts as 0). When that holds and is ≥ 0, each source's flows add up to
    what it supplies and each sink's to what it takes.
    """
    pv, wind = max(pv_w, 0.0), max(wind_w, 0.0)
    supply = {
        vocab.Node.PV: pv,
        vocab.Node.WIND: wind,
        vocab.Node.BATTERY: max(battery_w, 0.0),
        vocab.Node.GRID: max(grid_w, 0.0),
    }
    demand = {
        vocab.Node.HOME: max(pv + wind + battery_w + grid_w, 0.0),
        vocab.Node.BATTERY: max(-battery_w, 0.0),
        vocab.Node.GRID: max(-grid_w, 0.0),
    }
    flows: dict[str, float] = {}
    for name, source, target in PRIORITY:
        amount = min(supply[source], demand[target])
        supply[source] -= amount
        demand[target] -= amount
        flows[name] = amount
    return flows


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
        default_factory=lambda: {name: MonotonicCounter() for name in vocab.COUNTERS}
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

        Wind (its power, counter and flows) is in the snapshot only for a site that has, or
        may have, a wind device: a site without one sends what agents before wind sent.
        """
        pv: list[float | None] = []
        wind: list[float | None] = []
        battery: list[float | None] = []
        grid: list[float | None] = []
        has_wind = False
        for role in unidentified:
            if role in (None, Role.PV):
                pv.append(None)
            if role in (None, Role.WIND):
                wind.append(None)
                has_wind = True
            if role in (None, Role.BATTERY):
                battery.append(None)
            if role in (None, Role.METER):
                grid.append(None)
        production: list[float | None] = []
        wind_production: list[float | None] = []
        imports: list[float | None] = []
        exports: list[float | None] = []
        socs: list[tuple[float | None, float | None]] = []  # (soc, capacity)
        for device, ok in devices:
            power = device.power_w() if ok and isinstance(device, PowerReader) else None
            if device.role in (Role.PV, Role.WIND):
                (pv if device.role is Role.PV else wind).append(power)
                counted = device.production_wh() if ok and isinstance(device, ProductionCounter) else None
                production.append(counted)
                if device.role is Role.WIND:
                    has_wind = True
                    wind_production.append(counted)
            elif device.role is Role.BATTERY:
                battery.append(power)
                if isinstance(device, BatterySoc):
                    socs.append((device.soc_pct() if ok else None, device.capacity_wh()))
            elif device.role is Role.METER:
                grid.append(power)
                if isinstance(device, GridCounters):
                    imports.append(device.import_wh() if ok else None)
                    exports.append(device.export_wh() if ok else None)

        # Production below 0 is an inverter's standby draw: the home's load, not negative solar.
        pv_w, wind_w = _producing(_sum(pv)), _producing(_sum(wind))
        battery_w = _sum(battery)
        grid_w = _sum(grid) if grid else None  # without a meter the grid is unknown, not 0
        load_w = None
        flows: dict[str, float | None] = dict.fromkeys(vocab.FLOW_NAMES)
        if pv_w is not None and wind_w is not None and battery_w is not None and grid_w is not None:
            load_w = max(pv_w + wind_w + battery_w + grid_w, 0.0)
            flows.update(split_flows(pv_w, battery_w, grid_w, wind_w=wind_w))

        c = self.counters
        c[vocab.PRODUCTION_WH].follow(_sum(production) if production else None)
        c[vocab.WIND_WH].follow(_sum(wind_production) if wind_production else None)
        c[vocab.IMPORT_WH].follow(_sum(imports) if imports else None)
        c[vocab.EXPORT_WH].follow(_sum(exports) if exports else None)
        if battery_w is not None and self.last_ts is not None:
            hours = max((now - self.last_ts).total_seconds(), 0.0) / 3600.0
            c[vocab.DISCHARGE_WH].add(max(battery_w, 0.0) * hours)
            c[vocab.CHARGE_WH].add(max(-battery_w, 0.0) * hours)
        self.last_ts = now

        values: dict[str, Quantity] = {
            vocab.PV_W: Quantity(value=pv_w, unit=Unit.W),
            vocab.LOAD_W: Quantity(value=load_w, unit=Unit.W),
            vocab.BATTERY_W: Quantity(value=battery_w, unit=Unit.W),
            vocab.GRID_W: Quantity(value=grid_w, unit=Unit.W),
            vocab.SOC_PCT: Quantity(value=site_soc(socs), unit=Unit.PERCENT),
        }
        if has_wind:
            values[vocab.WIND_W] = Quantity(value=wind_w, unit=Unit.W)
        for name in vocab.COUNTERS:
            if name != vocab.WIND_WH or has_wind:
                values[name] = Quantity(value=c[name].total, unit=vocab.BY_NAME[name].unit)
        for name, flow in flows.items():
            if name not in WIND_FLOWS or has_wind:
                values[name] = Quantity(value=flow, unit=Unit.W)
        return values


def _producing(power: float | None) -> float | None:
    return None if power is None else max(power, 0.0)
