"""Meter readings entered by hand: the energy between two of them, spread over the intervals between.

A site without an agent has no snapshots every few seconds, only the counters its owner reads off
the meter now and then. The energy between two such readings was used at some unknown pace; the
least surprising guess is an even pace, so each 15-minute interval between them gets the share of
the counter delta that its overlap is of the whole span. Shares are whole Wh by largest remainder,
so they add up to the delta exactly (settlement checks trades against these sums). Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from hub.energy.intervals import INTERVAL, interval_start

_MICROSECOND = timedelta(microseconds=1)


def overlaps(start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """Each interval that [start, end) touches, with the microseconds of the span inside it."""
    spans: list[tuple[datetime, int]] = []
    cursor = start
    while cursor < end:
        interval = interval_start(cursor)
        stop = min(interval + INTERVAL, end)
        spans.append((interval, (stop - cursor) // _MICROSECOND))
        cursor = stop
    return spans


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` Wh in proportion to ``weights`` into whole Wh that add up to ``total``.

    Largest remainder: each part is first rounded down, then the Wh left over go one each to the
    parts with the largest remainders (the earlier part on a tie), so no part is off by 1 Wh or more.
    """
    if total < 0:
        raise ValueError(f"cannot spread a negative amount ({total} Wh)")
    whole = sum(weights)
    if whole <= 0:
        raise ValueError("cannot spread over an empty span")
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts


def spread(earlier: datetime, later: datetime, deltas: Mapping[str, int]) -> dict[datetime, dict[str, int]]:
    """Each counter's delta between two readings, per interval between them (by time overlap)."""
    if later <= earlier:
        raise ValueError(f"the later reading ({later.isoformat()}) must come after {earlier.isoformat()}")
    spans = overlaps(earlier, later)
    weights = [micros for _, micros in spans]
    booked: dict[datetime, dict[str, int]] = {interval: {} for interval, _ in spans}
    for counter, delta in deltas.items():
        for (interval, _), part in zip(spans, apportion(delta, weights), strict=True):
            booked[interval][counter] = part
    return booked
