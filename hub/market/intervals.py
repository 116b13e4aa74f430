"""Settlement intervals: aligned to the epoch in UTC, of a community's length. Pure functions."""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.energy.intervals import EPOCH


def floor_to(ts: datetime, length: timedelta) -> datetime:
    """The start of the interval holding ``ts``."""
    return EPOCH + ((ts - EPOCH) // length) * length


def ceil_to(ts: datetime, length: timedelta) -> datetime:
    start = floor_to(ts, length)
    return start if start == ts else start + length


def starts_between(start: datetime, end: datetime, length: timedelta) -> list[datetime]:
    """Starts of the intervals in [start, end), both aligned."""
    count = (end - start) // length
    return [start + i * length for i in range(count)]


def open_interval(now: datetime, length: timedelta, gate_lead: timedelta) -> datetime:
    """The first interval whose gate (its start less the lead) has not closed at ``now``."""
    start = ceil_to(now + gate_lead, length)
    return start if start - gate_lead > now else start + length


def closed_not_ended(now: datetime, length: timedelta, gate_lead: timedelta) -> list[datetime]:
    """Starts of the intervals whose gate has closed at ``now`` but which have not ended:
    the one under way and any waiting to start, oldest first."""
    return starts_between(floor_to(now, length), open_interval(now, length, gate_lead), length)


def share_wh(energy_wh: int, intervals: int, index: int) -> int:
    """A request's energy spread evenly over its intervals; the first ones take the remainder."""
    base, remainder = divmod(energy_wh, intervals)
    return base + (1 if index < remainder else 0)
