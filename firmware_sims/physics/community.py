"""All homes of one community, integrated together on a fixed simulated-time grid.

Sign conventions (the same everywhere in firmware_sims):
    meter W > 0 = import from the grid, < 0 = export;
    battery W > 0 = discharge, < 0 = charge;
    meter W = load - PV - wind - battery W.

Power is a pure function of (seed, time, controls); the state is advanced lazily, in whole
``step_s`` steps, whenever someone looks at it (a Modbus read, the HTTP surface), so an idle
community costs nothing and a seeded one is reproducible however it is polled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from firmware_sims.clock import SimClock
from firmware_sims.physics import battery, load, noise, solar, wind
from firmware_sims.physics.noise import FloatArray
from firmware_sims.physics.specs import HomePhysicsSpec

_MAX_BATCH_STEPS = 3600
_SYSTEM_EFFICIENCY = 0.86  # soiling, temperature, wiring: DC kWp -> usable DC
_INVERTER_EFFICIENCY = 0.965


@dataclass
class HomeConditions:
    """What the HTTP control surface (or a test) changes at run time."""

    cloud_cover: float | None = None  # 0 clear .. 1 overcast; None = the community's weather
    load_spike_w: float = 0.0
    load_spike_until: float = -math.inf  # simulated time
    pv_limit_w: float = math.inf  # curtailment (702 WMax or HTTP); THROTTLED while it bites


@dataclass
class Home:
    """One home's physical state, as plain floats; a view onto the community arrays."""

    community: CommunityPhysics
    index: int
    spec: HomePhysicsSpec
    controls: battery.BatteryControls = field(default_factory=battery.BatteryControls)
    conditions: HomeConditions = field(default_factory=HomeConditions)

    def _get(self, name: str) -> float:
        self.community.sync()
        return float(getattr(self.community, name)[self.index])

    @property
    def pv_w(self) -> float:
        return self._get("pv_w")

    @property
    def pv_dc_w(self) -> float:
        return self._get("pv_dc_w")

    @property
    def pv_wh(self) -> float:
        return self._get("pv_wh")

    @property
    def pv_throttled(self) -> bool:
        return self._get("throttled") > 0

    @property
    def wind_w(self) -> float:
        return self._get("wind_w")

    @property
    def wind_wh(self) -> float:
        return self._get("wind_wh")

    @property
    def load_w(self) -> float:
        return self._get("load_w")

    @property
    def load_wh(self) -> float:
        return self._get("load_wh")

    @property
    def battery_w(self) -> float:
        return self._get("battery_w")

    @property
    def soc_pct(self) -> float:
        return self._get("soc")

    @property
    def battery_charged_wh(self) -> float:
        return self._get("charged_wh")

    @property
    def battery_discharged_wh(self) -> float:
        return self._get("discharged_wh")

    @property
    def meter_w(self) -> float:
        return self._get("meter_w")

    @property
    def import_wh(self) -> float:
        return self._get("import_wh")

    @property
    def export_wh(self) -> float:
        return self._get("export_wh")

    @property
    def sun_elevation_deg(self) -> float:
        self.community.sync()
        return self.community.sun_elevation_deg

    def snapshot(self) -> dict[str, float | bool]:
        """Every physical quantity of the home, for the HTTP surface and logs."""
        self.community.sync()
        return {
            "pv_w": self.pv_w,
            "pv_dc_w": self.pv_dc_w,
            "pv_wh": self.pv_wh,
            "pv_throttled": self.pv_throttled,
            "wind_w": self.wind_w,
            "wind_wh": self.wind_wh,
            "load_w": self.load_w,
            "load_wh": self.load_wh,
            "battery_w": self.battery_w,
            "soc_pct": self.soc_pct,
            "battery_charged_wh": self.battery_charged_wh,
            "battery_discharged_wh": self.battery_discharged_wh,
            "meter_w": self.meter_w,
            "import_wh": self.import_wh,
            "export_wh": self.export_wh,
            "sun_elevation_deg": self.sun_elevation_deg,
        }


def _column(specs: Sequence[HomePhysicsSpec], pick: Callable[[HomePhysicsSpec], float]) -> FloatArray:
    return np.array([pick(spec) for spec in specs], dtype=np.float64)


class CommunityPhysics:
    """Vectorised physics of ``specs`` homes under one sky and one clock."""

    def __init__(
        self,
        specs: Sequence[HomePhysicsSpec],
        clock: SimClock,
        *,
        seed: int = 0,
        step_s: float = 1.0,
        cloud_cover: float = 0.2,
    ) -> None:
        if not specs:
            raise ValueError("a community needs at least one home")
        if step_s <= 0:
            raise ValueError(f"step_s must be > 0, got {step_s}")
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.clock = clock
        self.seed = seed
        self.step_s = float(step_s)
        self.cloud_cover = cloud_cover
        self.homes = [Home(self, i, spec) for i, spec in enumerate(specs)]
        self.lat = float(np.mean([s.lat for s in specs]))
        self.lon = float(np.mean([s.lon for s in specs]))
        self.steps_done = 0  # bumps whenever the state changes; devices cache encodings on it
        self._static(specs)
        size = len(specs)
        self.pv_w, self.pv_dc_w, self.pv_wh, self.throttled = (np.zeros(size) for _ in range(4))
        self.wind_w, self.wind_wh, self.load_w, self.load_wh = (np.zeros(size) for _ in range(4))
        self.battery_w, self.charged_wh, self.discharged_wh = (np.zeros(size) for _ in range(3))
        self.meter_w, self.import_wh, self.export_wh = (np.zeros(size) for _ in range(3))
        self.last_surplus: FloatArray | None = None  # what battery controllers measured last step
        self.soc = _column(specs, lambda s: s.battery.initial_soc_pct if s.battery else 0.0)
        self._lifetime_counters()
        self.sun_elevation_deg = -90.0
        # Start on the grid so the same seed gives the same numbers whenever it is started.
        self.t = math.floor(clock.timestamp() / self.step_s) * self.step_s - self.step_s
        self.advance_to(self.t + self.step_s)

    def _static(self, specs: Sequence[HomePhysicsSpec]) -> None:
        self.pv_kwp = _column(specs, lambda s: s.pv.kwp if s.pv else 0.0)
        self.pv_tilt = _column(specs, lambda s: s.pv.tilt_deg if s.pv else 0.0)
        self.pv_azimuth = _column(specs, lambda s: s.pv.azimuth_deg if s.pv else 180.0)
        self.pv_rating = _column(specs, lambda s: s.pv.ac_rating_w if s.pv else 0.0)
        self.wind_rated = _column(specs, lambda s: s.wind.rated_w if s.wind else 0.0)
        self.wind_mean = _column(specs, lambda s: s.wind.mean_wind_ms if s.wind else 0.0)
        self.wind_cut_in = _column(specs, lambda s: s.wind.cut_in_ms if s.wind else 3.0)
        self.wind_rated_ms = _column(specs, lambda s: s.wind.rated_ms if s.wind else 12.0)
        self.wind_cut_out = _column(specs, lambda s: s.wind.cut_out_ms if s.wind else 25.0)
        self.annual_kwh = _column(specs, lambda s: s.load.annual_kwh)
        self.lons = _column(specs, lambda s: s.lon)
        self.bat_capacity = _column(specs, lambda s: s.battery.capacity_wh if s.battery else 0.0)
        self.bat_max_charge = _column(specs, lambda s: s.battery.max_charge_w if s.battery else 0.0)
        self.bat_max_discharge = _column(specs, lambda s: s.battery.max_discharge_w if s.battery else 0.0)
        self.bat_soc_min = _column(specs, lambda s: s.battery.soc_min_pct if s.battery else 0.0)
        self.bat_soc_max = _column(specs, lambda s: s.battery.soc_max_pct if s.battery else 100.0)
        self.streams = np.arange(len(specs), dtype=np.int64)
        self.has_battery = bool(np.any(self.bat_capacity > 0))
        self.has_pv = bool(np.any(self.pv_kwp > 0))
        self.has_wind = bool(np.any(self.wind_rated > 0))

    def _lifetime_counters(self) -> None:
        """Start counters where a 1-6 year old installation would be (real meters never start at 0)."""
        years = 1.0 + 5.0 * noise.uniform(self.seed, 5000 + self.streams, 0)
        self.pv_wh = self.pv_kwp * 950.0 * 1000.0 * years
        self.wind_wh = self.wind_rated * 1500.0 * years
        self.load_wh = self.annual_kwh * 1000.0 * years
        self.export_wh = self.pv_wh * 0.4 + self.wind_wh * 0.5
        self.import_wh = self.load_wh - self.pv_wh * 0.6 - self.wind_wh * 0.5
        self.import_wh = np.maximum(self.import_wh, self.load_wh * 0.2)
        self.charged_wh = self.bat_capacity * 250.0 * years
        self.discharged_wh = self.charged_wh * 0.98

    # --- time ---------------------------------------------------------------------------------
    def sync(self) -> None:
        """Bring the state up to the clock's present (cheap when nothing is due)."""
        target = self.clock.timestamp()
        if target >= self.t + self.step_s:
            self.advance_to(target)

    def advance_to(self, target: float) -> None:
        steps = int((target - self.t) // self.step_s)
        while steps > 0:
            batch = min(steps, _MAX_BATCH_STEPS)
            self._run(self.t + self.step_s * np.arange(1, batch + 1, dtype=np.float64))
            steps -= batch
        for home in self.homes:
            if home.controls.revert_at <= self.t:
                home.controls.revert()

    # --- physics ------------------------------------------------------------------------------
    def _conditions(self, times: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        cover = np.array(
            [
                self.cloud_cover if h.conditions.cloud_cover is None else h.conditions.cloud_cover
                for h in self.homes
            ]
        )
        spike_w = np.array([h.conditions.load_spike_w for h in self.homes])
        spike_until = np.array([h.conditions.load_spike_until for h in self.homes])
        spikes = np.where(times[:, None] < spike_until[None, :], spike_w[None, :], 0.0)
        limit = np.array([h.conditions.pv_limit_w for h in self.homes])
        return cover, spikes, limit

    def _pv(self, times: FloatArray, cover: FloatArray, limit: FloatArray) -> tuple[FloatArray, ...]:
        size = len(self.homes)
        if not self.has_pv:
            zero = np.zeros((len(times), size))
            sun = solar.clear_sky_poa(times[-1:], self.lat, self.lon, self.pv_tilt[:1], self.pv_azimuth[:1])
            self.sun_elevation_deg = float(sun.elevation_deg[-1])
            return zero, zero, zero
        sun = solar.clear_sky_poa(times, self.lat, self.lon, self.pv_tilt, self.pv_azimuth)
        self.sun_elevation_deg = float(sun.elevation_deg[-1])
        town = noise.smooth(self.seed, [-1], times[:, None], 900.0)  # clouds drift over the whole town
        local = noise.smooth(self.seed, 1000 + self.streams[None, :], times[:, None], 120.0)
        shade = cover[None, :] * (0.35 + 0.65 * (0.7 * town + 0.3 * local))
        factor = np.clip(1.0 - 0.85 * shade, 0.03, 1.0)
        dc = self.pv_kwp[None, :] * sun.poa_wm2 * _SYSTEM_EFFICIENCY * factor
        ac_possible = dc * _INVERTER_EFFICIENCY
        cap = np.minimum(self.pv_rating, limit)[None, :]
        ac = np.minimum(ac_possible, cap)
        throttled = (ac_possible > cap) & (limit[None, :] < self.pv_rating[None, :])
        dc_used = np.where(ac_possible > 0, ac / _INVERTER_EFFICIENCY, 0.0)
        return ac, dc_used, throttled.astype(np.float64)

    def _wind(self, times: FloatArray) -> FloatArray:
        if not self.has_wind:
            return np.zeros((len(times), len(self.homes)))
        slow = noise.smooth(self.seed, 3000 + self.streams[None, :], times[:, None], 1800.0)
        gust = noise.smooth(self.seed, 4000 + self.streams[None, :], times[:, None], 15.0)
        speed = wind.wind_speed_ms(self.wind_mean, slow, gust)
        return wind.turbine_w(speed, self.wind_rated, self.wind_cut_in, self.wind_rated_ms, self.wind_cut_out)

    def _battery_arrays(self) -> battery.BatteryArrays:
        c = [h.controls for h in self.homes]
        return battery.BatteryArrays(
            capacity_wh=self.bat_capacity,
            max_charge_w=self.bat_max_charge,
            max_discharge_w=self.bat_max_discharge,
            soc_min=self.bat_soc_min,
            soc_max=self.bat_soc_max,
            mode=np.array([x.storctl_mod for x in c], dtype=np.float64),
            in_pct=np.array([x.in_pct for x in c]),
            out_pct=np.array([x.out_pct for x in c]),
            revert_at=np.array([x.revert_at for x in c]),
            grid_charging=np.array([1.0 if x.grid_charging else 0.0 for x in c]),
            reserve=np.array([x.reserve_pct for x in c]),
            connected=np.array([1.0 if x.connected else 0.0 for x in c]),
        )

    def _run(self, times: FloatArray) -> None:
        dt = self.step_s
        cover, spikes, limit = self._conditions(times)
        pv_ac, pv_dc, throttled = self._pv(times, cover, limit)
        wind_w = self._wind(times)
        hours = load.local_solar_hours(times, self.lons)
        jitter = noise.smooth(self.seed, 2000 + self.streams[None, :], times[:, None], 90.0)
        load_w = load.household_w(hours, self.annual_kwh, jitter) + spikes
        surplus = pv_ac + wind_w - load_w
        battery_w = np.zeros_like(surplus)
        if self.has_battery:
            arrays = self._battery_arrays()
            previous = surplus[0] if self.last_surplus is None else self.last_surplus
            measured = np.vstack([previous[None, :], surplus[:-1]])
            for k, t in enumerate(times):
                battery_w[k] = battery.step(arrays, self.soc, surplus[k], measured[k], float(t), dt)
        self.last_surplus = surplus[-1]
        meter = load_w - pv_ac - wind_w - battery_w
        hours_per_step = dt / 3600.0
        self.pv_wh += pv_ac.sum(axis=0) * hours_per_step
        self.wind_wh += wind_w.sum(axis=0) * hours_per_step
        self.load_wh += load_w.sum(axis=0) * hours_per_step
        self.discharged_wh += np.clip(battery_w, 0.0, None).sum(axis=0) * hours_per_step
        self.charged_wh += np.clip(-battery_w, 0.0, None).sum(axis=0) * hours_per_step
        self.import_wh += np.clip(meter, 0.0, None).sum(axis=0) * hours_per_step
        self.export_wh += np.clip(-meter, 0.0, None).sum(axis=0) * hours_per_step
        self.pv_w, self.pv_dc_w, self.throttled = pv_ac[-1], pv_dc[-1], throttled[-1]
        self.wind_w, self.load_w, self.battery_w, self.meter_w = (
            wind_w[-1],
            load_w[-1],
            battery_w[-1],
            meter[-1],
        )
        self.t = float(times[-1])
        self.steps_done += len(times)
