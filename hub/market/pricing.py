"""Prices of energy traded inside a community. Pure functions, amounts in the community currency."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settlement:
    buyer_pays: float
    seller_earns: float
    buyer_saves: float  # against buying the same energy from the grid at retail
    seller_gains: float  # against feeding it into the grid


def fair_price(retail_per_kwh: float, feed_in_per_kwh: float) -> float:
    """Halfway between feed-in and retail: both sides gain the same against the grid."""
    return round((retail_per_kwh + feed_in_per_kwh) / 2, 4)


def clearing_price(min_price: float, max_price: float, retail: float, feed_in: float) -> float | None:
    """The fair price moved into [min_price, max_price]; None when seller and buyer do not meet."""
    if min_price > max_price:
        return None
    return min(max(fair_price(retail, feed_in), min_price), max_price)


def settle(kwh: float, price_per_kwh: float, retail_per_kwh: float, feed_in_per_kwh: float) -> Settlement:
    pays = round(kwh * price_per_kwh, 2)
    return Settlement(
        buyer_pays=pays,
        seller_earns=pays,
        buyer_saves=round(kwh * retail_per_kwh - pays, 2),
        seller_gains=round(pays - kwh * feed_in_per_kwh, 2),
    )
