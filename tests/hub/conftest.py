from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar, cast

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.api.state import HubState
from hub.core.config import Settings
from hub.db.engine import create_engine
from hub.db.models import UserRole
from hub.seed import ensure_site, ensure_user
from hub.server import running_hub
from powershare_wire.clock import WALL_CLOCK, Clock
from tests.conftest import BrokerAddress, free_port

T = TypeVar("T")

PASSWORD = "correct-horse-battery"
ADMIN_EMAIL = "admin@example.org"


@dataclass
class RunningHub:
    settings: Settings
    http: httpx.AsyncClient
    stack: AsyncExitStack
    state: HubState
    _clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.http_host}:{self.settings.http_port}"

    async def seed(self, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run a seeding function on the hub's database through a connection of our own."""
        engine = create_engine(self.settings.database_url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                result = await action(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    async def token(self, email: str, password: str = PASSWORD) -> str:
        response = await self.http.post("/api/auth/login", json={"email": email, "password": password})
        response.raise_for_status()
        return str(response.json()["token"])

    async def client_for(self, email: str, password: str = PASSWORD) -> httpx.AsyncClient:
        """An HTTP client signed in (bearer token) as this user; cached per user."""
        if email not in self._clients:
            token = await self.token(email, password)
            client = httpx.AsyncClient(
                base_url=self.base_url, timeout=10, headers={"Authorization": f"Bearer {token}"}
            )
            self._clients[email] = await self.stack.enter_async_context(client)
        return self._clients[email]

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/ws"

    async def resident(
        self,
        email: str,
        site: str,
        community: str,
        kind: str = "hybrid",
        location: tuple[float, float] = (48.137154, 11.576124),
    ) -> httpx.AsyncClient:
        """A resident owning ``site`` (seeded), signed in."""
        await self.seed(lambda s: ensure_user(s, email, PASSWORD, UserRole.RESIDENT, community))
        await self.seed(lambda s: ensure_site(s, site, community, email, kind, *location))
        return await self.client_for(email)

    async def admin(self) -> httpx.AsyncClient:
        await self.seed(lambda s: ensure_user(s, ADMIN_EMAIL, PASSWORD, UserRole.ADMIN))
        return await self.client_for(ADMIN_EMAIL)


HubFactory = Callable[..., AbstractAsyncContextManager[RunningHub]]


@pytest.fixture
def start_hub(community: str) -> HubFactory:
    """Start a hub on a free HTTP port against a broker and a database, for one community
    (on the wall clock unless given another ``clock``)."""

    @asynccontextmanager
    async def start(
        broker: BrokerAddress, database_url: str, clock: Clock = WALL_CLOCK, **overrides: object
    ) -> AsyncIterator[RunningHub]:
        settings = Settings(
            database_url=database_url,
            mqtt_url=broker.url,
            http_port=free_port(),
            mqtt_community=community,
            **{"mqtt_client_id": f"hub-{uuid.uuid4().hex[:10]}", **overrides},  # type: ignore[arg-type]
        )
        async with running_hub(settings, clock=clock) as server, AsyncExitStack() as stack:
            base = f"http://{settings.http_host}:{settings.http_port}"
            http = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=10))
            state = cast(HubState, server.lifespan.state)  # the hub runs in this process
            await _subscribed(state)
            yield RunningHub(settings, http, stack, state)

    return start


async def _subscribed(state: HubState, within_s: float = 10) -> None:
    """Wait until the hub hears its telemetry topics: a test's first readings, published at
    once and not retained, would otherwise reach a broker with no subscriber yet. A test whose
    broker is away on purpose goes on after ``within_s``."""
    for _ in range(int(within_s / 0.02)):
        if state["mqtt"].connected:
            return
        await asyncio.sleep(0.02)
