"""Liveness: exit a stalled process so systemd restarts it; feed systemd's watchdog if present.

sd_notify is a datagram to the socket named by ``NOTIFY_SOCKET`` ("@" = abstract namespace),
a few lines that spare a dependency.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time

log = logging.getLogger(__name__)


def sd_notify(message: str) -> bool:
    """Send ``message`` (e.g. ``READY=1``) to systemd; ``False`` when not run by systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as exc:
        log.warning("sd_notify failed: %s", exc)
        return False
    return True


class Watchdog:
    """The poll loop calls :meth:`beat`; :meth:`run` exits the process if beats stop
    (``timeout_s = 0``: never exit, only feed systemd)."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._last = time.monotonic()

    def beat(self) -> None:
        self._last = time.monotonic()

    @property
    def stalled_for(self) -> float:
        return time.monotonic() - self._last

    async def run(self) -> None:
        sd_notify("READY=1")
        interval = min(self.timeout_s / 4, 10.0) if self.timeout_s else 10.0
        while True:
            slept_from = time.monotonic()
            await asyncio.sleep(interval)
            if time.monotonic() - slept_from > 2 * interval:
                # The whole event loop was blocked (we woke late too): the poll loop had no chance
                # to beat. Give it one; a loop that stays frozen is systemd's WatchdogSec's job.
                self.beat()
                continue
            if self.timeout_s and self.stalled_for > self.timeout_s:
                log.critical(
                    "poll loop stalled for %.0f s; exiting so the service manager restarts us",
                    self.stalled_for,
                )
                # os._exit: a stalled loop may never run cleanup, and systemd restarts us anyway.
                os._exit(70)
            sd_notify("WATCHDOG=1")
