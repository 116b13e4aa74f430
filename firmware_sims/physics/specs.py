"""What a simulated home is made of (static configuration, no state)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PvSpec:
    kwp: float  # DC peak power of the array
    tilt_deg: float = 30.0
    azimuth_deg: float = 180.0  # 180 = facing south
    inverter_w: float | None = None  # AC rating; defaults to kwp * 1000
    strings: int = 2

    @property
    def ac_rating_w(self) -> float:
        return self.inverter_w if self.inverter_w is not None else self.kwp * 1000.0


@dataclass(frozen=True)
class WindSpec:
    rated_w: float
    mean_wind_ms: float = 5.5  # long-run mean at hub height
    cut_in_ms: float = 3.0
    rated_ms: float = 12.0
    cut_out_ms: float = 25.0


@dataclass(frozen=True)
class BatterySpec:
    capacity_wh: float
    max_charge_w: float
    max_discharge_w: float
    soc_min_pct: float = 5.0
    soc_max_pct: float = 100.0
    initial_soc_pct: float = 50.0


@dataclass(frozen=True)
class LoadSpec:
    annual_kwh: float = 3500.0


@dataclass(frozen=True)
class HomePhysicsSpec:
    """One home's physical plant at a location; any of pv/wind/battery may be absent."""

    home_id: str
    lat: float
    lon: float
    load: LoadSpec = LoadSpec()
    pv: PvSpec | None = None
    wind: WindSpec | None = None
    battery: BatterySpec | None = None
