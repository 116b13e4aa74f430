"""A bill's month is the community's calendar month: its UTC span across clock changes, and the
month the hub picks when none is asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from firmware_sims.clock import SimClock
from hub.market.bills import month_of, month_span
from hub.seed import ensure_community
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory


@pytest.mark.parametrize(
    ("zone", "year", "month", "start", "end", "hours"),
    [
        # Vienna springs forward on 29 March 2026: the month is an hour short.
        (
            "Europe/Vienna",
            2026,
            3,
            datetime(2026, 2, 28, 23, tzinfo=UTC),
            datetime(2026, 3, 31, 22, tzinfo=UTC),
            31 * 24 - 1,
        ),
        # …and falls back on 25 October: an hour long.
        (
            "Europe/Vienna",
            2026,
            10,
            datetime(2026, 9, 30, 22, tzinfo=UTC),
            datetime(2026, 10, 31, 23, tzinfo=UTC),
            31 * 24 + 1,
        ),
        # A month without a clock change keeps its offset at both ends.
        (
            "Europe/Vienna",
            2026,
            6,
            datetime(2026, 5, 31, 22, tzinfo=UTC),
            datetime(2026, 6, 30, 22, tzinfo=UTC),
            30 * 24,
        ),
        # Seoul has no summer time; its months begin at 15:00 UTC the day before.
        (
            "Asia/Seoul",
            2026,
            11,
            datetime(2026, 10, 31, 15, tzinfo=UTC),
            datetime(2026, 11, 30, 15, tzinfo=UTC),
            30 * 24,
        ),
        (
            "Asia/Seoul",
            2026,
            12,
            datetime(2026, 11, 30, 15, tzinfo=UTC),
            datetime(2026, 12, 31, 15, tzinfo=UTC),
            31 * 24,
        ),
        # New York springs forward on 8 March 2026, west of UTC.
        (
            "America/New_York",
            2026,
            3,
            datetime(2026, 3, 1, 5, tzinfo=UTC),
            datetime(2026, 4, 1, 4, tzinfo=UTC),
            31 * 24 - 1,
        ),
        ("UTC", 2028, 2, datetime(2028, 2, 1, tzinfo=UTC), datetime(2028, 3, 1, tzinfo=UTC), 29 * 24),
    ],
)
def test_a_month_spans_the_communitys_calendar_across_clock_changes(
    zone: str, year: int, month: int, start: datetime, end: datetime, hours: int
) -> None:
    assert month_span(year, month, ZoneInfo(zone)) == (start, end)
    assert end - start == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("zone", "now", "month"),
    [
        # 16:00 UTC on 30 November is already 1 December in Seoul, still November in Vienna.
        ("Asia/Seoul", datetime(2026, 11, 30, 16, tzinfo=UTC), (2026, 12)),
        ("Europe/Vienna", datetime(2026, 11, 30, 16, tzinfo=UTC), (2026, 11)),
        # 23:30 UTC on 31 October, after Vienna fell back, is 00:30 on 1 November there.
        ("Europe/Vienna", datetime(2026, 10, 31, 23, 30, tzinfo=UTC), (2026, 11)),
        ("America/New_York", datetime(2027, 1, 1, 3, tzinfo=UTC), (2026, 12)),
    ],
)
def test_the_current_month_is_the_communitys(zone: str, now: datetime, month: tuple[int, int]) -> None:
    assert month_of(now, ZoneInfo(zone)) == month


async def test_the_hub_bills_the_month_of_the_communitys_calendar(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 11, 30, 16, tzinfo=UTC))
    async with start_hub(amqtt_broker, db_url, clock=clock) as hub:
        await hub.seed(lambda s: ensure_community(s, community, timezone="Asia/Seoul", currency="KRW"))
        resident = await hub.resident("kim@example.org", "home-k", community)

        # Asked for no month: the one Seoul is in on the hub's clock, though UTC is still in November.
        current = (await resident.get("/api/bills")).json()
        assert (current["month"], current["start"], current["end"]) == (
            "2026-12",
            "2026-11-30T15:00:00Z",
            "2026-12-31T15:00:00Z",
        )
        november = (await resident.get("/api/bills", params={"month": "2026-11"})).json()
        assert (november["start"], november["end"]) == ("2026-10-31T15:00:00Z", "2026-11-30T15:00:00Z")
        # Any other period stays possible, as UTC instants.
        span = {"start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z"}
        day = (await resident.get("/api/bills", params=span)).json()
        assert (day["month"], day["start"]) == (None, "2026-11-01T00:00:00Z")
