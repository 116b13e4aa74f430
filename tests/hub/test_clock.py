"""The hub lives in its clock: GET /api/clock shows it, ingest checks timestamps against it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firmware_sims.clock import SimClock
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry, site_reading
from tests.hub.conftest import HubFactory
from tests.hub.test_ingest import health, wait_connected

MIDSUMMER = datetime(2026, 6, 21, 4, tzinfo=UTC)  # the demo scenario's start


async def test_clock_shows_the_wall_clock_by_default(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        response = await hub.http.get("/api/clock")  # no sign-in
        response.raise_for_status()
        body = response.json()
    assert body["speed"] == 1.0
    assert abs(datetime.fromisoformat(body["now"]) - datetime.now(UTC)) < timedelta(seconds=5)


async def test_clock_shows_the_hubs_clock(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    clock = SimClock.accelerated(60, MIDSUMMER)
    async with start_hub(amqtt_broker, sqlite_url, clock=clock) as hub:
        assert hub.state["clock"] is clock
        body = (await hub.http.get("/api/clock")).json()
    now = datetime.fromisoformat(body["now"])
    assert body["speed"] == 60.0
    assert now.tzinfo is not None
    assert MIDSUMMER <= now < MIDSUMMER + timedelta(minutes=30)


async def test_ingest_checks_timestamps_against_the_hubs_clock(
    broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(MIDSUMMER)
    async with start_hub(broker, sqlite_url, clock=clock, max_clock_skew_s=300) as hub:
        await wait_connected(hub)
        readings = [
            site_reading(1, pv_w=10.0, ts=MIDSUMMER - timedelta(seconds=1)),  # years from the wall clock
            site_reading(2, pv_w=20.0, ts=MIDSUMMER + timedelta(seconds=299)),  # within the skew
            site_reading(3, pv_w=30.0, ts=MIDSUMMER + timedelta(minutes=6)),  # too far ahead of the hub
        ]
        await publish_telemetry(broker.host, broker.port, community, "home-1", readings)
        h = await eventually(
            lambda: health(hub),
            lambda h: h["ingest"]["accepted"] >= 2 and "future_timestamp" in h["ingest"]["rejected"],
            what="two readings stored and one refused",
        )
        assert h["ingest"]["accepted"] == 2
        assert h["ingest"]["rejected"] == {"future_timestamp": 1}
        assert datetime.fromisoformat(h["mqtt"]["since"]) == MIDSUMMER  # the link, too, in clock time
        sites = (await (await hub.admin()).get("/api/sites")).json()
        assert sites[0]["reading"]["seq"] == 2
        assert datetime.fromisoformat(sites[0]["last_seen"]) == MIDSUMMER + timedelta(seconds=299)
