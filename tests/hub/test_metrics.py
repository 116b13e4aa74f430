"""/metrics shows what an operator alerts on, and each figure moves when the thing it counts happens.

Real parts: the hub on SQLite (and PostgreSQL for the backlog query), the embedded broker or a
Mosquitto started here (stopped and started again for the broker gauge), a stepped clock for
staleness and settlement.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import aiomqtt
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker

from firmware_sims.clock import SimClock
from hub.api.routes import metrics as metrics_route
from hub.db.engine import create_engine, migrate
from hub.db.models import Settlement, SharingMode
from hub.market.intervals import starts_between
from hub.scrape_figures import community_figures, due_window
from hub.seed import ensure_community, ensure_site
from powershare_wire import Kind, Status
from powershare_wire import topics as wire_topics
from tests.brokers import Mosquitto
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry, site_reading
from tests.hub.conftest import HubFactory, RunningHub

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(hub: RunningHub) -> Samples:
    response = await hub.http.get("/metrics")
    response.raise_for_status()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


async def test_a_request_is_timed_under_its_route_template_not_its_path(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        resident = await hub.resident("ann@example.org", "home-ann", community)
        route = {"route": "/api/sites/{site_id}", "method": "GET", "status": "2xx"}
        before = value(await scrape(hub), "powershare_http_request_seconds_count", **route) or 0.0
        for _ in range(3):
            (await resident.get("/api/sites/home-ann")).raise_for_status()
        assert (await resident.get("/api/sites/nobody-here")).status_code == 404
        assert (await hub.http.get("/no/such/page")).status_code in (404, 200)  # 200: the web build's index

        samples = await scrape(hub)
        assert value(samples, "powershare_http_request_seconds_count", **route) == before + 3
        assert value(samples, "powershare_http_request_seconds_count", **{**route, "status": "4xx"}) == 1
        routes = {dict(labels)["route"] for name, labels in samples if name.startswith("powershare_http_")}
        assert not any("home-ann" in r or "nobody-here" in r or "/no/such" in r for r in routes), routes


async def test_a_site_goes_stale_once_no_reading_came_for_its_timeout(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    clock = SimClock.stepped(datetime(2026, 6, 21, 10, 7, tzinfo=UTC))
    async with start_hub(amqtt_broker, sqlite_url, clock=clock, site_stale_after_s=60) as hub:
        host, port = amqtt_broker.host, amqtt_broker.port
        for site in ("home-a", "home-b"):
            await publish_telemetry(host, port, community, site, [site_reading(0, ts=clock.now())])
        status = Status(site="home-a", online=True, ts=clock.now())
        async with aiomqtt.Client(host, port) as client:
            topic = wire_topics.topic(community, "home-a", Kind.STATUS)
            await client.publish(topic, status.model_dump_json().encode(), qos=1, retain=True)

        fresh = await eventually(
            lambda: scrape(hub),
            lambda s: (
                value(s, "powershare_sites", community=community) == 2
                and value(s, "powershare_sites_online", community=community) == 1
            ),
            what="two sites, one online",
        )
        assert value(fresh, "powershare_sites_stale", community=community) == 0

        clock.advance(45)
        await publish_telemetry(host, port, community, "home-b", [site_reading(1, ts=clock.now())])
        await eventually(
            lambda: scrape(hub),
            lambda s: value(s, "powershare_ingest_readings_total") == 3,
            what="home-b's second reading stored",
        )
        clock.advance(30)  # home-a: 75 s without a reading; home-b: 30 s
        stale = await scrape(hub)
        assert value(stale, "powershare_sites_stale", community=community) == 1
        assert value(stale, "powershare_sites_online", community=community) == 1  # stale is not offline


async def test_the_broker_gauge_drops_while_the_broker_is_down_and_rises_when_it_is_back(
    own_mosquitto: Mosquitto, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(own_mosquitto.address, sqlite_url) as hub:
        connections = ("ingest", "commands")

        def connected(samples: Samples) -> list[float | None]:
            return [value(samples, "powershare_broker_connected", connection=c) for c in connections]

        def reconnects(samples: Samples) -> list[float | None]:
            return [value(samples, "powershare_broker_reconnects_total", connection=c) for c in connections]

        up = await eventually(lambda: scrape(hub), lambda s: connected(s) == [1, 1], what="both links up")
        own_mosquitto.stop()
        down = await eventually(lambda: scrape(hub), lambda s: connected(s) == [0, 0], what="both down")
        assert all(
            (after or 0) > (before or 0)
            for before, after in zip(reconnects(up), reconnects(down), strict=True)
        )
        own_mosquitto.start()
        await eventually(lambda: scrape(hub), lambda s: connected(s) == [1, 1], 30, "both links back")


async def test_the_settlement_backlog_counts_due_intervals_that_are_not_settled(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await migrate(engine)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        now = datetime(2026, 6, 21, 10, 7, tzinfo=UTC)
        async with sessions() as session:
            await ensure_community(session, "north", settlement_interval_min=15, settlement_grace_s=300)
            await ensure_community(session, "south")
            await ensure_site(session, "home-n", "north", None)
            await session.commit()
            first, end = due_window(now, timedelta(minutes=15), timedelta(seconds=300))
            due = starts_between(first, end, timedelta(minutes=15))
            assert due[-1] == datetime(2026, 6, 21, 9, 45, tzinfo=UTC)  # ended 10:00, grace over 10:05

            figures = await community_figures(session, now, timedelta(minutes=2))
            assert figures["north"].settlement_backlog == len(due)
            assert figures["north"].sites == 1
            assert figures["south"].sites == 0

            for start in due[:-2]:  # settled all but the two newest
                session.add(settled(start))
            session.add(settled(end))  # not due yet: settled early counts for nothing
            await session.commit()
            figures = await community_figures(session, now, timedelta(minutes=2))
            assert figures["north"].settlement_backlog == 2
            assert figures["south"].settlement_backlog == len(due)
    finally:
        await engine.dispose()


def settled(start: datetime) -> Settlement:
    return Settlement(
        community="north",
        start=start,
        end=start + timedelta(minutes=15),
        mode=SharingMode.MARKET,
        digest="0" * 64,
        retail_price=Decimal("0.3000"),
        feed_in_price=Decimal("0.0800"),
        settled_at=start,
    )


@pytest.mark.parametrize("grace_s", [0, 300, 3600])
def test_the_due_window_ends_where_the_last_ended_interval_plus_grace_has_passed(grace_s: int) -> None:
    now = datetime(2026, 6, 21, 10, 7, tzinfo=UTC)
    length = timedelta(minutes=15)
    first, end = due_window(now, length, timedelta(seconds=grace_s))
    last = end - length
    assert last + length + timedelta(seconds=grace_s) <= now < end + length + timedelta(seconds=grace_s)
    assert first <= now - timedelta(days=2) < first + length


async def test_without_its_database_the_hub_still_serves_the_broker_figures(
    amqtt_broker: BrokerAddress,
    sqlite_url: str,
    start_hub: HubFactory,
    community: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await publish_telemetry(amqtt_broker.host, amqtt_broker.port, community, "home-a", [site_reading(0)])
        up = await eventually(
            lambda: scrape(hub), lambda s: value(s, "powershare_sites", community=community) == 1, what="site"
        )
        assert value(up, "powershare_database_up") == 1

        async def unreachable(*_args: object) -> dict[str, object]:
            raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

        monkeypatch.setattr(metrics_route, "community_figures", unreachable)
        down = await scrape(hub)
        assert value(down, "powershare_database_up") == 0
        assert value(down, "powershare_sites", community=community) is None  # none rather than stale
        assert value(down, "powershare_broker_connected", connection="ingest") == 1
