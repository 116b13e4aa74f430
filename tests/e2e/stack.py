"""The whole system in one test: simulated devices → agent → broker → hub → DB → /ws."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker

from edge_agent.app import run_agent
from firmware_sims.clock import SimClock
from firmware_sims.community import RunningCommunity, run_community
from firmware_sims.scenario import parse
from hub.auth.broker_access import issue_mqtt_password
from hub.core.config import Settings
from hub.db.engine import create_engine
from hub.seed import ensure_community, ensure_site, ensure_user
from hub.server import running_hub
from powershare_demo import agent_config
from powershare_demo.seeding import ADMIN_EMAIL, DEMO_PASSWORD, assets, seed_community
from tests.conftest import BrokerAddress, free_port

SITE = "e2e-home"
NOON = datetime(2026, 6, 21, 11, 0, tzinfo=UTC)


def embedded_hub_settings(database_url: str, community: str) -> Settings:
    """A hub of one test: its own embedded broker, HTTP port and MQTT client id."""
    return Settings(
        database_url=database_url,
        mqtt_port=free_port(),
        http_port=free_port(),
        mqtt_client_id=f"hub-{uuid.uuid4().hex[:10]}",
        mqtt_community=community,
    )


async def signed_in(stack: AsyncExitStack, base: str, email: str, password: str) -> httpx.AsyncClient:
    """An HTTP client of ``stack`` signed in (bearer token) as ``email``."""
    client = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=10))
    login = await client.post("/api/auth/login", json={"email": email, "password": password})
    login.raise_for_status()
    client.headers["Authorization"] = f"Bearer {login.json()['token']}"
    return client


@dataclass
class Stack:
    settings: Settings
    sims: RunningCommunity
    clock: SimClock
    http: httpx.AsyncClient
    token: str

    @property
    def ws_url(self) -> str:
        return f"ws://{self.settings.http_host}:{self.settings.http_port}/ws"

    @property
    def ws_headers(self) -> dict[str, str]:
        return {"Cookie": f"powershare_session={self.token}"}  # tokens never go in URLs (#12)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.http_host}:{self.settings.http_port}"


def one_home_scenario() -> dict[str, object]:
    return {
        "community": {"name": "e2e", "seed": 3, "clock": "stepped", "start": NOON, "cloud_cover": 0.0},
        "home": [
            {
                "id": SITE,
                "lat": 51.33,
                "lon": 9.17,
                "pv": {"kwp": 6.0, "variant": "three_phase"},
                "battery": {"capacity_kwh": 10.0, "max_charge_kw": 4, "max_discharge_kw": 4},
                "meter": {"variant": "three_phase", "unit_id": 240},
            }
        ],
    }


@asynccontextmanager
async def running_stack(
    tmp_path: Path, community: str, database_url: str, broker: BrokerAddress | None = None
) -> AsyncIterator[Stack]:
    """Hub (embedded broker when ``broker`` is None), one simulated home and its agent."""
    mqtt_port = broker.port if broker else free_port()
    settings = Settings(
        database_url=database_url,
        mqtt_url=broker.url if broker else None,
        mqtt_port=mqtt_port,
        http_port=free_port(),
        mqtt_client_id=f"hub-{uuid.uuid4().hex[:10]}",
        mqtt_community=community,
    )
    clock = SimClock.stepped(NOON)
    mqtt_url = broker.url if broker else f"mqtt://127.0.0.1:{mqtt_port}"
    async with (
        running_hub(settings),
        run_community(parse(one_home_scenario()), clock=clock, free_ports=True) as sims,
    ):
        passwords = await seed_community(settings.database_url, community, sims.homes)
        home = sims.homes[0]
        agent = agent_config(
            home, community, mqtt_url, tmp_path, poll_interval_s=0.5, mqtt_password=passwords[home.id]
        )
        base = f"http://{settings.http_host}:{settings.http_port}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            login = await http.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": DEMO_PASSWORD})
            login.raise_for_status()
            token = login.json()["token"]
            agent_task = asyncio.create_task(run_agent(agent), name="agent")
            try:
                yield Stack(settings, sims, clock, http, token)
            finally:
                agent_task.cancel()
                await asyncio.gather(agent_task, return_exceptions=True)


# A market of two homes on one shared clock: a neighbour's sunny roof, and a home waiting for
# the resident who signs up in the browser (its owner is assigned once they have an account).
NEIGHBOUR_SITE, NEW_HOME = "e2e-sun", "e2e-new-home"
ADMIN, NEIGHBOUR = "admin@example.org", "sun@example.org"
MARKET_PASSWORD = "correct-horse-battery"


def market_scenario(buyer: str = NEW_HOME) -> dict[str, object]:
    """An 8 kWp roof beside a home that uses far more than it makes, both metered at noon."""
    return {
        "community": {"name": "e2e", "seed": 11, "clock": "stepped", "start": NOON, "cloud_cover": 0.0},
        "home": [
            {
                "id": NEIGHBOUR_SITE,
                "lat": 51.330,
                "lon": 9.170,
                "load_kwh_per_year": 2000,
                "pv": {"kwp": 8.0, "variant": "three_phase"},
                "meter": {"variant": "three_phase", "unit_id": 240},
            },
            {
                "id": buyer,
                "lat": 51.331,
                "lon": 9.171,
                "load_kwh_per_year": 20000,
                "meter": {"variant": "three_phase"},
            },
        ],
    }


@dataclass
class MarketStack:
    settings: Settings
    clock: SimClock
    community: str
    admin: httpx.AsyncClient
    neighbour: httpx.AsyncClient

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.http_host}:{self.settings.http_port}"


@asynccontextmanager
async def running_market(tmp_path: Path, community: str, database_url: str) -> AsyncIterator[MarketStack]:
    """Hub, sims and agents on one stepped clock, so walking it moves gates, meters and settlement."""
    settings = embedded_hub_settings(database_url, community)
    clock = SimClock.stepped(NOON)
    async with (
        running_hub(settings, clock=clock),
        run_community(parse(market_scenario()), clock=clock, free_ports=True) as sims,
    ):
        engine = create_engine(database_url)
        passwords: dict[str, str] = {}
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                await ensure_community(session, community)
                await ensure_user(session, ADMIN, MARKET_PASSWORD, "admin", community)
                await ensure_user(session, NEIGHBOUR, MARKET_PASSWORD, "resident", community)
                for site, owner, kind in (
                    (NEIGHBOUR_SITE, NEIGHBOUR, "provider"),
                    (NEW_HOME, None, "consumer"),
                ):
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
                    passwords[site] = issue_mqtt_password(row)
                await session.commit()
        finally:
            await engine.dispose()
        url = f"mqtt://127.0.0.1:{settings.mqtt_port}"
        agents = [
            asyncio.create_task(
                run_agent(
                    agent_config(sims.home(site), community, url, tmp_path, 0.2, passwords[site]), clock
                ),
                name=f"agent-{site}",
            )
            for site in (NEIGHBOUR_SITE, NEW_HOME)
        ]
        base = f"http://{settings.http_host}:{settings.http_port}"
        try:
            async with AsyncExitStack() as clients:
                admin = await signed_in(clients, base, ADMIN, MARKET_PASSWORD)
                neighbour = await signed_in(clients, base, NEIGHBOUR, MARKET_PASSWORD)
                yield MarketStack(settings, clock, community, admin, neighbour)
        finally:
            for agent in agents:
                agent.cancel()
            await asyncio.gather(*agents, return_exceptions=True)


async def walk(clock: SimClock, until: datetime, step_s: float = 45) -> None:
    """Let simulated time pass the way the agents can follow it: a step, then a moment to poll."""
    while clock.now() < until:
        clock.advance(min(step_s, (until - clock.now()).total_seconds()))
        await asyncio.sleep(0.25)
