"""History periods (15 min, hour, day, month, all UTC) and rolling intervals up into them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from hub.energy.intervals import INTERVAL, Energy


class Period(StrEnum):
    QUARTER_HOUR = "15min"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


DEFAULT_SPAN = {
    Period.QUARTER_HOUR: timedelta(days=1),
    Period.HOUR: timedelta(days=2),
    Period.DAY: timedelta(days=31),
    Period.MONTH: timedelta(days=366),
}
MAX_SPAN = {
    Period.QUARTER_HOUR: timedelta(days=31),
    Period.HOUR: timedelta(days=93),
    Period.DAY: timedelta(days=3 * 366),
    Period.MONTH: timedelta(days=20 * 366),
}


def bucket_start(ts: datetime, period: Period) -> datetime:
    ts = ts.astimezone(UTC)
    if period is Period.QUARTER_HOUR:
        return ts.replace(minute=ts.minute - ts.minute % 15, second=0, microsecond=0)
    if period is Period.HOUR:
        return ts.replace(minute=0, second=0, microsecond=0)
    if period is Period.DAY:
        return ts.replace(hour=0, minute=0, second=0, microsecond=0)
    return ts.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(slots=True)
class Bucket:
    start: datetime
    energy: Energy
    readings: int


def roll_up(intervals: Iterable[tuple[datetime, Energy, int]], period: Period) -> list[Bucket]:
    """Sum 15-minute intervals into buckets of ``period``, oldest first."""
    buckets: dict[datetime, Bucket] = {}
    for start, energy, readings in intervals:
        key = bucket_start(start, period)
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = Bucket(key, energy, readings)
        else:
            bucket.energy = bucket.energy + energy
            bucket.readings += readings
    return [buckets[key] for key in sorted(buckets)]


def default_range(period: Period, now: datetime) -> tuple[datetime, datetime]:
    end = bucket_start(now, Period.QUARTER_HOUR) + INTERVAL
    return end - DEFAULT_SPAN[period], end
