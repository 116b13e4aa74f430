"""Meter readings entered by hand: stored as the site's readings, spread over the intervals
between them, refused when a counter goes back, corrected or withdrawn by their owner, and
settled like any other meter's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from itertools import pairwise
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from firmware_sims.clock import SimClock
from hub.db.models import MeterReadingCorrection, RawReading, SiteInterval
from hub.energy.intervals import INTERVAL
from hub.ingest.manual import Counters, rechained, spread
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory, RunningHub
from tests.hub.test_settler import GRACE, eventually, failed_trade, meters, one_trade

DAYS_AGO = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=2)


MICROSECOND = timedelta(microseconds=1)
MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC))


@given(
    earlier=MOMENTS,
    span=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=40)),
    delta=st.integers(min_value=0, max_value=10**12),
)
def test_spread_energy_adds_up_to_the_delta_in_proportion_to_time(
    earlier: datetime, span: timedelta, delta: int
) -> None:
    booked = spread(earlier, earlier + span, {"import_wh": delta})
    parts = {start: energy["import_wh"] for start, energy in booked.items()}
    assert sum(parts.values()) == delta
    assert min(parts.values()) >= 0
    for start, part in parts.items():
        inside = min(start + INTERVAL, earlier + span) - max(start, earlier)
        assert abs(part - Fraction(delta) * Fraction(inside // MICROSECOND, span // MICROSECOND)) < 1
    starts = sorted(parts)
    assert all(b - a == INTERVAL for a, b in pairwise(starts))


CHAINS = st.lists(
    st.tuples(st.integers(1, 6 * 3600), st.integers(0, 5_000), st.integers(0, 500)), min_size=1, max_size=5
)


def chain(steps: list[tuple[int, int, int]]) -> list[Counters]:
    """Readings at increasing times with growing import and export counters."""
    at, imported, exported = datetime(2026, 3, 1, 6, 7, tzinfo=UTC), 1_000, 0
    readings = []
    for seconds, more_import, more_export in steps:
        at, imported, exported = (
            at + timedelta(seconds=seconds),
            imported + more_import,
            exported + more_export,
        )
        readings.append(Counters(at, {"import_wh": imported, "export_wh": exported}))
    return readings


def booked(readings: list[Counters]) -> dict[tuple[datetime, str], int]:
    """What booking each pair of neighbours leaves per interval and counter."""
    totals: dict[tuple[datetime, str], int] = {}
    for earlier, later in pairwise(readings):
        deltas = {name: later.values[name] - earlier.values[name] for name in later.values}
        for start, energy in spread(earlier.at, later.at, deltas).items():
            for name, wh in energy.items():
                totals[start, name] = totals.get((start, name), 0) + wh
    return totals


@given(steps=CHAINS, index=st.data(), withdraw=st.booleans())
def test_replacing_or_withdrawing_any_reading_leaves_exactly_what_the_new_chain_books(
    steps: list[tuple[int, int, int]], index: st.DataObject, withdraw: bool
) -> None:
    readings = chain(steps)
    at = index.draw(st.integers(0, len(readings) - 1))
    old = readings[at]
    before = readings[at - 1] if at > 0 else None
    after = readings[at + 1] if at + 1 < len(readings) else None
    if withdraw:
        new = None
        changed = readings[:at] + readings[at + 1 :]
    else:
        # Half-way between its neighbours in time and in each counter: it still fits.
        low = before or Counters(old.at - timedelta(hours=1), {k: v - 10 for k, v in old.values.items()})
        high = after or Counters(old.at + timedelta(hours=1), {k: v + 10 for k, v in old.values.items()})
        new = Counters(
            low.at + (high.at - low.at) / 2, {k: (low.values[k] + high.values[k]) // 2 for k in old.values}
        )
        changed = [*readings[:at], new, *readings[at + 1 :]]

    totals = booked(readings)
    for span in rechained(before, old, after, new):
        deltas = {name: span.later.values[name] - span.earlier.values[name] for name in span.later.values}
        for start, energy in spread(span.earlier.at, span.later.at, deltas).items():
            for name, wh in energy.items():
                totals[start, name] = totals.get((start, name), 0) + span.sign * wh
    assert {k: v for k, v in totals.items() if v} == {k: v for k, v in booked(changed).items() if v}


def reading(at: datetime, import_wh: int, export_wh: int, **more: int) -> dict[str, Any]:
    return {"read_at": at.isoformat(), "import_wh": import_wh, "export_wh": export_wh, **more}


async def post(client: httpx.AsyncClient, site: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(f"/api/sites/{site}/meter-readings", json=body)


async def intervals(hub: RunningHub, site: str) -> list[SiteInterval]:
    async def read(session: AsyncSession) -> list[SiteInterval]:
        query = select(SiteInterval).where(SiteInterval.site_id == site).order_by(SiteInterval.start)
        return list(await session.scalars(query))

    return await hub.seed(read)


async def test_two_readings_a_day_apart_spread_their_energy_over_the_intervals_between(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        first = DAYS_AGO.replace(hour=6, minute=10)
        second = first + timedelta(days=1)
        assert (await post(owner, "meter-only", reading(first, 1_000_000, 20_000))).status_code == 201
        assert await intervals(hub, "meter-only") == []  # the first reading only sets the baseline

        response = await post(owner, "meter-only", reading(second, 1_012_345, 20_500))
        assert response.status_code == 201, response.text

        rows = await intervals(hub, "meter-only")
        # 06:10 → 06:10 next day: a partial interval at each end and 95 whole ones between.
        assert len(rows) == 97
        assert rows[0].start == first.replace(minute=0)
        assert rows[-1].start == second.replace(minute=0)
        assert sum(r.import_wh for r in rows) == 12_345
        assert sum(r.export_wh for r in rows) == 500
        assert all(r.readings > 0 and r.revised_at is not None for r in rows)
        # Even pace: a whole interval gets 1/96 of the day's energy, the ends in proportion to their minutes.
        whole = [r.import_wh for r in rows[1:-1]]
        assert min(whole) >= 12_345 // 96
        assert max(whole) <= 12_345 // 96 + 1
        assert abs(rows[0].import_wh - 12_345 * 5 / 1440) < 1
        assert abs(rows[-1].import_wh - 12_345 * 10 / 1440) < 1

        listed = (await owner.get("/api/sites/meter-only/meter-readings")).json()
        assert [(r["import_wh"], r["export_wh"]) for r in listed] == [
            (1_012_345, 20_500),
            (1_000_000, 20_000),
        ]

        async def stored(session: AsyncSession) -> list[RawReading]:
            return list(await session.scalars(select(RawReading).where(RawReading.site_id == "meter-only")))

        raw = await hub.seed(stored)
        assert {r.device for r in raw} == {"site"}
        assert len({r.seq for r in raw}) == 2


async def test_a_counter_that_goes_back_is_refused_naming_it_and_the_previous_value(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        first = DAYS_AGO
        assert (await post(owner, "meter-only", reading(first, 5_000, 300))).status_code == 201

        response = await post(owner, "meter-only", reading(first + timedelta(hours=3), 5_100, 299))
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["body", "export_wh"]
        assert "300" in error["msg"]

        earlier = await post(owner, "meter-only", reading(first - timedelta(hours=1), 5_100, 400))
        assert earlier.status_code == 422
        assert earlier.json()["detail"][0]["loc"] == ["body", "read_at"]

        future = await post(owner, "meter-only", reading(datetime.now(UTC) + timedelta(hours=1), 5_100, 400))
        assert future.status_code == 422
        assert future.json()["detail"][0]["loc"] == ["body", "read_at"]

        # Nothing refused was stored or booked.
        assert len((await owner.get("/api/sites/meter-only/meter-readings")).json()) == 1
        assert await intervals(hub, "meter-only") == []


async def test_a_reading_far_from_its_neighbour_or_out_of_any_calendar_is_refused(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        # Year 1 with an offset east of UTC: no such instant in UTC.
        ancient = await post(
            owner, "meter-only", reading(datetime(1, 1, 1, 3, tzinfo=timezone(timedelta(hours=5))), 1, 0)
        )
        assert ancient.status_code == 422
        assert ancient.json()["detail"][0]["type"] == "date_out_of_range"

        long_ago = DAYS_AGO - timedelta(days=401)
        assert (await post(owner, "meter-only", reading(long_ago, 1_000, 0))).status_code == 201
        # A year typed wrong would spread over 38 000 intervals: refused, naming the time.
        far = await post(owner, "meter-only", reading(DAYS_AGO, 2_000, 0))
        assert far.status_code == 422
        assert (far.json()["detail"][0]["loc"], far.json()["detail"][0]["type"]) == (
            ["body", "read_at"],
            "span_too_long",
        )
        assert await intervals(hub, "meter-only") == []


async def test_a_correction_next_to_a_long_span_left_by_a_withdrawal_is_checked_as_it_will_be(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    """Withdrawing the middle of two 201-day spans leaves one of 402 days, longer than an entered
    reading may be from its neighbour. Moving the last reading to 300 days after the first
    shortens it: only the span it makes is checked, not the one it replaces."""
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        first = DAYS_AGO - timedelta(days=402)
        for days, imported in ((0, 10_000), (201, 12_000), (402, 14_000)):
            assert (
                await post(owner, "meter-only", reading(first + timedelta(days=days), imported, 0))
            ).status_code == 201
        latest, middle, _ = [
            r["id"] for r in (await owner.get("/api/sites/meter-only/meter-readings")).json()
        ]
        assert (await owner.delete(f"/api/sites/meter-only/meter-readings/{middle}")).status_code == 204

        moved = await put(owner, "meter-only", latest, reading(first + timedelta(days=300), 13_000, 0))
        assert moved.status_code == 200, moved.json()
        rows = await intervals(hub, "meter-only")
        assert sum(r.import_wh for r in rows) == 3_000
        assert all(r.import_wh == 0 for r in rows if r.start >= first + timedelta(days=300))


async def test_only_the_owner_or_an_admin_may_enter_or_see_a_sites_meter_readings(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        stranger = await hub.resident("s@example.org", "elsewhere", community, kind="consumer")
        body = reading(DAYS_AGO, 1_000, 0)

        assert (await post(stranger, "meter-only", body)).status_code == 403
        assert (await stranger.get("/api/sites/meter-only/meter-readings")).status_code == 403
        assert (await post(stranger, "no-such-site", body)).status_code == 404
        assert (await hub.http.post("/api/sites/meter-only/meter-readings", json=body)).status_code in (
            401,
            403,
        )

        admin = await hub.admin()
        assert (await post(admin, "meter-only", body)).status_code == 201
        assert len((await owner.get("/api/sites/meter-only/meter-readings")).json()) == 1


async def test_a_settled_interval_settles_again_from_the_sellers_hand_entered_readings(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        failed = await failed_trade(hub, clock, community, 800)
        near, start = failed.seller, failed.start

        # The seller's meter has no agent: its owner reads it before and after the interval.
        assert (await post(near, "home-near", reading(start, 40_000, 10_000))).status_code == 201
        after = await post(near, "home-near", reading(start + timedelta(minutes=15), 40_000, 10_800))
        assert after.status_code == 201, after.text

        assert await failed.delivered_wh_once_settled() == 800


async def test_a_site_whose_agent_reports_its_meter_refuses_hand_entered_counters(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        owner = await hub.resident("m@example.org", "with-agent", community, kind="consumer")

        async def agent_reading(session: AsyncSession) -> None:
            values = {"import_wh": {"value": 10.0, "unit": "Wh"}}
            session.add(
                RawReading(
                    site_id="with-agent",
                    seq=7,
                    ts=DAYS_AGO,
                    device="site",
                    values=values,
                    received_at=DAYS_AGO,
                )
            )

        await hub.seed(agent_reading)
        response = await post(owner, "with-agent", reading(DAYS_AGO + timedelta(hours=1), 20, 0))
        # Its energy is booked from the agent's readings already; counting it again would bill it twice.
        assert response.status_code == 409
        assert "agent" in response.json()["detail"]


async def put(client: httpx.AsyncClient, site: str, reading_id: int, body: dict[str, Any]) -> httpx.Response:
    return await client.put(f"/api/sites/{site}/meter-readings/{reading_id}", json=body)


async def corrections(hub: RunningHub) -> list[MeterReadingCorrection]:
    async def read(session: AsyncSession) -> list[MeterReadingCorrection]:
        return list(await session.scalars(select(MeterReadingCorrection).order_by(MeterReadingCorrection.id)))

    return await hub.seed(read)


async def test_correcting_a_wrong_reading_books_its_spans_anew_and_keeps_what_it_said(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        first = DAYS_AGO.replace(hour=6, minute=0)
        for hours, imported in ((0, 10_000), (2, 12_000), (4, 13_000)):
            response = await post(owner, "meter-only", reading(first + timedelta(hours=hours), imported, 0))
            assert response.status_code == 201, response.text
        listed = (await owner.get("/api/sites/meter-only/meter-readings")).json()
        middle = listed[1]["id"]
        stamped = max(r.revised_at for r in await intervals(hub, "meter-only") if r.revised_at)

        # The middle one was misread: 12 500 kWh, not 12 000, and at 3 h, not 2 h.
        fixed = await put(owner, "meter-only", middle, reading(first + timedelta(hours=3), 12_500, 0))
        assert fixed.status_code == 200, fixed.text
        assert fixed.json()["id"] == middle

        rows = await intervals(hub, "meter-only")
        by_start = {r.start: r.import_wh for r in rows}
        assert sum(by_start.values()) == 3_000  # the chain still ends at 13 000
        assert sum(v for s, v in by_start.items() if s < first + timedelta(hours=3)) == 2_500
        assert sum(v for s, v in by_start.items() if s >= first + timedelta(hours=3)) == 500
        assert all(r.readings == 1 for r in rows)
        # Stamped again: the settler settles these intervals anew.
        assert all(r.revised_at is not None and r.revised_at > stamped for r in rows)

        listed = (await owner.get("/api/sites/meter-only/meter-readings")).json()
        assert [(r["id"], r["import_wh"]) for r in listed][1] == (middle, 12_500)
        [kept] = await corrections(hub)
        assert (kept.reading, kept.counters, kept.new_counters) == (
            middle,
            {"import_wh": 12_000, "export_wh": 0},
            {"import_wh": 12_500, "export_wh": 0},
        )
        assert kept.read_at == first + timedelta(hours=2)


async def test_a_correction_must_fit_between_its_neighbours_naming_the_field(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        first = DAYS_AGO.replace(hour=6, minute=0)
        for hours, imported in ((0, 10_000), (2, 12_000), (4, 13_000)):
            assert (
                await post(owner, "meter-only", reading(first + timedelta(hours=hours), imported, 0))
            ).status_code == 201
        middle = (await owner.get("/api/sites/meter-only/meter-readings")).json()[1]["id"]

        above = await put(owner, "meter-only", middle, reading(first + timedelta(hours=2), 13_001, 0))
        assert above.status_code == 422
        [error] = above.json()["detail"]
        assert error["loc"] == ["body", "import_wh"]
        assert error["type"] == "counter_above_next"
        assert "13000" in error["msg"]

        below = await put(owner, "meter-only", middle, reading(first + timedelta(hours=2), 9_999, 0))
        assert below.json()["detail"][0]["type"] == "counter_below_previous"

        late = await put(owner, "meter-only", middle, reading(first + timedelta(hours=5), 12_000, 0))
        assert late.status_code == 422
        assert late.json()["detail"][0]["loc"] == ["body", "read_at"]
        assert late.json()["detail"][0]["type"] == "reading_not_before_next"

        # Nothing refused changed the readings or the energy booked.
        assert [r["import_wh"] for r in (await owner.get("/api/sites/meter-only/meter-readings")).json()] == [
            13_000,
            12_000,
            10_000,
        ]
        assert sum(r.import_wh for r in await intervals(hub, "meter-only")) == 3_000
        assert await corrections(hub) == []


async def test_withdrawing_readings_takes_their_energy_back_and_their_ids_are_not_given_again(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        first = DAYS_AGO.replace(hour=6, minute=0)
        for hours, imported in ((0, 10_000), (2, 12_000), (4, 13_000)):
            assert (
                await post(owner, "meter-only", reading(first + timedelta(hours=hours), imported, 0))
            ).status_code == 201
        latest, middle, _ = [
            r["id"] for r in (await owner.get("/api/sites/meter-only/meter-readings")).json()
        ]

        # The middle one goes: the first and last make one span, the same energy in all.
        assert (await owner.delete(f"/api/sites/meter-only/meter-readings/{middle}")).status_code == 204
        rows = await intervals(hub, "meter-only")
        assert sum(r.import_wh for r in rows) == 3_000
        # An even pace over the 4 h again: 3000 Wh over 16 intervals, not 2000 then 1000.
        assert all(abs(r.import_wh - 3_000 / 16) < 1 for r in rows)
        # Then the latest: nothing is left between the one reading that remains, so unmetered.
        assert (await owner.delete(f"/api/sites/meter-only/meter-readings/{latest}")).status_code == 204
        rows = await intervals(hub, "meter-only")
        assert sum(r.import_wh for r in rows) == 0
        assert all(r.readings == 0 for r in rows)
        assert len(await corrections(hub)) == 2

        again = await post(owner, "meter-only", reading(first + timedelta(hours=1), 11_000, 0))
        assert again.status_code == 201
        assert again.json()["id"] not in (latest, middle)
        assert sum(r.import_wh for r in await intervals(hub, "meter-only")) == 1_000


async def test_only_the_owners_own_hand_entered_readings_can_be_corrected(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("m@example.org", "meter-only", community, kind="consumer")
        stranger = await hub.resident("s@example.org", "elsewhere", community, kind="consumer")
        assert (await post(owner, "meter-only", reading(DAYS_AGO, 1_000, 0))).status_code == 201
        [entered] = (await owner.get("/api/sites/meter-only/meter-readings")).json()
        body = reading(DAYS_AGO, 1_001, 0)

        assert (await put(stranger, "meter-only", entered["id"], body)).status_code == 403
        assert (
            await stranger.delete(f"/api/sites/meter-only/meter-readings/{entered['id']}")
        ).status_code == 403
        # The stranger's own site has no such reading.
        missing = await put(stranger, "elsewhere", entered["id"], body)
        assert missing.status_code == 404
        assert missing.json()["code"] == "meter_reading_not_found"
        assert (
            await owner.delete(f"/api/sites/meter-only/meter-readings/{entered['id'] + 1}")
        ).status_code == 404
        # The only reading, corrected: a new baseline, nothing booked.
        assert (await put(owner, "meter-only", entered["id"], body)).status_code == 200
        assert await intervals(hub, "meter-only") == []


async def test_a_generating_site_enters_its_production_counters_and_they_are_checked_by_name(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, db_url) as hub:
        owner = await hub.resident("p@example.org", "windy", community, kind="provider")
        first = DAYS_AGO.replace(hour=6, minute=0)
        counters = {"production_wh": 50_000, "wind_wh": 20_000}
        assert (await post(owner, "windy", reading(first, 0, 30_000, **counters))).status_code == 201

        back = await post(
            owner,
            "windy",
            reading(first + timedelta(hours=1), 0, 31_000, production_wh=49_000, wind_wh=20_000),
        )
        assert back.status_code == 422
        assert back.json()["detail"][0]["loc"] == ["body", "production_wh"]
        more_wind = await post(
            owner,
            "windy",
            reading(first + timedelta(hours=1), 0, 31_000, production_wh=51_000, wind_wh=52_000),
        )
        assert more_wind.json()["detail"][0]["loc"] == ["body", "wind_wh"]
        alone = await post(owner, "windy", reading(first + timedelta(hours=1), 0, 31_000, wind_wh=21_000))
        assert alone.json()["detail"][0]["loc"] == ["body", "production_wh"]

        later = reading(first + timedelta(hours=1), 0, 31_000, production_wh=51_200, wind_wh=20_400)
        assert (await post(owner, "windy", later)).status_code == 201
        rows = await intervals(hub, "windy")
        assert (sum(r.production_wh for r in rows), sum(r.wind_wh for r in rows)) == (1_200, 400)
        assert sum(r.export_wh for r in rows) == 1_000
        assert sum(r.consumption_wh for r in rows) == 200  # produced and not exported: used on site
        [newest, _] = (await owner.get("/api/sites/windy/meter-readings")).json()
        assert (newest["production_wh"], newest["wind_wh"]) == (51_200, 20_400)


async def test_a_corrected_reading_settles_the_interval_again(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        _, near, start = await one_trade(hub, community, 800, "0.1000")
        await meters(hub, start, home_c=(800, 0))
        # The seller reads the meter at the interval's start and end, before the grace period is over.
        clock.advance((start + timedelta(minutes=15) - clock.now()).total_seconds() + 1)
        assert (await post(near, "home-near", reading(start, 40_000, 10_000))).status_code == 201
        assert (
            await post(near, "home-near", reading(start + timedelta(minutes=15), 40_000, 10_800))
        ).status_code == 201
        clock.advance((start + timedelta(minutes=15) + GRACE - clock.now()).total_seconds() + 1)

        async def delivered() -> tuple[str, int]:
            [row] = (await near.get("/api/transactions")).json()
            return row["status"], row["delivered_wh"]

        assert await eventually(delivered, lambda s: s[0] == "completed", "settlement") == ("completed", 800)

        # The seller misread the later counter: it showed 10 500, so only 500 Wh went out.
        latest = (await near.get("/api/sites/home-near/meter-readings")).json()[0]["id"]
        fixed = await put(near, "home-near", latest, reading(start + timedelta(minutes=15), 40_000, 10_500))
        assert fixed.status_code == 200, fixed.text

        assert (await eventually(delivered, lambda s: s[1] == 500, "re-settlement"))[1] == 500
