"""What the app's lifespan owns, typed, and the request dependencies that reach it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, TypedDict, cast

from fastapi import Depends, Request, WebSocket
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.core.config import Settings
from hub.events import EventBus
from hub.ingest.pipeline import Ingest
from hub.market.coordinator import MarketCoordinator
from hub.market.delivery import DeliveryCoordinator
from hub.market.settler import SettlementCoordinator
from hub.metrics import HubMetrics
from hub.mqtt.session import MqttLink
from powershare_wire.clock import Clock


class HubState(TypedDict):
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    bus: EventBus
    ingest: Ingest
    mqtt: MqttLink
    metrics: HubMetrics
    clock: Clock  # wall clock in production; the demo's shared clock in the demo
    market: MarketCoordinator
    delivery: DeliveryCoordinator  # trades start delivering; batteries dispatched
    settlement: SettlementCoordinator  # trades checked against the meters; the ledger


def hub_state(request: Request) -> HubState:
    return cast(HubState, request.state._state)


def socket_state(websocket: WebSocket) -> HubState:
    return cast(HubState, websocket.state._state)


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with hub_state(request)["sessions"]() as session:
        yield session


StateDep = Annotated[HubState, Depends(hub_state)]
SessionDep = Annotated[AsyncSession, Depends(db_session)]
