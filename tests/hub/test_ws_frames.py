"""Every frame /ws sends is a ``WsEvent``, written as the model writes it: the schema the
dashboard's types come from (``make schemas``) is the one its socket speaks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import websockets
from sqlalchemy import select

from hub.api.schemas.events import WS_EVENT, Hello, MarketResultEvent, StatusEvent, Subscribed, WsError
from hub.api.schemas.market import IntervalResult
from hub.db.models import Mechanism, Transaction, TransactionStatus
from hub.events import Event, community_channel, site_channel, view_event
from hub.market.lifecycle import advance
from powershare_wire import Kind, Status
from powershare_wire import topics as wire_topics
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_raw, publish_telemetry, session_cookie, site_reading
from tests.hub.conftest import HubFactory, RunningHub
from tests.hub.test_market import clear, homes, next_interval, offer, request

BUS_TYPES = {"reading", "status", "stats", "notification", "request", "offer", "transaction", "market_result"}
REPLY_TYPES = {"hello", "subscribed", "error"}


def test_a_view_event_is_written_as_its_model_writes_it() -> None:
    """The fast path (a cached head, then the view) gives the model's own JSON, whatever the name."""
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    result = IntervalResult(
        community="île-nord",
        start=now,
        end=now,
        mechanism=Mechanism.PAY_AS_CLEAR,
        price=Decimal("0.1500"),
        volume_wh=1200,
        trades=1,
        requests=1,
        offers=2,
        requested_wh=1500,
        offered_wh=1200,
        grid_import_wh=300,
        grid_export_wh=0,
        community_share=0.8,
        cleared_at=now,
    )
    for _ in range(2):  # the second from the cached head
        event = view_event(MarketResultEvent, "île-nord", ["market:île-nord"], result)
        assert event.text == MarketResultEvent(community="île-nord", result=result).model_dump_json()
        assert (event.type, event.community, event.site) == ("market_result", "île-nord", None)


def test_a_model_event_goes_to_its_site_and_community_unless_told_otherwise() -> None:
    status = StatusEvent(community="north", site="home-1", online=False, ts=datetime.now(UTC))
    assert Event.of(status).channels == (site_channel("home-1"), community_channel("north"))
    assert Event.of(status, ["user:1"]).channels == ("user:1",)
    assert WS_EVENT.validate_json(Event.of(status).text) == status


async def collect(socket: websockets.ClientConnection, into: list[str]) -> None:
    async for frame in socket:
        assert isinstance(frame, str)
        into.append(frame)


def types_of(frames: list[str]) -> set[str]:
    return {json.loads(frame)["type"] for frame in frames}


async def until_seen(frames: list[str], wanted: set[str]) -> None:
    async def seen() -> set[str]:
        return types_of(frames)

    await eventually(seen, lambda types: wanted <= types, what=f"frames of every type in {sorted(wanted)}")


def assert_each_is_a_ws_event(frames: list[str]) -> None:
    for frame in frames:
        event = WS_EVENT.validate_json(frame)
        # Replies leave out what they lack; bus events send every field, null or not.
        reply = isinstance(event, Hello | Subscribed | WsError)
        assert event.model_dump_json(exclude_none=reply) == frame


async def with_socket(
    url: str, token: str, frames: list[str], act: Callable[[websockets.ClientConnection], Awaitable[Any]]
) -> None:
    async with websockets.connect(url, additional_headers=session_cookie(token)) as socket:
        listener = asyncio.create_task(collect(socket, frames))
        try:
            await act(socket)
        finally:
            listener.cancel()


async def market_day(hub: RunningHub, community: str, broker: BrokerAddress) -> None:
    """Readings and a status from three homes, an offer and a request, their clearing, the
    trade under way: every kind of bus event."""
    consumer, near, _far = await homes(hub, community)
    for site in ("home-c", "home-near", "home-far"):
        await publish_telemetry(broker.host, broker.port, community, site, [site_reading(1)])
    status = Status(site="home-far", online=True, ts=datetime.now(UTC))
    topic = wire_topics.topic(community, "home-far", Kind.STATUS)
    await publish_raw(broker.host, broker.port, topic, [status.model_dump_json().encode()])
    start = next_interval(hub)
    await offer(near, "home-near", 1000, "0.1000", start)
    await request(consumer, 1000, "0.2000", start)
    await clear(hub, community, start)
    async with hub.state["sessions"]() as session:
        [trade] = (await session.scalars(select(Transaction))).all()
        outbox = await advance(session, trade, TransactionStatus.DELIVERING, hub.state["clock"].now())
        await session.commit()
    outbox.publish(hub.state["bus"])


async def test_every_frame_the_hub_sends_is_a_ws_event(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, stats_interval_s=0.2) as hub:
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["mqtt"]["connected"])
        await hub.admin()
        admin_frames: list[str] = []

        async def watch_the_day(_socket: websockets.ClientConnection) -> None:
            await market_day(hub, community, amqtt_broker)
            await until_seen(admin_frames, BUS_TYPES | {"hello"})

        # An admin's socket gets every event of the bus.
        await with_socket(hub.ws_url, await hub.token("admin@example.org"), admin_frames, watch_the_day)

        resident_frames: list[str] = []
        token = await hub.token("c@example.org")

        async def ask_wrongly(socket: websockets.ClientConnection) -> None:
            await socket.send(json.dumps({"subscribe": ["site:home-far", "market"]}))  # not hers
            await socket.send("hello?")
            await until_seen(resident_frames, REPLY_TYPES)
            signed_out = await hub.http.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
            assert signed_out.status_code == 204  # and her socket hears of it

            async def codes() -> set[str]:
                return {json.loads(f).get("error") for f in resident_frames}

            await eventually(codes, lambda seen: "signed_out" in seen, what="the signed_out error")

        await with_socket(hub.ws_url, token, resident_frames, ask_wrongly)

        refused: list[str] = []
        async with websockets.connect(f"{hub.ws_url}?token=nope") as socket:
            refused.append(str(await asyncio.wait_for(socket.recv(), 5)))
        async with websockets.connect(hub.ws_url) as socket:
            await socket.send(json.dumps({"token": "nope"}))
            refused.append(str(await asyncio.wait_for(socket.recv(), 5)))

    frames = admin_frames + resident_frames + refused
    assert types_of(frames) == BUS_TYPES | REPLY_TYPES
    assert {json.loads(f).get("error") for f in frames} >= {
        "forbidden",
        "bad_message",
        "signed_out",
        "token_in_url",
        "unauthenticated",
    }
    assert_each_is_a_ws_event(frames)
