"""A trade sold from a battery moves the simulated battery: hub → broker → agent → Modbus → sim.

Hub, agent and simulated devices share one stepped clock, so the interval starts when the test
says; the trade's dispatch is followed from the hub's command to the battery's power and back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from edge_agent.app import run_agent
from firmware_sims.battery import BatteryState
from firmware_sims.clock import SimClock
from firmware_sims.community import RunningCommunity, run_community
from firmware_sims.scenario import parse
from hub.auth.broker_access import issue_mqtt_password
from hub.db.engine import create_engine
from hub.market.intervals import open_interval
from hub.seed import ensure_community, ensure_site, ensure_user
from hub.server import running_hub
from powershare_demo import agent_config
from powershare_demo.seeding import assets
from tests.e2e.stack import NOON, SITE, embedded_hub_settings, one_home_scenario, signed_in
from tests.helpers import eventually

PASSWORD = "correct-horse-battery"
ADMIN = "admin@example.org"
SELLER = "seller@example.org"
BUYER = "buyer@example.org"
INTERVAL = timedelta(minutes=15)


@dataclass
class Stack:
    clock: SimClock
    sims: RunningCommunity
    admin: httpx.AsyncClient
    seller: httpx.AsyncClient
    buyer: httpx.AsyncClient

    @property
    def battery(self) -> BatteryState:
        """The simulated battery's physics now."""
        state = self.sims.home(SITE).device("battery").state
        assert isinstance(state, BatteryState)
        return state


@asynccontextmanager
async def one_clock_stack(tmp_path: Path, community: str, database_url: str) -> AsyncIterator[Stack]:
    """The hub (embedded broker), one simulated home with a battery and its agent, on one clock,
    and a buyer with no devices. No standing orders: the test places the trade itself."""
    settings = embedded_hub_settings(database_url, community)
    mqtt_port = settings.mqtt_port
    clock = SimClock.stepped(NOON)
    async with (
        running_hub(settings, clock=clock),
        run_community(parse(one_home_scenario()), clock=clock, free_ports=True) as sims,
    ):
        home = sims.home(SITE)
        engine = create_engine(database_url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                await ensure_community(session, community)
                for email, role in ((ADMIN, "admin"), (SELLER, "resident"), (BUYER, "resident")):
                    await ensure_user(session, email, PASSWORD, role, community)
                site = await ensure_site(
                    session,
                    SITE,
                    community,
                    SELLER,
                    "provider",
                    *home.location,
                    assets=assets(home.physics.spec),
                )
                await ensure_site(session, "e2e-buyer", community, BUYER, "consumer", *home.location)
                password = issue_mqtt_password(site)  # provisioned like any agent
                await session.commit()
        finally:
            await engine.dispose()
        url = f"mqtt://127.0.0.1:{mqtt_port}"
        config = agent_config(home, community, url, tmp_path, poll_interval_s=0.5, mqtt_password=password)
        agent = asyncio.create_task(run_agent(config, clock), name="agent")
        base = f"http://{settings.http_host}:{settings.http_port}"
        try:
            async with AsyncExitStack() as clients:
                admin, seller, buyer = [
                    await signed_in(clients, base, e, PASSWORD) for e in (ADMIN, SELLER, BUYER)
                ]
                yield Stack(clock, sims, admin, seller, buyer)
        finally:
            agent.cancel()
            await asyncio.gather(agent, return_exceptions=True)


async def the_trade(stack: Stack) -> dict[str, Any]:
    [trade] = (await stack.seller.get("/api/transactions")).json()
    return trade  # type: ignore[no-any-return]


async def seen_by_hub(stack: Stack, name: str) -> float | None:
    """A value of the site's latest reading as the hub has it."""
    [site] = [s for s in (await stack.seller.get("/api/sites")).json() if s["site"] == SITE]
    value = ((site.get("reading") or {}).get("values") or {}).get(name, {}).get("value")
    return float(value) if value is not None else None


async def soc_after_a_tick(stack: Stack) -> float | None:
    """The hub keeps a site's newest reading: on a clock standing still none is newer, so tick."""
    stack.clock.advance(1)
    await asyncio.sleep(0.2)
    return await seen_by_hub(stack, "soc_pct")


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_simulated_battery_follows_the_dispatch_of_its_trade(
    tmp_path: Path, community: str, request: pytest.FixtureRequest, db: str
) -> None:
    database_url = str(request.getfixturevalue("sqlite_url" if db == "sqlite" else "pg_url"))
    async with one_clock_stack(tmp_path, community, database_url) as stack:
        # The agent is up (its readings arrive) and knows the battery's state of charge.
        await eventually(
            lambda: soc_after_a_tick(stack), lambda soc: soc is not None, within=20, what="the SoC"
        )
        start = open_interval(stack.clock.now(), INTERVAL, timedelta(minutes=5))
        window = {"window_start": start.isoformat(), "window_end": (start + INTERVAL).isoformat()}
        sold = await stack.seller.post(
            "/api/offers",
            json={"site": SITE, "energy_wh": 500, "min_price": "0.1000", "source": "battery", **window},
        )
        assert sold.status_code == 201, sold.text
        wanted = await stack.buyer.post(
            "/api/requests", json={"site": "e2e-buyer", "energy_wh": 500, "max_price": "0.2500", **window}
        )
        assert wanted.status_code == 201, wanted.text
        cleared = await stack.admin.post(
            f"/api/communities/{community}/market/clear", json={"start": start.isoformat()}
        )
        assert cleared.json()["trades"] == 1, cleared.text
        assert stack.battery.storctl_mod == 0  # the battery runs itself until the interval starts

        stack.clock.advance((start - stack.clock.now()).total_seconds())
        trade = await eventually(
            lambda: the_trade(stack),
            lambda t: (t["dispatch"] or {}).get("outcome") == "accepted",
            within=20,
            what="the agent's accepted ack on the trade",
        )
        # 0.5 kWh over a quarter hour: 2 kW, well within the sim's 4 kW rating.
        assert (trade["status"], trade["dispatch"]["power_w"], trade["at_risk"]) == (
            "delivering",
            2000.0,
            False,
        )
        stack.clock.advance(60)  # a minute into the interval the battery has discharged at the set-point
        state = stack.battery
        assert state.w == pytest.approx(2000.0, abs=20.0)
        await eventually(
            lambda: seen_by_hub(stack, "battery_w"),
            lambda w: w is not None and abs(w - 2000.0) <= 20.0,
            within=20,
            what="the hub seeing the battery discharge at 2 kW",
        )

        stack.clock.advance((start + INTERVAL - stack.clock.now()).total_seconds())
        trade = await eventually(
            lambda: the_trade(stack),
            lambda t: t["dispatch"]["outcome"] == "completed",
            within=20,
            what="the completed ack",
        )
        assert trade["at_risk"] is False
        assert stack.battery.storctl_mod == 0  # handed back to its own control
        stack.clock.advance(60)
        assert stack.battery.w != pytest.approx(2000.0, abs=20.0)
