"""Battery dispatch for trades sold from a battery: how hard to discharge, and what an ack means.

Pure: data in, data out. The delivery coordinator (hub.market.delivery) reads the trades, the
site's state of charge and the clock, and sends what this module decides.

A site gets one command per interval, covering all of its battery trades in that interval:
``power_w`` is the energy still to deliver spread evenly over the time left, so a full
interval's command is simply traded Wh ÷ interval hours. The hub keeps the seller's reserve
(its standing order's ``min_soc_pct``) by not asking for more than the battery holds above
it; the agent keeps its own limits (ratings, its reserve) and says so in its ack.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from powershare_wire import DispatchAck, DispatchOutcome
from powershare_wire.site import LOAD_W, PV_W, WIND_W

# An agent that stops a command this long or more before the interval ends has left the
# trade short; a revert closer to the end is the next interval's command taking over.
EARLY_REVERT = timedelta(seconds=30)
# Less time than this left in an interval is not worth a command (the agent would reject it).
MIN_COMMAND_S = 1.0


class DispatchState(StrEnum):
    """A trade's ``dispatch.outcome``: the agent's latest answer, or the hub's own word."""

    SENT = "sent"  # published; no answer yet
    NOT_SENT = "not_sent"  # the broker could not be reached
    NO_ANSWER = "no_answer"  # the agent did not answer in time
    ACCEPTED = DispatchOutcome.ACCEPTED.value
    CLAMPED = DispatchOutcome.CLAMPED.value
    REJECTED = DispatchOutcome.REJECTED.value
    COMPLETED = DispatchOutcome.COMPLETED.value
    REVERTED = DispatchOutcome.REVERTED.value


@dataclass(frozen=True, slots=True)
class Sizing:
    power_w: float
    short_wh: int  # what the battery cannot give above the kept reserve (0: all of it)


def above_reserve_wh(soc_pct: float | None, capacity_kwh: float | None, reserve_pct: float) -> float | None:
    """Energy the battery holds above the reserve; ``None`` when the hub cannot tell."""
    if soc_pct is None or capacity_kwh is None or capacity_kwh <= 0:
        return None
    return max(soc_pct - reserve_pct, 0.0) / 100.0 * capacity_kwh * 1000.0


def size_discharge(
    to_deliver_wh: float, seconds_left: float, available_wh: float | None, home_w: float = 0.0
) -> Sizing:
    """The discharge power that exports ``to_deliver_wh`` evenly over ``seconds_left``, capped
    by ``available_wh`` (energy above the reserve; ``None`` = unknown, the agent guards it).

    Settlement counts what the seller's meter exported, so the battery also covers ``home_w``,
    the home's own use that its production does not (at the interval's start): without it the
    home would take part of the discharge and the trade would fall short. The home comes first
    when the reserve is tight, as it would without any trade.
    """
    if seconds_left <= 0:
        raise ValueError(f"seconds_left must be > 0, got {seconds_left}")
    wanted = max(to_deliver_wh, 0.0)
    home_wh = max(home_w, 0.0) * seconds_left / 3600.0
    if available_wh is None:
        deliverable = wanted
    else:
        deliverable = min(wanted, max(available_wh - home_wh, 0.0))
        home_wh = min(home_wh, max(available_wh, 0.0))
    # Rounded to 0.1 W: the wire carries a float, and a device takes whole per-mille of its rating.
    power = (deliverable + home_wh) * 3600.0 / seconds_left if deliverable > 0 else 0.0
    return Sizing(round(power, 1), math.ceil(wanted - deliverable))


def home_deficit_w(values: dict[str, Any]) -> float:
    """The home's use its own production does not cover, from a site snapshot's values (W, ≥ 0)."""

    def value(name: str) -> float:
        found = (values.get(name) or {}).get("value")
        return float(found) if isinstance(found, int | float) else 0.0

    return max(value(LOAD_W) - value(PV_W) - value(WIND_W), 0.0)


def duration_s(seconds_left: float) -> int:
    """Whole seconds to the end of the interval; the agent reverts the battery then."""
    return max(math.ceil(seconds_left), 1)


_ID = re.compile(r"^i(\d{1,12})-([0-9a-f]{1,16})$")


def command_id(start: datetime, nonce: str) -> str:
    """A command's id names its interval, so an ack finds its trades from the id alone (even
    after a hub restart); the nonce tells a resent or superseding command from the first."""
    return f"i{int(start.timestamp())}-{nonce}"


def command_interval(command: str) -> datetime | None:
    """The interval start a command id names; ``None`` for ids the hub did not make."""
    match = _ID.match(command)
    return datetime.fromtimestamp(int(match.group(1)), UTC) if match else None


def record(
    command: str, state: DispatchState, power_w: float, at: datetime, reason: str | None = None
) -> dict[str, Any]:
    """The ``dispatch`` JSON stored on each trade the command (by id) serves."""
    return {"id": command, "outcome": state.value, "power_w": power_w, "reason": reason, "at": at.isoformat()}


def risk_of(ack: DispatchAck, window_end: datetime) -> str | None:
    """Why an ack puts the trades at risk, or ``None`` when the battery is delivering.

    Clamped is not a risk by itself: the agent runs the battery at its rating and the meters
    will show whether that sufficed.
    """
    if ack.outcome is DispatchOutcome.REJECTED:
        return f"the battery refused the dispatch: {ack.reason or 'no reason given'}"
    if ack.outcome is DispatchOutcome.REVERTED and ack.ts <= window_end - EARLY_REVERT:
        return f"the battery stopped before the interval ended: {ack.reason or 'no reason given'}"
    return None


def reserve_short(short_wh: int) -> str:
    return f"the battery holds {short_wh} Wh less than sold above the kept reserve"


NOT_SENT_REASON = "the hub could not reach the broker to send the dispatch"
NO_ANSWER_REASON = "the site's agent did not answer the dispatch"
