"""Each site hears, retained on ``share``, what its neighbours gave it today (hub.community_share).

Real parts: the hub on SQLite with the embedded broker and a stepped clock; this test reads
the broker as an agent would. Figures are seeded into the interval not settled yet, so the
settler leaves them as they are.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from firmware_sims.clock import SimClock
from hub.community_share import DayFigures, local_day
from hub.db.models import Allocation, SiteInterval
from hub.seed import ensure_community, ensure_site
from powershare_wire import CommunityShare
from powershare_wire import topics as wire_topics
from powershare_wire.topics import Kind
from tests.agent.mqtt_client import mqtt_client
from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory

NOW = datetime(2026, 6, 21, 10, 7, tzinfo=UTC)
OPEN = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)  # the interval running at NOW: not settled yet


async def shares(broker: BrokerAddress, community: str, count: int) -> dict[str, CommunityShare]:
    found: dict[str, CommunityShare] = {}
    async with mqtt_client(broker.host, broker.port) as client:
        await client.subscribe(wire_topics.subscription(Kind.SHARE, community), qos=1)
        async with asyncio.timeout(15):
            async for message in client.messages:
                assert isinstance(message.payload, bytes)
                share = CommunityShare.model_validate_json(message.payload)
                found[share.site] = share
                if len(found) == count:
                    return found
    raise AssertionError("unreachable")


async def test_each_site_hears_what_its_neighbours_gave_it_today(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(NOW)
    async with start_hub(amqtt_broker, sqlite_url, clock=clock, community_share_interval_s=0.2) as hub:

        async def seed(session: AsyncSession) -> None:
            await ensure_community(session, community)
            for site in ("home-a", "home-b", "home-c"):
                await ensure_site(session, site, community)
            await session.flush()
            session.add_all(
                [
                    SiteInterval(site_id="home-a", start=OPEN, consumption_wh=800.0, readings=5),
                    SiteInterval(site_id="home-b", start=OPEN, consumption_wh=100.0, readings=5),
                    # Yesterday (UTC, the community's timezone): not today's.
                    SiteInterval(site_id="home-a", start=OPEN - timedelta(days=1), consumption_wh=9e3),
                    Allocation(
                        community=community, start=OPEN, site_id="home-a", received_wh=200, price=Decimal(0)
                    ),
                    Allocation(
                        community=community, start=OPEN, site_id="home-b", given_wh=200, price=Decimal(0)
                    ),
                ]
            )

        await hub.seed(seed)
        told = await shares(amqtt_broker, community, 3)

    a, b, c = told["home-a"], told["home-b"], told["home-c"]
    assert (a.received_wh, a.given_wh, a.consumption_wh, a.share) == (200, 0, 800, 0.25)
    assert (b.received_wh, b.given_wh, b.consumption_wh, b.share) == (0, 200, 100, 0.0)
    assert (c.received_wh, c.consumption_wh, c.share) == (0, 0, None)  # no use: no share
    assert a.day == NOW.date()


@pytest.mark.parametrize(
    ("now", "timezone", "day"),
    [
        (datetime(2026, 6, 21, 21, 30, tzinfo=UTC), "UTC", "2026-06-21"),
        (datetime(2026, 6, 21, 22, 30, tzinfo=UTC), "Europe/Berlin", "2026-06-22"),  # 00:30 local
        (datetime(2026, 6, 21, 14, 0, tzinfo=UTC), "Asia/Seoul", "2026-06-21"),
    ],
)
def test_the_day_is_the_communitys_local_day(now: datetime, timezone: str, day: str) -> None:
    local, start, end = local_day(now, timezone)
    assert local.isoformat() == day
    assert start <= now < end
    assert end - start == timedelta(days=1)  # none of these is a day the clocks change


def test_the_share_is_what_neighbours_gave_of_what_the_home_used() -> None:
    assert DayFigures(received_wh=300, consumption_wh=1200).share == 0.25
    assert DayFigures(received_wh=0, consumption_wh=0).share is None
    # Energy received but the meters show less use (a battery charged from it): at most all of it.
    assert DayFigures(received_wh=500, consumption_wh=400).share == 1.0
