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

from edge_agent.app import run_agent
from firmware_sims.clock import SimClock
from firmware_sims.community import RunningCommunity, run_community
from firmware_sims.scenario import parse
from hub.core.config import Settings
from hub.server import running_hub
from powershare_demo import agent_config
from powershare_demo.seeding import ADMIN_EMAIL, DEMO_PASSWORD, seed_community
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
