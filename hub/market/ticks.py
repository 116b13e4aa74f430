"""Prices as integer ticks of 0.0001 per kWh, so the matching engine's arithmetic is exact.

Orders, fees and the corridor arrive as ``Decimal`` with at most four decimal places; inside
the engine they are int64 ticks, and energy is int64 Wh. Money is turned back into ``Decimal``
only where it leaves the engine.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

TICKS_PER_UNIT = 10_000  # 0.0001 currency per kWh
TICK = Decimal("0.0001")
WH_PER_KWH = 1000


def to_ticks(price: Decimal) -> int:
    """``price`` per kWh as ticks; more than four decimal places is an error, not a rounding."""
    scaled = price * TICKS_PER_UNIT
    if scaled != scaled.to_integral_value():
        raise ValueError(f"price {price} has more than four decimal places")
    return int(scaled)


def from_ticks(ticks: int) -> Decimal:
    return (Decimal(int(ticks)) / TICKS_PER_UNIT).quantize(TICK)


def price_text(ticks: int) -> str:
    """A price as the dashboard's explanations carry it: four decimals, e.g. ``"0.1500"``."""
    return str(from_ticks(ticks))


def average_ticks(weighted_sum: int, weight: int) -> int:
    """A volume-weighted average price, rounded half to even to a whole tick."""
    return int((Decimal(weighted_sum) / Decimal(weight)).to_integral_value(ROUND_HALF_EVEN))


def money(wh_ticks: int) -> Decimal:
    """An amount in Wh × ticks as currency, exact (1 Wh × 1 tick = 10⁻⁷)."""
    return Decimal(int(wh_ticks)).scaleb(-7)
