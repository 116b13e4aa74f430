"""Site forecasts: clear-sky PV scaled by the site's ratio, wind persistence, load by time of day, the API."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import SiteInterval
from hub.energy.intervals import INTERVAL, interval_start
from hub.market import forecast as fc
from hub.market.forecast import (
    ClearSky,
    ForecastPoint,
    SiteInputs,
    clear_sky_wh_per_kwp,
    fit_site,
    forecast_site,
    forecast_sites,
    past_starts,
    upcoming_starts,
)
from hub.seed import ensure_site
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory

MUNICH = (48.14, 11.58)
SOLSTICE = datetime(2026, 6, 21, tzinfo=UTC)
NOON = SOLSTICE + timedelta(hours=11)  # UTC; solar noon in Munich is about 11:14 UTC
NIGHT = SOLSTICE + timedelta(hours=1)  # 03:00 local: the hour before was dark


def at(day: datetime, hh_mm: str) -> datetime:
    hours, minutes = hh_mm.split(":")
    return day + timedelta(hours=int(hours), minutes=int(minutes))


def site(
    history: list[fc.HistoryRow],
    now: datetime = NOON,
    solar_kwp: float = 0.0,
    wind_kw: float = 0.0,
    location: tuple[float, float] | None = MUNICH,
) -> SiteInputs:
    lat, lon = location if location is not None else (None, None)
    return SiteInputs(lat=lat, lon=lon, solar_kwp=solar_kwp, wind_kw=wind_kw, history=history, now=now)


@pytest.mark.parametrize(
    ("now", "hours", "first", "count"),
    [
        (at(SOLSTICE, "10:07"), 48, at(SOLSTICE, "10:15"), 192),
        (at(SOLSTICE, "10:15"), 48, at(SOLSTICE, "10:15"), 192),  # on a boundary: that interval is ahead
        (at(SOLSTICE, "23:59"), 1, at(SOLSTICE, "24:00"), 4),
    ],
)
def test_upcoming_starts(now: datetime, hours: int, first: datetime, count: int) -> None:
    starts = upcoming_starts(now, hours)
    assert (starts[0], len(starts)) == (first, count)
    assert all(b - a == INTERVAL for a, b in itertools.pairwise(starts))


@pytest.mark.parametrize(
    ("start", "low", "high"),
    [
        (at(SOLSTICE, "00:00"), 0.0, 0.0),  # night
        (at(SOLSTICE, "22:00"), 0.0, 0.0),
        (at(SOLSTICE, "11:00"), 170.0, 230.0),  # ~1000 W/m² × 0.85 × ¼ h
        (at(SOLSTICE - timedelta(days=182), "11:00"), 40.0, 110.0),  # December: low sun
    ],
)
def test_clear_sky_yield(start: datetime, low: float, high: float) -> None:
    [[wh]] = clear_sky_wh_per_kwp([start], [MUNICH[0]], [MUNICH[1]]).tolist()
    assert low <= wh <= high


def test_clear_sky_is_vectorised_over_places() -> None:
    # At 04:45 UTC the sun is up in Munich and not yet in Lisbon.
    [[munich, lisbon]] = clear_sky_wh_per_kwp(
        [at(SOLSTICE, "04:45")], [48.14, 38.72], [11.58, -9.14]
    ).tolist()
    assert munich > 20
    assert lisbon == 0.0


def clear_history(scale: float, kwp: float = 4.0, now: datetime = NOON) -> list[fc.HistoryRow]:
    """The last 24 h producing ``scale`` × the clear-sky yield, using 100 Wh per interval."""
    sky = ClearSky()
    location = fc.rounded_location(*MUNICH)
    return [
        (s, scale * kwp * sky.wh_per_kwp(location, s), 100.0, 0.0)
        for s in past_starts(now, timedelta(hours=24))
    ]


@pytest.mark.parametrize(
    ("history", "ratio", "method"),
    [
        (clear_history(0.5), 0.5, fc.PV_CLEAR_SKY_SITE_RATIO),
        (clear_history(1.0), 1.0, fc.PV_CLEAR_SKY_SITE_RATIO),
        (clear_history(5.0), fc.PV_RATIO_RANGE[1], fc.PV_CLEAR_SKY_SITE_RATIO),  # clamped
        # a whole sunny day without production (snow): clamped low, not zero forever
        (
            [(s, 0.0, 100.0, 0.0) for s in past_starts(NOON, timedelta(hours=24))],
            0.05,
            fc.PV_CLEAR_SKY_SITE_RATIO,
        ),
        # only night hours: no daylight to learn from
        (
            [(at(SOLSTICE, "00:00"), 0.0, 100.0, 0.0), (at(SOLSTICE, "00:15"), 0.0, 100.0, 0.0)],
            0.7,
            fc.PV_CLEAR_SKY_DEFAULT_RATIO,
        ),
        ([], fc.DEFAULT_PV_RATIO, fc.PV_CLEAR_SKY_DEFAULT_RATIO),
    ],
)
def test_pv_ratio(history: list[fc.HistoryRow], ratio: float, method: str) -> None:
    model = fit_site(site(history, solar_kwp=4.0))
    assert model.pv_ratio == pytest.approx(ratio)
    assert method in model.method


def test_pv_forecast_scales_clear_sky_by_the_ratio() -> None:
    starts = upcoming_starts(NOON, 48)
    half = forecast_site(site(clear_history(0.5), solar_kwp=4.0), starts)
    full = forecast_site(site(clear_history(1.0), solar_kwp=4.0), starts)
    by_start = {p.start: p for p in half}
    assert all(abs(by_start[p.start].pv_wh - p.pv_wh / 2) <= 1 for p in full)
    assert max(p.pv_wh for p in full) > 600  # ~190 Wh/kWp at noon
    assert [p.pv_wh for p in full if p.start.hour in (22, 23, 0)] == [0] * 24  # night


def test_pv_is_capped_at_the_rating() -> None:
    [point] = forecast_site(site(clear_history(5.0, kwp=1.0), solar_kwp=1.0), [at(SOLSTICE, "35:00")])
    assert point.pv_wh == 250  # 1 kWp for ¼ h, although 1.5 × clear sky would be more


def test_pv_without_location_follows_its_history_by_time_of_day() -> None:
    history = [
        (at(SOLSTICE, "10:00"), 400.0, 100.0, 0.0),
        (at(SOLSTICE - timedelta(days=1), "10:00"), 200.0, 100.0, 0.0),
    ]
    model = fit_site(site(history, solar_kwp=4.0, location=None))
    [ten, eleven] = forecast_site(
        site(history, solar_kwp=4.0, location=None), [at(SOLSTICE, "34:00"), at(SOLSTICE, "35:00")]
    )
    assert (ten.pv_wh, eleven.pv_wh, model.pv_ratio) == (300, 0, None)
    assert fc.PV_HISTORY_PROFILE in model.method


# (start, consumption) rows of two days before NOON
LOAD_ROWS = [
    ("10:00", -1, 100.0),
    ("10:00", 0, 300.0),
    ("10:15", 0, 60.0),
    ("03:00", -8, 999.0),  # older than 7 days
    ("10:30", 0, -40.0),  # a corrected booking below zero counts as nothing
]


def load_history() -> list[fc.HistoryRow]:
    return [(at(SOLSTICE + timedelta(days=d), hh), 0.0, wh, 0.0) for hh, d, wh in LOAD_ROWS]


@pytest.mark.parametrize(
    ("history", "now", "expected", "method"),
    [
        # 10:00 mean of 100 and 300; 10:15 its one value; 10:30 zero; other slots the site mean (460 / 4)
        (load_history(), NOON, {"10:00": 200, "10:15": 60, "10:30": 0, "03:00": 115}, fc.LOAD_SITE_MEAN),
        # rows older than 7 days are forgotten, and the interval still running does not count
        (
            load_history(),
            at(SOLSTICE, "10:20"),
            {"10:00": 200, "10:15": 200, "03:00": 200},
            fc.LOAD_SITE_MEAN,
        ),
        (
            [(s, 0.0, 80.0, 0.0) for s in past_starts(NOON, timedelta(days=1))],
            NOON,
            {"10:00": 80, "03:00": 80},
            fc.LOAD_TIME_OF_DAY,
        ),
        (
            [],
            NOON,
            {"19:00": round(fc.TYPICAL_HOUSEHOLD[76]), "03:00": round(fc.TYPICAL_HOUSEHOLD[12])},
            fc.LOAD_TYPICAL,
        ),
    ],
)
def test_load_by_time_of_day(
    history: list[fc.HistoryRow], now: datetime, expected: dict[str, int], method: str
) -> None:
    tomorrow = SOLSTICE + timedelta(days=1)
    points = forecast_site(site(history, now=now), [at(tomorrow, hh) for hh in expected])
    assert {p.start.strftime("%H:%M"): p.load_wh for p in points} == expected
    assert method in fit_site(site(history, now=now)).method


def test_typical_household_is_a_plausible_day() -> None:
    assert sum(fc.TYPICAL_HOUSEHOLD) == pytest.approx(3_500_000 / 365)
    assert max(fc.TYPICAL_HOUSEHOLD[72:84]) > 2 * min(fc.TYPICAL_HOUSEHOLD[8:20])  # evening peak over night


def night_rows(*wh: float, now: datetime = NIGHT, wind: bool = False) -> list[fc.HistoryRow]:
    """The last intervals before ``now``, newest last, producing ``wh``: booked as wind or not."""
    starts = sorted(past_starts(now, INTERVAL * len(wh)))
    return [(s, p, 0.0, p if wind else 0.0) for s, p in zip(starts, wh, strict=True)]


@pytest.mark.parametrize(
    ("history", "wind_kw", "solar_kwp", "wind_wh", "method"),
    [
        (night_rows(400, 600, 500, 500), 5.0, 0.0, 500, fc.WIND_LAST_HOUR),
        (night_rows(400, 600, 500, 500), 1.0, 0.0, 250, fc.WIND_LAST_HOUR),  # capped at 1 kW for ¼ h
        # only older rows: their mean
        (night_rows(300, 100, now=NIGHT - timedelta(hours=2)), 5.0, 0.0, 200, fc.WIND_HISTORY_MEAN),
        ([], 5.0, 0.0, 0, fc.WIND_NONE),
        # PV and wind in one production figure (an agent before wind_w): at night it is all wind
        (night_rows(300, 300, 300, 300), 5.0, 4.0, 300, fc.WIND_LAST_HOUR_LESS_PV),
        # wind booked apart: its own figure, whatever PV does
        (night_rows(300, 300, 300, 300, wind=True), 5.0, 4.0, 300, fc.WIND_LAST_HOUR),
        # a wind-only site of an agent before wind_w: all its production is wind
        (night_rows(400, 600, 500, 500, wind=False), 5.0, 0.0, 500, fc.WIND_LAST_HOUR),
        # a mixed site with wind booked apart, only older rows: the mean of its wind
        (
            night_rows(300, 100, now=NIGHT - timedelta(hours=2), wind=True),
            5.0,
            4.0,
            200,
            fc.WIND_HISTORY_MEAN,
        ),
    ],
)
def test_wind_persistence(
    history: list[fc.HistoryRow], wind_kw: float, solar_kwp: float, wind_wh: int, method: str
) -> None:
    inputs = site(history, now=NIGHT, wind_kw=wind_kw, solar_kwp=solar_kwp)
    points = forecast_site(inputs, upcoming_starts(NIGHT, 48))
    assert {p.wind_wh for p in points} == {wind_wh}
    assert method in fit_site(inputs).method


def test_mixed_site_keeps_the_default_pv_ratio() -> None:
    model = fit_site(site(clear_history(0.3), solar_kwp=4.0, wind_kw=2.0))
    assert model.pv_ratio == fc.DEFAULT_PV_RATIO
    assert fc.PV_MIXED_DEFAULT_RATIO in model.method


def test_mixed_site_wind_is_production_minus_expected_pv() -> None:
    # A sunny last hour at noon with 2× clear-sky production: half of it is taken for wind.
    history = clear_history(2 * fc.DEFAULT_PV_RATIO, kwp=4.0)
    model = fit_site(site(history, solar_kwp=4.0, wind_kw=10.0))
    last_hour = [p for s, p, _, _ in history if s >= NOON - timedelta(hours=1)]
    assert model.wind_wh == pytest.approx(sum(last_hour) / len(last_hour) / 2)


def test_mixed_site_with_wind_booked_apart_learns_its_pv_ratio_from_the_solar_part() -> None:
    """(#10) production_wh − wind_wh is solar: the ratio is the site's own, wind persists from wind_wh."""
    solar = clear_history(0.5, kwp=4.0)
    history = [(s, p + 200.0, c, 200.0) for s, p, c, _ in solar]  # plus 200 Wh of wind every interval
    model = fit_site(site(history, solar_kwp=4.0, wind_kw=2.0))
    assert model.pv_ratio == pytest.approx(0.5)
    assert fc.PV_CLEAR_SKY_SITE_RATIO in model.method
    assert model.wind_wh == pytest.approx(200.0)
    assert fc.WIND_LAST_HOUR in model.method


def test_mixed_site_with_wind_booked_apart_and_no_location_forecasts_both() -> None:
    history = [
        (at(SOLSTICE, "10:00"), 500.0, 100.0, 100.0),
        (at(SOLSTICE - timedelta(days=1), "10:00"), 300.0, 100.0, 100.0),
    ]
    [ten] = forecast_site(site(history, solar_kwp=4.0, wind_kw=2.0, location=None), [at(SOLSTICE, "34:00")])
    assert (ten.pv_wh, ten.wind_wh) == (300, 100)


def test_net_is_production_minus_load() -> None:
    assert ForecastPoint(NOON, pv_wh=300, wind_wh=50, load_wh=500).net_wh == -150


def test_batch_matches_one_by_one() -> None:
    sites = [
        site(clear_history(0.5), solar_kwp=4.0),
        site(night_rows(200, 200), now=NIGHT, wind_kw=3.0),
        site([], solar_kwp=2.0, location=(52.52, 13.40)),
        site(load_history(), location=None),
    ]
    starts = upcoming_starts(NOON, 2)
    assert forecast_sites(sites, starts) == [forecast_site(s, starts) for s in sites]


async def test_forecast_api(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    now = datetime.now(UTC)
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        owner = await hub.resident("sun@example.org", "home-sun", community)
        other = await hub.resident("other@example.org", "home-other", community)

        async def seed(session: AsyncSession) -> None:
            await ensure_site(
                session,
                "home-sun",
                community,
                "sun@example.org",
                "hybrid",
                *MUNICH,
                assets=[{"kind": "solar", "power_kw": 5.0}],
            )
            first = interval_start(now) - timedelta(days=1)
            session.add_all(
                SiteInterval(
                    site_id="home-sun",
                    start=first + i * INTERVAL,
                    import_wh=100.0,
                    production_wh=50.0,
                    consumption_wh=150.0,
                )
                for i in range(96)
            )
            await session.commit()

        await hub.seed(seed)

        response = await owner.get("/api/sites/home-sun/forecast")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["site"], body["interval_minutes"], len(body["points"])) == ("home-sun", 15, 192)
        assert {p["load_wh"] for p in body["points"]} == {150}
        assert all(p["net_wh"] == p["pv_wh"] + p["wind_wh"] - p["load_wh"] for p in body["points"])
        assert body["pv_ratio"] is not None
        assert fc.LOAD_TIME_OF_DAY in body["method"]

        assert (
            len((await owner.get("/api/sites/home-sun/forecast", params={"hours": 1})).json()["points"]) == 4
        )
        assert (await other.get("/api/sites/home-sun/forecast")).status_code == 403
        assert (await owner.get("/api/sites/no-such-site/forecast")).status_code == 404
        bad = await owner.get("/api/sites/home-sun/forecast", params={"hours": 0})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["query", "hours"]


@pytest.mark.parametrize(
    ("inputs", "pv_ratio", "methods"),
    [
        # no PV at all: nothing to scale
        (site(clear_history(0.5)), None, {fc.PV_NONE, fc.WIND_NONE}),
        # PV and wind without a location: the production profile carries both, wind is not added again
        (site(night_rows(300, now=NIGHT), now=NIGHT, solar_kwp=4.0, wind_kw=2.0, location=None), None,
         {fc.PV_HISTORY_PROFILE, fc.WIND_IN_PV_PROFILE}),
    ],
)  # fmt: skip
def test_sites_without_pv_ratio(inputs: SiteInputs, pv_ratio: float | None, methods: set[str]) -> None:
    model = fit_site(inputs)
    assert model.pv_ratio == pv_ratio
    assert methods <= set(model.method)
    assert {p.wind_wh for p in forecast_site(inputs, upcoming_starts(inputs.now, 1))} == {0}
