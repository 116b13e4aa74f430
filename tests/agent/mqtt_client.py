"""A test MQTT client whose disconnect cannot hang a test.

aiomqtt's ``__aexit__`` waits without limit for the broker to confirm the disconnect; when the
connection is already half-dead that wait can last until the test times out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiomqtt

DISCONNECT_TIMEOUT_S = 5.0


@asynccontextmanager
async def mqtt_client(host: str, port: int) -> AsyncIterator[aiomqtt.Client]:
    client = aiomqtt.Client(host, port)
    await client.__aenter__()
    try:
        yield client
    finally:
        with contextlib.suppress(TimeoutError, aiomqtt.MqttError):
            async with asyncio.timeout(DISCONNECT_TIMEOUT_S):
                await client.__aexit__(None, None, None)
