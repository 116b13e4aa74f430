from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest

from hub.core.config import Settings
from hub.server import running_hub
from tests.conftest import BrokerAddress, free_port


@dataclass
class RunningHub:
    settings: Settings
    http: httpx.AsyncClient

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.http_host}:{self.settings.http_port}"


HubFactory = Callable[..., AbstractAsyncContextManager[RunningHub]]


@pytest.fixture
def start_hub(community: str) -> HubFactory:
    """Start a hub on a free HTTP port against a broker and a database, for one community."""

    @asynccontextmanager
    async def start(
        broker: BrokerAddress, database_url: str, **overrides: object
    ) -> AsyncIterator[RunningHub]:
        settings = Settings(
            database_url=database_url,
            mqtt_url=broker.url,
            http_port=free_port(),
            mqtt_client_id=f"hub-{uuid.uuid4().hex[:10]}",
            mqtt_community=community,
            **overrides,  # type: ignore[arg-type]
        )
        async with running_hub(settings):
            base = f"http://{settings.http_host}:{settings.http_port}"
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                yield RunningHub(settings, http)

    return start
