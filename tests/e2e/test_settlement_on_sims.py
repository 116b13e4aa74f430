"""Settlement end to end on the sims: simulated meters → agents → broker → hub → trades settled
from the meters, and a seller cut off for two intervals comes back and its buyer's bill is corrected.

Hub, agents and simulated devices share one stepped clock; the test walks it through the
intervals so the meters' counters advance as in a day, and cuts the seller's network link.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from edge_agent.app import run_agent
from firmware_sims.clock import SimClock
from firmware_sims.community import run_community
from firmware_sims.scenario import parse
from hub.auth.broker_access import issue_mqtt_password
from hub.db.engine import create_engine
from hub.db.models import SiteInterval
from hub.market.intervals import open_interval
from hub.seed import ensure_community, ensure_site, ensure_user
from hub.server import running_hub
from powershare_demo import agent_config
from powershare_demo.seeding import assets
from soak.proxy import TcpProxy
from tests.conftest import free_port
from tests.e2e.stack import NOON, embedded_hub_settings, market_scenario, signed_in
from tests.helpers import eventually

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery"
SELLER, BUYER = "sun@example.org", "home@example.org"
SUN, HOME = "e2e-sun", "e2e-home"
INTERVAL = timedelta(minutes=15)
GRACE = timedelta(seconds=300)
TRADED_WH = 300  # per interval: well within the sun's export and the home's use at noon


@dataclass
class Stack:
    clock: SimClock
    database_url: str
    link: TcpProxy  # the seller's network link to the broker
    admin: httpx.AsyncClient
    seller: httpx.AsyncClient
    buyer: httpx.AsyncClient


@asynccontextmanager
async def two_homes(tmp_path: Path, community: str, database_url: str) -> AsyncIterator[Stack]:
    settings = embedded_hub_settings(database_url, community)
    mqtt_port = settings.mqtt_port
    clock = SimClock.stepped(NOON)
    link = TcpProxy(free_port(), "127.0.0.1", mqtt_port)
    async with (
        running_hub(settings, clock=clock),
        run_community(parse(market_scenario(HOME)), clock=clock, free_ports=True) as sims,
    ):
        await link.start()
        engine = create_engine(database_url)
        passwords: dict[str, str] = {}
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                await ensure_community(session, community)
                for email, role in (
                    ("admin@example.org", "admin"),
                    (SELLER, "resident"),
                    (BUYER, "resident"),
                ):
                    await ensure_user(session, email, PASSWORD, role, community)
                for site, owner, kind in ((SUN, SELLER, "provider"), (HOME, BUYER, "consumer")):
                    home = sims.home(site)
                    row = await ensure_site(
                        session,
                        site,
                        community,
                        owner,
                        kind,
                        *home.location,
                        assets=assets(home.physics.spec),
                    )
                    passwords[site] = issue_mqtt_password(row)  # provisioned like any agent
                await session.commit()
        finally:
            await engine.dispose()
        agents = []
        for site, port in ((SUN, link.listen_port), (HOME, mqtt_port)):
            url = f"mqtt://127.0.0.1:{port}"
            config = agent_config(sims.home(site), community, url, tmp_path, 0.2, passwords[site])
            agents.append(asyncio.create_task(run_agent(config, clock), name=f"agent-{site}"))
        base = f"http://{settings.http_host}:{settings.http_port}"
        try:
            async with AsyncExitStack() as clients:
                admin, seller, buyer = [
                    await signed_in(clients, base, e, PASSWORD) for e in ("admin@example.org", SELLER, BUYER)
                ]
                yield Stack(clock, database_url, link, admin, seller, buyer)
        finally:
            for agent in agents:
                agent.cancel()
            await asyncio.gather(*agents, return_exceptions=True)
            await link.stop()


async def walk(clock: SimClock, until: datetime, step_s: float = 45) -> None:
    """Let simulated time pass the way the agents can follow it: a step, then a moment to poll."""
    while clock.now() < until:
        clock.advance(min(step_s, (until - clock.now()).total_seconds()))
        await asyncio.sleep(0.25)


async def trades(client: httpx.AsyncClient) -> dict[datetime, dict[str, Any]]:
    return {
        datetime.fromisoformat(t["window_start"]): t for t in (await client.get("/api/transactions")).json()
    }


async def metered(database_url: str, site: str, start: datetime) -> tuple[int, int]:
    """What the hub booked from the site's meter in the interval: (import, export) Wh."""
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine)() as session:
            row = (
                await session.execute(
                    select(func.sum(SiteInterval.import_wh), func.sum(SiteInterval.export_wh)).where(
                        SiteInterval.site_id == site, SiteInterval.start == start
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    return round(row[0] or 0), round(row[1] or 0)


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_trades_settle_from_the_meters_and_a_late_backlog_corrects_the_bill(
    tmp_path: Path, community: str, request: pytest.FixtureRequest, db: str
) -> None:
    database_url = str(request.getfixturevalue("sqlite_url" if db == "sqlite" else "pg_url"))
    async with two_homes(tmp_path, community, database_url) as stack:
        first = open_interval(stack.clock.now(), INTERVAL, timedelta(minutes=5))
        window = {"window_start": first.isoformat(), "window_end": (first + 3 * INTERVAL).isoformat()}
        offered = await stack.seller.post(
            "/api/offers", json={"site": SUN, "energy_wh": TRADED_WH, "min_price": "0.1000", **window}
        )
        assert offered.status_code == 201, offered.text
        wanted = await stack.buyer.post(
            "/api/requests", json={"site": HOME, "energy_wh": 3 * TRADED_WH, "max_price": "0.2500", **window}
        )
        assert wanted.status_code == 201, wanted.text
        for k in range(3):
            start = first + k * INTERVAL
            cleared = await stack.admin.post(
                f"/api/communities/{community}/market/clear", json={"start": start.isoformat()}
            )
            assert cleared.json()["trades"] == 1, cleared.text
        second, third = first + INTERVAL, first + 2 * INTERVAL

        # The first interval runs with both agents online.
        await walk(stack.clock, second)
        # Then the seller's network is cut for two intervals; its agent keeps reading and spooling.
        await stack.link.stop()
        await walk(stack.clock, third + INTERVAL + GRACE + timedelta(seconds=5))

        settled = await eventually(
            lambda: trades(stack.buyer),
            lambda t: all(t[s]["status"] not in ("scheduled", "delivering") for s in (first, second, third)),
            within=30,
            what="the three intervals settled",
        )
        # The first trade delivered what both meters showed, all of it here.
        sold_export = (await metered(stack.database_url, SUN, first))[1]
        bought_import = (await metered(stack.database_url, HOME, first))[0]
        assert min(TRADED_WH, sold_export, bought_import) == TRADED_WH
        assert (settled[first]["status"], settled[first]["delivered_wh"]) == ("completed", TRADED_WH)
        price, fee = Decimal(settled[first]["energy_price"]), Decimal(settled[first]["fee"])
        assert Decimal(settled[first]["amount"]) == (price + fee) * TRADED_WH / 1000
        # Without the seller's readings the next two fell short (the second saw its first moment
        # still online), and the home's import was billed at retail.
        assert settled[second]["shortfall"] in ("readings_missing", "seller_exported_less")
        assert settled[second]["delivered_wh"] < TRADED_WH
        assert (settled[third]["status"], settled[third]["shortfall"]) == ("failed", "readings_missing")
        span = {"start": first.isoformat(), "end": (third + INTERVAL).isoformat()}
        before = (await stack.buyer.get("/api/bills", params=span)).json()
        assert before["bought_from_neighbours"]["energy_wh"] == TRADED_WH + settled[second]["delivered_wh"]
        assert before["adjustments"] == []

        # The link is back: the spooled backlog arrives and the two intervals are settled again.
        await stack.link.start()
        corrected = await eventually(
            lambda: trades(stack.buyer),
            lambda t: all(t[s]["status"] == "completed" for s in (second, third)),
            within=60,
            what="the backlog re-settling the cut-off intervals",
        )
        assert all(corrected[s]["delivered_wh"] == TRADED_WH for s in (second, third))
        after = (await stack.buyer.get("/api/bills", params=span)).json()
        # The bill keeps its items as first settled and shows the corrections apart, with why.
        assert after["bought_from_neighbours"] == before["bought_from_neighbours"]
        assert {a["note"] for a in after["adjustments"]} == {f"late readings from {SUN}"}
        assert {datetime.fromisoformat(a["interval_start"]) for a in after["adjustments"]} == {second, third}
        # Neighbours' energy is cheaper than the grid's: the correction lowers the home's bill.
        assert Decimal(after["total"]) < Decimal(before["total"])
        assert Decimal(after["adjustments_total"]) < 0
