"""A reading travels register → agent → broker → hub → database → /ws, on both stacks."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import websockets
from sqlalchemy import text

from hub.db.engine import create_engine
from tests.conftest import BrokerAddress
from tests.e2e.stack import SITE, Stack, running_stack


async def next_site_reading(socket: websockets.ClientConnection, within: float = 15.0) -> dict[str, Any]:
    async with asyncio.timeout(within):
        while True:
            event = json.loads(await socket.recv())
            if event.get("type") != "reading" or event.get("site") != SITE:
                continue
            # until the agent has found every device, the sums they feed are unknown (null)
            if event["reading"]["values"]["pv_w"]["value"] is not None:
                return event["reading"]  # type: ignore[no-any-return]


async def assert_live_values_follow_the_device(stack: Stack) -> None:
    inverter = stack.sims.home(SITE).device("inverter")
    async with websockets.connect(stack.ws_url, additional_headers=stack.ws_headers) as socket:
        reading = await next_site_reading(socket)
        assert reading["device"] == "site"
        assert {"pv_w", "load_w", "grid_w", "battery_w", "soc_pct"} <= reading["values"].keys()
        # the sim's clock is stepped, so the device holds still until we move the sun
        assert reading["values"]["pv_w"]["value"] == pytest.approx(inverter.state.w, abs=1.0)

        before = inverter.state.w
        stack.clock.advance(4 * 3600)  # 11:00 → 15:00 UTC: the sun has moved west and lower
        after = inverter.state.w
        assert abs(after - before) > 50
        while abs(reading["values"]["pv_w"]["value"] - after) > 1.0:
            reading = await next_site_reading(socket)


async def assert_each_reading_stored_once(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            count, distinct, low, high = (
                await conn.execute(
                    text(
                        "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM readings WHERE site_id = :s"
                    ),
                    {"s": SITE},
                )
            ).one()
    finally:
        await engine.dispose()
    assert count > 0
    assert count == distinct
    assert high - low + 1 == count  # no gaps: nothing was lost on the way


async def test_embedded_defaults_sqlite_and_amqtt(tmp_path: Path, community: str, sqlite_url: str) -> None:
    async with running_stack(tmp_path, community, sqlite_url) as stack:
        await assert_live_values_follow_the_device(stack)
        sites = (
            await stack.http.get("/api/sites", headers={"Authorization": f"Bearer {stack.token}"})
        ).json()
        assert [s["site"] for s in sites if s["reading"]] == [SITE]
    await assert_each_reading_stored_once(sqlite_url)


@pytest.mark.postgres
@pytest.mark.mosquitto
async def test_production_parts_postgresql_and_mosquitto(
    tmp_path: Path, community: str, pg_url: str, mosquitto: BrokerAddress
) -> None:
    async with running_stack(tmp_path, community, pg_url, broker=mosquitto) as stack:
        await assert_live_values_follow_the_device(stack)
        health = (await stack.http.get("/api/health")).json()
        assert health["mqtt"]["broker"] == f"mqtt://{mosquitto.host}:{mosquitto.port}"
        assert health["database"] == "postgresql"
    await assert_each_reading_stored_once(pg_url)
