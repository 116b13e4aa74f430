"""The time a PowerShare system lives in: the wall clock, or one shared demo clock.

Readings are stamped, intervals cleared and times shown in this time. Production uses the
wall clock; the demo runs hub, agents and simulated devices on one accelerated clock (60×:
a 15-minute interval every 15 s). Any object with ``now()``, ``timestamp()`` and ``speed``
is a clock (the simulators' ``SimClock`` is one); ``speed`` is clock seconds per wall second.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol

# A stepped test clock may jump at any moment; sleepers look again at least this often.
RECHECK_S = 0.25


class Clock(Protocol):
    @property
    def speed(self) -> float: ...

    def now(self) -> datetime: ...

    def timestamp(self) -> float: ...


class WallClock:
    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)

    def timestamp(self) -> float:
        return time.time()


WALL_CLOCK = WallClock()


async def sleep_until(clock: Clock, when: datetime) -> None:
    """Sleep until ``clock`` reads ``when`` (wall seconds = clock seconds / speed)."""
    while True:
        left = when.timestamp() - clock.timestamp()
        if left <= 0:
            return
        await asyncio.sleep(min(left / clock.speed, RECHECK_S))
