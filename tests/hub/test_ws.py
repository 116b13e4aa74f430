"""/ws pushes each new site snapshot to connected browsers."""

from __future__ import annotations

import asyncio
import json

import websockets

from tests.conftest import BrokerAddress
from tests.helpers import eventually, publish_telemetry, site_reading
from tests.hub.conftest import HubFactory


async def test_ws_pushes_each_new_reading_once(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["mqtt"]["connected"])
        ws_url = hub.base_url.replace("http://", "ws://") + "/ws"
        async with websockets.connect(ws_url) as socket:
            await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["ws_clients"] == 1)
            first = site_reading(1, pv_w=111.0)
            await publish_telemetry(amqtt_broker.host, amqtt_broker.port, community, "home-ws", [first])
            event = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert event["type"] == "reading"
            assert (event["community"], event["site"]) == (community, "home-ws")
            assert event["reading"]["values"]["pv_w"]["value"] == 111.0

            # the duplicate is not pushed again; the next new reading is
            second = site_reading(2, pv_w=222.0)
            await publish_telemetry(
                amqtt_broker.host, amqtt_broker.port, community, "home-ws", [first, second]
            )
            event = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert event["reading"]["seq"] == 2
        await eventually(lambda: hub.http.get("/api/health"), lambda r: r.json()["ws_clients"] == 0)
