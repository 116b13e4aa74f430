"""Meter readings entered by hand: stored as the site's readings, spread over the intervals
between them, refused when a counter goes back, and settled like any other meter's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from firmware_sims.clock import SimClock
from hub.db.models import RawReading, SiteInterval, Transaction
from hub.energy.intervals import INTERVAL
from hub.ingest.manual import spread
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory, RunningHub
from tests.hub.test_settler import GRACE, eventually, meters, one_trade

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
        _, near, start = await one_trade(hub, community, 800, "0.1000")
        await meters(hub, start, home_c=(800, 0))
        clock.advance((start + timedelta(minutes=15) + GRACE - clock.now()).total_seconds() + 1)

        async def status() -> tuple[str, str | None]:
            [row] = (await near.get("/api/transactions")).json()
            return row["status"], row["shortfall"]

        assert await eventually(status, lambda s: s[0] == "failed", "settlement") == (
            "failed",
            "readings_missing",
        )

        # The seller's meter has no agent: its owner reads it before and after the interval.
        assert (await post(near, "home-near", reading(start, 40_000, 10_000))).status_code == 201
        after = await post(near, "home-near", reading(start + timedelta(minutes=15), 40_000, 10_800))
        assert after.status_code == 201, after.text

        assert await eventually(status, lambda s: s[0] == "completed", "re-settlement") == ("completed", None)

        async def trade(session: AsyncSession) -> Transaction:
            return (await session.scalars(select(Transaction))).one()

        assert (await hub.seed(trade)).delivered_wh == 800


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
