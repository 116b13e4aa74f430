"""Run the hub's HTTP server in the current event loop (for the CLI, the demo and tests).

The hub lives in ``clock``'s time: the wall clock unless the demo hands over its shared clock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import uvicorn

from hub.api.app import create_app
from hub.core.config import Settings
from powershare_wire.clock import WALL_CLOCK, Clock


class HubStartError(RuntimeError):
    pass


class EmbeddedServer(uvicorn.Server):
    """A server that leaves signals to the program embedding it (the demo stops its agents first)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def uvicorn_server(settings: Settings, log_level: str = "info", clock: Clock = WALL_CLOCK) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(settings, clock),
        host=settings.http_host,
        port=settings.http_port,
        log_level=log_level,
        ws="websockets-sansio",
        # Events are small JSON; compressing each one per client costs more CPU than the
        # bandwidth it saves, and fan-out to thousands of clients is CPU-bound.
        ws_per_message_deflate=False,
        lifespan="on",
        log_config=None,  # keep the program's own logging setup
    )
    return uvicorn.Server(config)


@asynccontextmanager
async def running_hub(
    settings: Settings, log_level: str = "warning", clock: Clock = WALL_CLOCK
) -> AsyncIterator[uvicorn.Server]:
    """Serve the hub until the block exits; raises HubStartError if it cannot start."""
    server = EmbeddedServer(uvicorn_server(settings, log_level, clock).config)
    task = asyncio.create_task(server.serve(), name="hub-http")
    while not server.started:
        if task.done():
            with contextlib.suppress(SystemExit):  # uvicorn exits the process when startup fails
                await task
            raise HubStartError("the hub did not start; see the log above for the reason")
        await asyncio.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        await task
