"""/ws: signed-in clients get their own sites' readings; subscriptions are checked; slow ones drop."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import websockets

from hub.events import Event, site_channel
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry, site_reading
from tests.hub.conftest import HubFactory, RunningHub


async def next_of(socket: websockets.ClientConnection, type_: str, within: float = 10) -> dict[str, Any]:
    """The next event of this type (skipping others, e.g. community stats)."""
    deadline = time.monotonic() + within
    while True:
        event = json.loads(await asyncio.wait_for(socket.recv(), max(deadline - time.monotonic(), 0.01)))
        if event["type"] == type_:
            return event  # type: ignore[no-any-return]


async def connected(hub: RunningHub) -> None:
    await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["mqtt"]["connected"])


async def test_ws_pushes_each_new_reading_of_own_site_once(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await connected(hub)
        await hub.resident("ann@example.org", "home-ws", community)
        token = await hub.token("ann@example.org")
        async with websockets.connect(f"{hub.ws_url}?token={token}") as socket:
            hello = await next_of(socket, "hello")
            assert "site:home-ws" in hello["channels"]
            first = site_reading(1, pv_w=111.0)
            await publish_telemetry(amqtt_broker.host, amqtt_broker.port, community, "home-ws", [first])
            event = await next_of(socket, "reading")
            assert (event["community"], event["site"]) == (community, "home-ws")
            assert event["reading"]["values"]["pv_w"]["value"] == 111.0

            # the duplicate is not pushed again; the next new reading is
            second = site_reading(2, pv_w=222.0)
            await publish_telemetry(
                amqtt_broker.host, amqtt_broker.port, community, "home-ws", [first, second]
            )
            assert (await next_of(socket, "reading"))["reading"]["seq"] == 2
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["ws_clients"] == 0)


async def test_ws_refuses_anonymous_clients_and_accepts_cookie_or_first_message(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.resident("bo@example.org", "home-b", community)
        token = await hub.token("bo@example.org")
        async with websockets.connect(hub.ws_url) as socket:
            await socket.send(json.dumps({"hello": "there"}))
            error = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert error["error"] == "unauthenticated"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 5)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4401
        headers = {"Cookie": f"powershare_session={token}"}
        async with websockets.connect(hub.ws_url, additional_headers=headers) as socket:
            assert (await next_of(socket, "hello"))["user"]["email"] == "bo@example.org"
        async with websockets.connect(hub.ws_url) as socket:
            await socket.send(json.dumps({"token": token}))
            assert (await next_of(socket, "hello"))["user"]["email"] == "bo@example.org"


async def test_a_resident_may_not_subscribe_to_another_residents_site(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await connected(hub)
        await hub.resident("cy@example.org", "home-c", community)
        await hub.resident("di@example.org", "home-d", community)
        token = await hub.token("cy@example.org")
        async with websockets.connect(f"{hub.ws_url}?token={token}") as socket:
            await next_of(socket, "hello")
            await socket.send(json.dumps({"subscribe": ["site:home-d", "market", f"community:{community}"]}))
            error = await next_of(socket, "error")
            assert (error["error"], error["channel"]) == ("forbidden", "site:home-d")
            subscribed = await next_of(socket, "subscribed")
            assert "site:home-d" not in subscribed["channels"]
            assert f"market:{community}" in subscribed["channels"]

            # the neighbour's reading never arrives; one's own does
            await publish_telemetry(
                amqtt_broker.host, amqtt_broker.port, community, "home-d", [site_reading(1)]
            )
            await publish_telemetry(
                amqtt_broker.host, amqtt_broker.port, community, "home-c", [site_reading(1)]
            )
            assert (await next_of(socket, "reading"))["site"] == "home-c"


async def test_a_stalled_client_drops_its_oldest_events_and_never_slows_the_others(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url, ws_buffer=32) as hub:
        admin = await hub.admin()
        token = await hub.token("admin@example.org")
        url = f"{hub.ws_url}?token={token}"
        # max_queue=1 and a tiny read limit: the stalled client stops reading almost at once
        async with (
            websockets.connect(url, max_queue=1, max_size=2**20) as stalled,
            websockets.connect(url) as fast_1,
            websockets.connect(url) as fast_2,
        ):
            for socket in (stalled, fast_1, fast_2):
                await next_of(socket, "hello")
            bus = hub.state["bus"]
            padding = "x" * 2000  # big events fill the stalled socket's TCP buffers quickly
            total = 3000
            started = time.monotonic()
            for n in range(total):
                bus.publish(
                    Event.build(
                        "reading", community, "home-x", channels=[site_channel("home-x")], n=n, pad=padding
                    )
                )
                if n % 100 == 0:
                    await asyncio.sleep(0)  # let the senders run, as ingest does between batches
            for fast in (fast_1, fast_2):
                seen = 0
                while seen < total:
                    event = await next_of(fast, "reading", within=10)
                    seen = event["n"] + 1
            elapsed = time.monotonic() - started
            assert elapsed < 10
            assert bus.dropped > 0  # only the stalled client lost events
            # its buffer stayed bounded: at most ws_buffer events wait for it
            metrics = (await admin.get("/metrics")).text
            assert "powershare_ws_clients 3.0" in metrics
            dropped = next(
                line for line in metrics.splitlines() if line.startswith("powershare_ws_dropped_events ")
            )
            assert float(dropped.split()[1]) > 0
