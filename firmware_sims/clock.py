"""Simulated time: real, accelerated (e.g. 60x for demos) or stepped by tests.

A :class:`SimClock` is a :class:`powershare_wire.clock.Clock`, so the demo can hand the one
clock its devices live in to the hub and the agents as well.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from enum import StrEnum


class ClockMode(StrEnum):
    REAL = "real"
    ACCELERATED = "accelerated"
    STEPPED = "stepped"


class SimClock:
    """The time every simulated device and home lives in.

    ``real`` follows the wall clock; ``accelerated`` starts at ``start`` (default: now) and
    runs ``speed`` times faster; ``stepped`` stands still until :meth:`advance` is called.

    ``speed`` is clock seconds per wall second. A stepped clock reports 1.0: it has no speed
    of its own, and 1.0 lets :func:`powershare_wire.clock.sleep_until` wait in steps of at
    most ``RECHECK_S`` wall seconds and so notice an :meth:`advance`. (A larger nominal
    speed would make such sleepers spin in ever shorter sleeps on a clock that never moves.)
    """

    def __init__(
        self, mode: ClockMode | str = ClockMode.REAL, *, speed: float = 1.0, start: datetime | None = None
    ) -> None:
        self.mode = ClockMode(mode)
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        if start is not None and start.tzinfo is None:
            raise ValueError("start must be timezone-aware (UTC)")
        if self.mode is ClockMode.STEPPED and speed != 1.0:
            raise ValueError(f"a stepped clock moves only by advance(); it takes no speed, got {speed}")
        self._speed = float(speed) if self.mode is ClockMode.ACCELERATED else 1.0
        self._start = (start or datetime.now(UTC)).timestamp()
        self._mono_start = time.monotonic()
        self._stepped = self._start

    @property
    def speed(self) -> float:
        """Clock seconds per wall second (1.0 for real and stepped clocks)."""
        return self._speed

    @classmethod
    def real(cls) -> SimClock:
        return cls(ClockMode.REAL)

    @classmethod
    def accelerated(cls, speed: float, start: datetime | None = None) -> SimClock:
        return cls(ClockMode.ACCELERATED, speed=speed, start=start)

    @classmethod
    def stepped(cls, start: datetime | None = None) -> SimClock:
        return cls(ClockMode.STEPPED, start=start)

    def timestamp(self) -> float:
        """Simulated POSIX time in seconds (cheaper than :meth:`now`)."""
        if self.mode is ClockMode.REAL:
            return time.time()
        if self.mode is ClockMode.ACCELERATED:
            return self._start + (time.monotonic() - self._mono_start) * self.speed
        return self._stepped

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def advance(self, seconds: float) -> datetime:
        """Move a stepped clock forward; other clocks move on their own."""
        if self.mode is not ClockMode.STEPPED:
            raise RuntimeError(f"advance() needs a stepped clock, this one is {self.mode.value}")
        if seconds < 0:
            raise ValueError(f"time only moves forward, got {seconds} s")
        self._stepped += seconds
        return self.now()

    def sim_seconds(self, real_seconds: float) -> float:
        """How long ``real_seconds`` of wall time last in simulated time."""
        return real_seconds * self.speed
