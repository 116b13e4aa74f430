"""The embedded MQTT broker (amqtt) for one-machine installs, demos and tests.

Production points the hub at Mosquitto or EMQX instead (``POWERSHARE_MQTT_URL``).
amqtt speaks MQTT 3.1.1 only and has no shared subscriptions; the hub needs neither.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

from amqtt.broker import Broker

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_S = 10.0


class PortInUseError(RuntimeError):
    """A listener could not bind because something else holds the port."""


class _SnapshotDict(dict[str, Any]):
    """A dict whose iteration walks a copy.

    amqtt 0.12 iterates its subscription table with awaits inside the loop (when a client
    connects, and on every broadcast); another client subscribing meanwhile raises
    "dictionary changed size during iteration" and drops the connecting client. Iterating a
    snapshot is what those loops need.
    """

    def __iter__(self) -> Iterator[str]:
        return iter(list(super().keys()))

    def items(self) -> Any:
        return list(super().items())


def broker_config(host: str, port: int) -> dict[str, object]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}", "max_connections": 10_000}},
        "plugins": {
            "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
        },
    }


@asynccontextmanager
async def embedded_broker(host: str = "127.0.0.1", port: int = 1883) -> AsyncIterator[Broker]:
    """Run an in-process broker on ``host:port`` for the duration of the block."""
    broker = Broker(broker_config(host, port))
    broker._subscriptions = _SnapshotDict()
    try:
        await broker.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(f"MQTT port {port} on {host} is already in use") from exc
        raise
    except Exception as exc:
        # amqtt wraps bind errors in its own exception types; look for the OS error beneath.
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE:
                raise PortInUseError(f"MQTT port {port} on {host} is already in use") from exc
            cause = cause.__cause__ or cause.__context__
        raise
    log.info("embedded MQTT broker listening on %s:%d", host, port)
    try:
        yield broker
    finally:
        # amqtt's shutdown waits on its clients' sessions; one that never ends must not keep
        # the hub (or the demo's Ctrl-C) from stopping.
        try:
            async with asyncio.timeout(SHUTDOWN_TIMEOUT_S):
                await broker.shutdown()
        except TimeoutError:
            log.warning("the embedded MQTT broker did not stop within %.0f s; leaving it", SHUTDOWN_TIMEOUT_S)
