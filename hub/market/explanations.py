"""Why each order of a clearing traded what it did: a code and its parameters.

The dashboard renders these in every language it speaks, so the codes and parameter names
are a contract: add codes, never rename them. Prices in ``params`` are strings with four
decimals (``"0.1500"``), energy is integer Wh, distances are km rounded to 0.01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

Param = str | int | float | list[str] | None


class BidCode(StrEnum):
    MATCHED = "matched"  # energy_wh, energy_price, fee, price, partners
    PARTLY_MATCHED = "partly_matched"  # … requested_wh, and `rest` says why the rest was not
    NO_OFFER = "no_offer"  # no ask in the book
    PRICE_TOO_LOW = "price_too_low"  # cheapest_price (ask + fee), max_price
    NO_GREEN_OFFER = "no_green_offer"  # green only, and no solar or wind ask
    TOO_FAR = "too_far"  # nearest_km (None: no location), max_distance_km
    ONLY_OWN_SITES = "only_own_sites"
    ONLY_EXCLUDED = "only_excluded"
    OUTBID = "outbid"  # clearing_price (None for pay-as-bid), max_price


class AskCode(StrEnum):
    MATCHED = "matched"  # energy_wh, energy_price, partners
    PARTLY_MATCHED = "partly_matched"  # … offered_wh, and `rest`
    NO_REQUEST = "no_request"
    PRICE_TOO_HIGH = "price_too_high"  # best_price (bid − fee), min_price
    UNDERCUT = "undercut"  # clearing_price (None for pay-as-bid), min_price
    NOT_WANTED = "not_wanted"  # preferences: "green_only" | "distance" | "excluded"
    ONLY_OWN_SITES = "only_own_sites"


@dataclass(frozen=True)
class Explanation:
    code: str
    params: dict[str, Param] = field(default_factory=dict)
    rest: Explanation | None = None  # for partly matched orders: why the rest was not

    def as_json(self) -> dict[str, object]:
        return {
            "code": str(self.code),
            "params": {name: list(v) if isinstance(v, list) else v for name, v in self.params.items()},
            "rest": None if self.rest is None else self.rest.as_json(),
        }
