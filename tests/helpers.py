"""Small helpers the test suites share (no fixtures here; see conftest.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import aiomqtt
from pydantic import BaseModel

from powershare_wire import Kind, Quantity, Reading, Telemetry, Unit
from powershare_wire import topics as wire_topics

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


async def eventually(
    probe: Callable[[], Awaitable[T]], check: Callable[[T], bool], within: float = 10.0, what: str = ""
) -> T:
    """Poll ``probe`` until ``check`` holds; fail with the last value seen."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or 'condition'}; last value: {value!r}")
        await asyncio.sleep(0.05)


async def next_message(client: aiomqtt.Client, kind: Kind, model: type[M], within: float = 10.0) -> M:
    """The next message ``client`` hears on a topic of ``kind``, as ``model``; others are skipped."""
    async with asyncio.timeout(within):
        async for message in client.messages:
            parts = wire_topics.parse(str(message.topic))
            if parts is not None and parts.kind is kind and isinstance(message.payload, bytes):
                return model.model_validate_json(message.payload)
    raise AssertionError(f"the client's connection ended before a {kind.value} message")


def site_reading(seq: int, pv_w: float = 1000.0, ts: datetime | None = None, device: str = "site") -> Reading:
    return Reading(
        seq=seq,
        ts=ts or datetime.now(UTC),
        device=device,
        values={"pv_w": Quantity(value=pv_w, unit=Unit.W), "grid_w": Quantity(value=-pv_w / 2, unit=Unit.W)},
    )


async def publish_telemetry(
    host: str, port: int, community: str, site: str, readings: list[Reading], batch: int = 1
) -> None:
    topic = wire_topics.topic(community, site, Kind.TELEMETRY)
    async with aiomqtt.Client(host, port) as client:
        for start in range(0, len(readings), batch):
            message = Telemetry(site=site, readings=readings[start : start + batch])
            await client.publish(topic, message.model_dump_json().encode(), qos=1)


async def publish_raw(host: str, port: int, topic: str, payloads: list[bytes]) -> None:
    async with aiomqtt.Client(host, port) as client:
        for payload in payloads:
            await client.publish(topic, payload, qos=1)


def session_cookie(token: str) -> dict[str, str]:
    """Headers that sign a /ws client in with its session cookie (tokens never go in URLs, #12)."""
    return {"Cookie": f"powershare_session={token}"}
