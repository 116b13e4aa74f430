"""Meter readings entered by hand: the energy between two of them, spread over the intervals between.

A site without an agent has no snapshots every few seconds, only the counters its owner reads off
the meter now and then. The energy between two such readings was used at some unknown pace; the
least surprising guess is an even pace, so each 15-minute interval between them gets the share of
the counter delta that its overlap is of the whole span. Shares are whole Wh by largest remainder,
so they add up to the delta exactly (settlement checks trades against these sums). Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.energy.intervals import INTERVAL, interval_start
from hub.error_codes import ErrorCode, Problem

_MICROSECOND = timedelta(microseconds=1)
# A reading a year and a bit after the one before still makes sense; decades (a typed year
# wrong) would spread over hundreds of thousands of intervals.
LONGEST_SPAN = timedelta(days=400)


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


# Chains of readings ---------------------------------------------------------------------------
#
# What a site's manual readings booked is always the spread of each pair of neighbours in time
# order. Replacing or withdrawing one reading changes only the (at most two) pairs it belongs to:
# those are taken back and the new pairs booked instead, so the booked energy stays exactly the
# chain's, whichever reading was wrong.


@dataclass(frozen=True, slots=True)
class Counters:
    """A reading as the chain sees it: when, and each counter's value in Wh."""

    at: datetime
    values: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Span:
    """Energy between two neighbouring readings, booked (sign +1) or taken back (-1)."""

    earlier: Counters
    later: Counters
    sign: int


class CounterRefused(ValueError):
    """A reading that does not fit between its neighbours; ``field`` names the offending value."""

    def __init__(self, field: str, problem: Problem) -> None:
        super().__init__(problem.message)
        self.field = field
        self.problem = problem


def growth(earlier: Counters, later: Counters, *, checking: Counters | None = None) -> dict[str, int]:
    """Each counter's growth from ``earlier`` to ``later``; ``checking`` is the one being entered
    (default: ``later``), whose values the refusal quotes.

    A counter only one of the two has is left out: read for the first time, it sets its baseline.
    Refused, naming the field, when time or a counter goes back, or when an entered reading lies
    more than ``LONGEST_SPAN`` from its neighbour.
    """
    entering = checking is not None
    if checking is None:
        checking = later
    neighbour = later if checking is earlier else earlier
    side = "previous" if neighbour is earlier else "next"
    if later.at <= earlier.at:
        taken = neighbour.at.isoformat()
        if side == "previous":
            problem = Problem(
                ErrorCode.READING_NOT_AFTER_PREVIOUS,
                f"must be after the previous reading, taken at {taken}",
                {"previous": taken},
            )
        else:
            problem = Problem(
                ErrorCode.READING_NOT_BEFORE_NEXT,
                f"must be before the next reading, taken at {taken}",
                {"next": taken},
            )
        raise CounterRefused("read_at", problem)
    if entering and later.at - earlier.at > LONGEST_SPAN:
        days = LONGEST_SPAN.days
        raise CounterRefused(
            "read_at",
            Problem(
                ErrorCode.SPAN_TOO_LONG,
                f"at most {days} days from the {side} reading, taken at {neighbour.at.isoformat()}",
                {"max_days": days},
            ),
        )
    deltas: dict[str, int] = {}
    for name, value in later.values.items():
        if name not in earlier.values:
            continue
        before = earlier.values[name]
        if value < before:
            entered, shown = checking.values[name], neighbour.values[name]
            if side == "previous":
                problem = Problem(
                    ErrorCode.COUNTER_BELOW_PREVIOUS,
                    f"{entered} Wh is below the previous reading's {shown} Wh; a meter's counter only grows",
                    {"previous_wh": shown},
                )
            else:
                problem = Problem(
                    ErrorCode.COUNTER_ABOVE_NEXT,
                    f"{entered} Wh is above the next reading's {shown} Wh; a meter's counter only grows",
                    {"next_wh": shown},
                )
            raise CounterRefused(name, problem)
        deltas[name] = value - before
    return deltas


def rechained(
    before: Counters | None, old: Counters, after: Counters | None, new: Counters | None
) -> list[Span]:
    """The spans to take back and to book when ``old`` (between its neighbours) becomes ``new``.

    ``new`` None withdraws the reading: its neighbours then make one span. Taken-back spans come
    first, so the caller can apply them in order.
    """
    spans = [Span(a, b, -1) for a, b in ((before, old), (old, after)) if a is not None and b is not None]
    if new is None:
        if before is not None and after is not None:
            spans.append(Span(before, after, +1))
    else:
        spans += [Span(a, b, +1) for a, b in ((before, new), (new, after)) if a is not None and b is not None]
    return spans
