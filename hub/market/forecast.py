"""What a site will produce and use per settlement interval over the next hours. Pure functions.

Data in, data out: the caller reads the site's recent intervals and the clock, this module
only computes. Each quantity has a simple, explainable method and a fallback chain:

- **PV**: clear-sky irradiance (pvlib: Spencer solar geometry, Haurwitz clear-sky GHI) on
  a horizontal plane, ``GHI × kWp × PERFORMANCE_FACTOR`` (the hub does not know the
  panels' tilt or azimuth), times the site's *ratio*: measured ÷ clear-sky production over
  the daylight intervals of the last 24 h, clamped to ``PV_RATIO_RANGE``. The ratio
  absorbs orientation, shading and the weather of the last day. Without enough daylight
  history the ratio is ``DEFAULT_PV_RATIO``. A site without a location gets the mean
  production of each time-of-day slot of its history instead.
- **Wind**: persistence: the mean wind production of the last hour, held for the whole
  horizon and capped at rated power; else the mean of the history; else nothing (a market
  should not sell wind it has never seen).
- **Load**: the mean consumption of each 15-minute time-of-day slot (UTC) over the last
  7 days; a slot without history takes the site's mean; a site without any history takes
  ``TYPICAL_HOUSEHOLD`` (a standard-household day shape, 3,500 kWh a year).

Mixed sites: ``production_wh`` holds PV *and* wind, ``wind_wh`` the wind part, so PV is
their difference and each is forecast on its own: the PV ratio from the solar part, wind
persistence from ``wind_wh``. Agents before ``wind_w`` folded wind into PV and book no
``wind_wh``; a mixed site whose history shows no wind at all is read that way. A ratio learnt
from such production would count wind as sunshine, so it keeps the default PV ratio, and its
wind is the last hour's production minus the PV expected in that hour (exact at night); without
a location its production profile is forecast as PV and no separate wind, so nothing is
counted twice.

Many sites: solar geometry depends only on place and time, so ``ClearSky`` computes it
once per (location rounded to ``LOCATION_ROUNDING`` degrees, interval start) for all
sites of a batch in one vectorised call. ``fit_site`` (the per-site statistics) and
``predict`` are separate so a coordinator may keep fitted models between gate closures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pvlib

from hub.energy.intervals import INTERVAL

HORIZON = timedelta(hours=48)
SLOTS_PER_DAY = 96  # 15-minute time-of-day slots
PERFORMANCE_FACTOR = 0.85  # inverter, wiring, temperature and soiling losses of a typical plant
DEFAULT_PV_RATIO = 0.7  # a rough mid-latitude mean of measured ÷ clear-sky yield
PV_RATIO_RANGE = (0.05, 1.5)  # tilted panels may beat a horizontal clear sky; snow may cover them
PV_RATIO_WINDOW = timedelta(hours=24)
DAYLIGHT_WH_PER_KWP = 10.0  # below this clear-sky yield an interval is dawn/dusk noise, not daylight
MIN_DAYLIGHT_INTERVALS = 4
WIND_WINDOW = timedelta(hours=1)
LOAD_WINDOW = timedelta(days=7)
LOCATION_ROUNDING = 1  # decimals of a degree (~11 km): the sun is the same for a whole town
SUBSAMPLES = 3  # sun positions per interval, so sunrise and sunset intervals come out right

# Share of a day's consumption per hour (UTC ≈ local for the model), after the shape of the
# German standard household profile (BDEW H0): low at night, a morning and an evening peak.
_H0_SHAPE = (
    2.6, 2.2, 2.0, 1.9, 2.0, 2.4, 3.4, 4.4, 4.7, 4.6, 4.5, 4.6,
    5.0, 4.9, 4.4, 4.1, 4.2, 4.8, 5.8, 6.4, 6.2, 5.4, 4.4, 3.4,
)  # fmt: skip
TYPICAL_HOUSEHOLD_WH_PER_YEAR = 3_500_000
TYPICAL_HOUSEHOLD: tuple[float, ...] = tuple(
    TYPICAL_HOUSEHOLD_WH_PER_YEAR / 365 * _H0_SHAPE[slot // 4] / sum(_H0_SHAPE) / 4
    for slot in range(SLOTS_PER_DAY)
)

# What ``method`` says about each choice.
PV_CLEAR_SKY_SITE_RATIO = "pv:clear-sky×site-ratio"
PV_CLEAR_SKY_DEFAULT_RATIO = "pv:clear-sky×default-ratio"
PV_MIXED_DEFAULT_RATIO = "pv:clear-sky×default-ratio (production includes wind)"
PV_HISTORY_PROFILE = "pv:history-by-time-of-day (no location)"
PV_NONE = "pv:none"
WIND_LAST_HOUR = "wind:last-hour"
WIND_HISTORY_MEAN = "wind:history-mean"
WIND_LAST_HOUR_LESS_PV = "wind:last-hour-production−expected-pv (not metered apart)"
WIND_IN_PV_PROFILE = "wind:included-in-pv (no location, not metered apart)"
WIND_NONE = "wind:none"
LOAD_TIME_OF_DAY = "load:time-of-day"
LOAD_SITE_MEAN = "load:time-of-day+site-mean"
LOAD_TYPICAL = "load:typical-household"

# (interval start, production_wh (solar and wind), consumption_wh, wind_wh (the wind part))
HistoryRow = tuple[datetime, float, float, float]


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    start: datetime
    pv_wh: int
    wind_wh: int
    load_wh: int

    @property
    def net_wh(self) -> int:
        """Production minus load: positive to offer, negative to buy."""
        return self.pv_wh + self.wind_wh - self.load_wh


@dataclass(frozen=True, slots=True)
class SiteInputs:
    lat: float | None
    lon: float | None
    solar_kwp: float
    wind_kw: float
    history: Sequence[HistoryRow]  # past intervals, any order; consumption clamped at 0 here
    now: datetime  # aware UTC; only intervals that ended by now count


@dataclass(frozen=True, slots=True)
class SiteModel:
    """The statistics a forecast needs, fitted from one site's history."""

    location: tuple[float, float] | None  # rounded for ClearSky, None without a location
    solar_kwp: float
    wind_kw: float
    pv_ratio: float | None  # None when the site has no PV or no location
    pv_profile: tuple[float, ...] | None  # Wh per time-of-day slot, for sites without a location
    wind_wh: float
    load_profile: tuple[float, ...]  # Wh per time-of-day slot
    method: tuple[str, ...]


def upcoming_starts(now: datetime, hours: int = 48, interval: timedelta = INTERVAL) -> list[datetime]:
    """The starts of the intervals in the next ``hours``, from the first one not yet begun."""
    step = interval.total_seconds()
    first = -(-now.timestamp() // step) * step  # ceiling: an interval already running is not ahead
    count = int(timedelta(hours=hours) / interval)
    return [datetime.fromtimestamp(first + i * step, UTC) for i in range(count)]


def slot_of(start: datetime) -> int:
    """The 15-minute time-of-day slot (UTC) of an interval start."""
    return start.hour * 4 + start.minute // 15


def rounded_location(lat: float, lon: float) -> tuple[float, float]:
    return round(lat, LOCATION_ROUNDING), round(lon, LOCATION_ROUNDING)


def clear_sky_wh_per_kwp(
    starts: Sequence[datetime], lats: Sequence[float], lons: Sequence[float]
) -> np.ndarray:
    """Clear-sky yield (Wh per kWp, horizontal plane) per interval and location: shape (starts, locations)."""
    step = INTERVAL.total_seconds()
    offsets = (np.arange(SUBSAMPLES) + 0.5) / SUBSAMPLES * step
    ts = np.array([s.timestamp() for s in starts], dtype=np.float64)[:, None] + offsets[None, :]
    times = pd.DatetimeIndex(pd.to_datetime(ts.ravel(), unit="s", utc=True))
    day = times.day_of_year.to_numpy(dtype=np.float64)
    declination = pvlib.solarposition.declination_spencer71(day)
    eot_min = pvlib.solarposition.equation_of_time_spencer71(day)
    utc_hours = (ts.ravel() % 86_400) / 3_600
    lon = np.asarray(lons, dtype=np.float64)[None, :]
    lat = np.radians(np.asarray(lats, dtype=np.float64))[None, :]
    # Hour angle as pvlib.solarposition.hour_angle computes it, broadcast over many longitudes.
    hour_angle = np.radians(15.0 * (utc_hours[:, None] - 12.0) + lon + eot_min[:, None] / 4.0)
    zenith = pvlib.solarposition.solar_zenith_analytical(lat, hour_angle, declination[:, None])
    flat = pd.Series(np.degrees(zenith).ravel())
    ghi = pvlib.clearsky.haurwitz(flat)["ghi"].to_numpy(dtype=np.float64).reshape(zenith.shape)
    # W/m² at 1000 W/m² per kWp → kW per kWp; × ¼ h × 1000 → Wh per kWp per interval.
    per_sample = ghi / 1000.0 * PERFORMANCE_FACTOR * step / 3_600 * 1000.0
    result: np.ndarray = per_sample.reshape(len(starts), SUBSAMPLES, len(lats)).mean(axis=1)
    return result


@dataclass
class ClearSky:
    """Clear-sky yield per (rounded location, interval start), computed once for many sites.

    A memo of a pure function: keep one per gate closure (or per day); it grows with the
    locations and intervals asked for.
    """

    _wh: dict[tuple[float, float], dict[datetime, float]] = field(default_factory=dict)

    def prime(self, locations: Iterable[tuple[float, float]], starts: Iterable[datetime]) -> None:
        """Compute, in one vectorised call, whatever of locations × starts is not cached yet."""
        wanted = sorted(set(starts))
        missing = sorted(
            {loc for loc in set(locations) if not all(s in self._wh.get(loc, {}) for s in wanted)}
        )
        if not missing or not wanted:
            return
        table = clear_sky_wh_per_kwp(wanted, [lat for lat, _ in missing], [lon for _, lon in missing])
        for j, loc in enumerate(missing):
            self._wh.setdefault(loc, {}).update(zip(wanted, table[:, j].tolist(), strict=True))

    def has(self, location: tuple[float, float], start: datetime) -> bool:
        return start in self._wh.get(location, {})

    def wh_per_kwp(self, location: tuple[float, float], start: datetime) -> float:
        cached = self._wh.get(location, {}).get(start)
        if cached is None:
            self.prime([location], [start])
            cached = self._wh[location][start]
        return cached


def past_starts(now: datetime, window: timedelta) -> list[datetime]:
    """Starts of the intervals that ended within ``window`` before ``now``."""
    step = INTERVAL.total_seconds()
    last_end = now.timestamp() // step * step
    count = int(window / INTERVAL)
    return [datetime.fromtimestamp(last_end - (i + 1) * step, UTC) for i in range(count)]


def fit_site(inputs: SiteInputs, clear_sky: ClearSky | None = None) -> SiteModel:
    """The PV ratio, wind level and load profile of one site from its history."""
    sky = clear_sky if clear_sky is not None else ClearSky()
    now = inputs.now
    load_from = now - LOAD_WINDOW
    ratio_from = now - PV_RATIO_WINDOW
    wind_from = now - WIND_WINDOW
    has_pv = inputs.solar_kwp > 0
    has_wind = inputs.wind_kw > 0
    location = (
        rounded_location(inputs.lat, inputs.lon)
        if inputs.lat is not None and inputs.lon is not None
        else None
    )

    if location is not None and has_pv and not sky.has(location, past_starts(now, INTERVAL)[0]):
        # One vectorised call instead of one per history row; a batch has primed this already.
        sky.prime([location], past_starts(now, PV_RATIO_WINDOW))
    last_start = now - INTERVAL
    load_sum = [0.0] * SLOTS_PER_DAY
    solar_sum = [0.0] * SLOTS_PER_DAY
    counts = [0] * SLOTS_PER_DAY
    recent: list[tuple[datetime, float]] = []  # (start, solar Wh) of the last 24 h, for the PV ratio
    last_hour: list[tuple[datetime, float, float]] = []  # (start, production, wind)
    wind_total = 0.0
    all_wind = has_wind and not has_pv  # whatever the agent booked as wind_wh, all production is wind
    # The one loop over up to 7 days of rows per site; kept lean, it is most of a batch's time.
    for start, produced, consumed, booked_wind in inputs.history:
        # Only whole intervals: the one still running is partial and would read low.
        if start < load_from or start > last_start:
            continue
        wind = produced if all_wind else booked_wind
        slot = start.hour * 4 + start.minute // 15
        if consumed > 0:
            load_sum[slot] += consumed
        solar_sum[slot] += produced - wind
        wind_total += wind
        counts[slot] += 1
        if start >= ratio_from:
            recent.append((start, produced - wind))
            if start >= wind_from:
                last_hour.append((start, produced, wind))
    rows = sum(counts)
    # Wind booked apart (wire v1 with wind_w); else an older agent folded it into production.
    wind_apart = has_wind and wind_total > 0
    folded = has_wind and has_pv and not wind_apart
    method: list[str] = []

    pv_ratio: float | None = None
    pv_profile: tuple[float, ...] | None = None
    if not has_pv:
        method.append(PV_NONE)
    elif location is None:
        pv_profile = tuple(s / n if n else 0.0 for s, n in zip(solar_sum, counts, strict=True))
        method.append(PV_HISTORY_PROFILE if rows else PV_NONE)
    elif folded:
        pv_ratio = DEFAULT_PV_RATIO
        method.append(PV_MIXED_DEFAULT_RATIO)
    else:
        pv_ratio = _pv_ratio(recent, location, inputs.solar_kwp, sky)
        method.append(PV_CLEAR_SKY_DEFAULT_RATIO if pv_ratio is None else PV_CLEAR_SKY_SITE_RATIO)
        pv_ratio = DEFAULT_PV_RATIO if pv_ratio is None else pv_ratio

    wind_wh = 0.0
    rated = _rated_wh(inputs.wind_kw)
    if not has_wind:
        method.append(WIND_NONE)
    elif folded and location is None:
        method.append(WIND_IN_PV_PROFILE)  # the production profile already holds it
    elif folded and last_hour and pv_ratio is not None and location is not None:
        produced = sum(p for _, p, _ in last_hour) / len(last_hour)
        expected = [_pv_wh(sky.wh_per_kwp(location, s), inputs.solar_kwp, pv_ratio) for s, _, _ in last_hour]
        wind_wh = min(max(produced - sum(expected) / len(expected), 0.0), rated)
        method.append(WIND_LAST_HOUR_LESS_PV)
    elif last_hour and not folded:
        wind_wh = min(max(sum(w for _, _, w in last_hour) / len(last_hour), 0.0), rated)
        method.append(WIND_LAST_HOUR)
    elif rows and not folded:
        wind_wh = min(max(wind_total / rows, 0.0), rated)
        method.append(WIND_HISTORY_MEAN)
    else:
        method.append(WIND_NONE)

    if rows == 0:
        load_profile = TYPICAL_HOUSEHOLD
        method.append(LOAD_TYPICAL)
    else:
        mean = sum(load_sum) / rows
        load_profile = tuple(s / n if n else mean for s, n in zip(load_sum, counts, strict=True))
        method.append(LOAD_TIME_OF_DAY if all(counts) else LOAD_SITE_MEAN)

    return SiteModel(
        location=location if has_pv else None,
        solar_kwp=inputs.solar_kwp,
        wind_kw=inputs.wind_kw,
        pv_ratio=pv_ratio,
        pv_profile=pv_profile,
        wind_wh=wind_wh,
        load_profile=load_profile,
        method=tuple(method),
    )


def _rated_wh(kw: float) -> float:
    return kw * 1000.0 * INTERVAL.total_seconds() / 3_600


def _pv_wh(clear_wh_per_kwp: float, kwp: float, ratio: float) -> float:
    # Capped at the plant's rating: a ratio above 1 corrects orientation, not the inverter size.
    return min(clear_wh_per_kwp * kwp * ratio, _rated_wh(kwp))


def _pv_ratio(
    recent: Sequence[tuple[datetime, float]], location: tuple[float, float], kwp: float, sky: ClearSky
) -> float | None:
    """Measured ÷ clear-sky solar production over daylight intervals (a ratio of sums), or None."""
    measured = expected = 0.0
    daylight = 0
    for start, produced in recent:
        clear = sky.wh_per_kwp(location, start)
        if clear >= DAYLIGHT_WH_PER_KWP:
            measured += max(produced, 0.0)
            expected += clear * kwp
            daylight += 1
    if daylight < MIN_DAYLIGHT_INTERVALS:
        return None
    low, high = PV_RATIO_RANGE
    return min(max(measured / expected, low), high)


def predict(
    model: SiteModel, starts: Sequence[datetime], clear_sky: ClearSky | None = None
) -> list[ForecastPoint]:
    """One point per interval start from a fitted model."""
    sky = clear_sky if clear_sky is not None else ClearSky()
    if model.location is not None:
        sky.prime([model.location], starts)
    points = []
    for start in starts:
        slot = slot_of(start)
        if model.location is not None and model.pv_ratio is not None:
            pv = _pv_wh(sky.wh_per_kwp(model.location, start), model.solar_kwp, model.pv_ratio)
        elif model.pv_profile is not None:
            pv = model.pv_profile[slot]
        else:
            pv = 0.0
        points.append(
            ForecastPoint(
                start=start,
                pv_wh=round(max(pv, 0.0)),
                wind_wh=round(model.wind_wh),
                load_wh=round(model.load_profile[slot]),
            )
        )
    return points


def forecast_site(
    inputs: SiteInputs, starts: Sequence[datetime], clear_sky: ClearSky | None = None
) -> list[ForecastPoint]:
    """The forecast of one site for the given interval starts."""
    sky = clear_sky if clear_sky is not None else ClearSky()
    return predict(fit_site(inputs, sky), starts, sky)


def forecast_sites(
    sites: Sequence[SiteInputs], starts: Sequence[datetime], clear_sky: ClearSky | None = None
) -> list[list[ForecastPoint]]:
    """Forecasts of many sites, in order, with the solar geometry of all of them computed at once."""
    sky = clear_sky if clear_sky is not None else ClearSky()
    located = [
        rounded_location(s.lat, s.lon)
        for s in sites
        if s.lat is not None and s.lon is not None and s.solar_kwp > 0
    ]
    grid = set(starts)
    for now in {s.now for s in sites}:
        grid.update(past_starts(now, PV_RATIO_WINDOW))
    sky.prime(located, grid)
    return [forecast_site(s, starts, sky) for s in sites]
