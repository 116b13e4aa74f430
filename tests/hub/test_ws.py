"""/ws: signed-in clients get their own sites' readings; subscriptions are checked; slow ones drop."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import websockets

from hub.api import ws as ws_module
from hub.events import Event, site_channel
from powershare_wire import Reading
from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry, session_cookie, site_reading
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
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
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
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
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


async def test_no_event_of_a_requested_channel_comes_before_the_reply_that_subscribed_it(
    amqtt_broker: BrokerAddress,
    sqlite_url: str,
    start_hub: HubFactory,
    community: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client reads events of a channel only after "subscribed" names it: a reading of its
    own site published while a later channel of the same request is being checked is not sent
    ahead of the reply."""
    checking = ws_module._forbidden
    published = asyncio.Event()

    async def check_and_meanwhile_publish(state: Any, viewer: Any, channel: str) -> str | None:
        if channel == "site:home-f":  # the second channel: home-e is allowed by now
            bus = state["bus"]
            bus.publish(Event.build("reading", community, "home-e", channels=[site_channel("home-e")], n=1))
            published.set()
        return await checking(state, viewer, channel)

    monkeypatch.setattr(ws_module, "_forbidden", check_and_meanwhile_publish)
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.resident("ed@example.org", "home-e", community)
        await hub.resident("fi@example.org", "home-f", community)
        token = await hub.token("ed@example.org")
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
            await next_of(socket, "hello")
            await socket.send(json.dumps({"unsubscribe": ["site:home-e"]}))
            assert "site:home-e" not in (await next_of(socket, "subscribed"))["channels"]
            await socket.send(json.dumps({"subscribe": ["site:home-e", "site:home-f"]}))
            frames: list[dict[str, Any]] = []
            while not frames or frames[-1]["type"] != "subscribed":
                frames.append(json.loads(await asyncio.wait_for(socket.recv(), 10)))
            assert published.is_set()
            assert [f["type"] for f in frames if f["type"] != "community_stats"] == ["error", "subscribed"]
            assert "site:home-e" in frames[-1]["channels"]


async def stalled_client(host: str, port: int, token: str) -> asyncio.StreamWriter:
    """A websocket client that completes the handshake, then never reads again.

    A small fixed receive buffer (which also turns off the kernel's autotuning) makes the
    hub's socket fill up after a few megabytes at most.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (host, port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=8192)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: powershare_session={token}\r\n"
            "Upgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    assert (await reader.readline()).startswith(b"HTTP/1.1 101")
    return writer


async def test_a_stalled_client_drops_its_oldest_events_and_never_slows_the_others(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    buffer = 200
    async with start_hub(amqtt_broker, sqlite_url, ws_buffer=buffer) as hub:
        admin = await hub.admin()
        token = await hub.token("admin@example.org")
        url, cookie = hub.ws_url, session_cookie(token)
        stalled = await stalled_client(hub.settings.http_host, hub.settings.http_port, token)
        async with (
            websockets.connect(url, additional_headers=cookie) as fast_1,
            websockets.connect(url, additional_headers=cookie) as fast_2,
        ):
            for socket in (fast_1, fast_2):
                await next_of(socket, "hello")
            await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["ws_clients"] == 3)
            bus = hub.state["bus"]
            padding = "x" * 8000  # big events fill the stalled socket's TCP buffers quickly
            total, burst = 1500, 50  # bursts smaller than the buffer: a client that keeps up loses nothing
            for n in range(total):
                event = Event.build(
                    "reading", community, "home-x", channels=[site_channel("home-x")], n=n, pad=padding
                )
                bus.publish(event)
                if n % burst == burst - 1:
                    for fast in (fast_1, fast_2):  # the fast clients read everything, in order
                        for expected in range(n - burst + 1, n + 1):
                            assert (await next_of(fast, "reading"))["n"] == expected
            backlogs = sorted(bus.backlogs())
            assert backlogs[:2] == [(0, 0), (0, 0)]  # the fast clients: nothing waiting, nothing lost
            pending, dropped = backlogs[2]
            assert pending <= buffer  # the stalled client's memory stays bounded …
            assert dropped > 0  # … by dropping its oldest events
            metrics = (await admin.get("/metrics")).text
            assert "powershare_ws_clients 3.0" in metrics
            assert f"powershare_ws_dropped_events {float(dropped)}" in metrics
        stalled.close()


async def test_members_get_live_community_stats_without_anyones_details(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    """Totals only once three homes report: two would give each the other's figures (#12)."""
    async with start_hub(amqtt_broker, sqlite_url, stats_interval_s=0.2) as hub:
        await connected(hub)
        for name in ("eve", "fay", "gus"):
            await hub.resident(f"{name}@example.org", f"home-{name[0]}", community)
        token = await hub.token("eve@example.org")
        live = hub.state["ingest"].live
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
            await next_of(socket, "hello")
            for site, pv_w in (("home-e", 1000.0), ("home-f", 3000.0)):
                await publish_telemetry(
                    amqtt_broker.host, amqtt_broker.port, community, site, [site_reading(1, pv_w)]
                )

            async def reporting() -> int:
                return int(live.figures(community)["sites"] or 0)

            await eventually(reporting, lambda n: n == 2, what="two homes in the live figures")
            await publish_telemetry(
                amqtt_broker.host, amqtt_broker.port, community, "home-g", [site_reading(1, 2000.0)]
            )
            stats = await next_of(socket, "stats")  # none was sent while two homes reported
            assert stats["live"]["sites"] == 3
            assert stats["community"] == community
            assert stats["site"] is None
            assert stats["live"]["production_w"] == 6000.0
            assert stats["live"]["export_w"] == 3000.0  # site_reading exports half its PV


async def test_a_late_reading_is_stored_but_not_pushed_as_the_current_state(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await connected(hub)
        await hub.resident("gus@example.org", "home-g", community)
        token = await hub.token("gus@example.org")
        now = datetime.now(UTC)
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
            await next_of(socket, "hello")

            async def publish(readings: list[Reading]) -> None:
                await publish_telemetry(amqtt_broker.host, amqtt_broker.port, community, "home-g", readings)

            await publish([site_reading(5, pv_w=500.0, ts=now)])
            assert (await next_of(socket, "reading"))["reading"]["seq"] == 5
            await publish([site_reading(4, pv_w=0.0, ts=now - timedelta(minutes=10))])  # from the spool
            await publish([site_reading(6, pv_w=600.0, ts=now + timedelta(seconds=1))])
            assert (await next_of(socket, "reading"))["reading"]["seq"] == 6


async def test_replies_and_events_share_the_socket_without_mixing_frames(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    """While events stream to an admin, its subscribe requests are answered in whole frames."""
    events, requests = 600, 20
    async with start_hub(amqtt_broker, sqlite_url, ws_buffer=events) as hub:
        await hub.admin()
        token = await hub.token("admin@example.org")
        async with websockets.connect(hub.ws_url, additional_headers=session_cookie(token)) as socket:
            await next_of(socket, "hello")
            bus = hub.state["bus"]

            async def stream_events() -> None:
                for n in range(events):
                    bus.publish(
                        Event.build("reading", community, "home-z", channels=[site_channel("home-z")], n=n)
                    )
                    if n % 10 == 9:
                        await asyncio.sleep(0)  # let the socket's sender and reply handler run

            async def ask() -> None:
                for _ in range(requests):
                    await socket.send(json.dumps({"subscribe": [f"community:{community}"]}))
                    await asyncio.sleep(0)

            await asyncio.gather(stream_events(), ask())
            seen: list[int] = []
            replies = 0
            while len(seen) < events or replies < requests:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 10))  # each frame is whole JSON
                if frame["type"] == "reading":
                    seen.append(frame["n"])
                elif frame["type"] == "subscribed":
                    replies += 1
            assert seen == list(range(events))  # every event, in order, none lost to the replies
            assert replies == requests
