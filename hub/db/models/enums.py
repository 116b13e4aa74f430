"""Closed vocabularies shared by tables and API schemas."""

from __future__ import annotations

from enum import StrEnum


class UserRole(StrEnum):
    RESIDENT = "resident"
    ADMIN = "admin"


class SiteKind(StrEnum):
    PROVIDER = "provider"
    CONSUMER = "consumer"
    HYBRID = "hybrid"


class AssetKind(StrEnum):
    SOLAR = "solar"
    WIND = "wind"
    BATTERY = "battery"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"  # matched at once against offers for the current and next interval


class OrderStatus(StrEnum):
    """Lifecycle of a request or an offer."""

    OPEN = "open"  # nothing traded yet; the window is still ahead
    PARTLY_MATCHED = "partly_matched"  # some energy traded (final once the window is over)
    MATCHED = "matched"  # all of it traded
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class TransactionStatus(StrEnum):
    MATCHED = "matched"
    DELIVERING = "delivering"
    SETTLED = "settled"
    FAILED = "failed"


class Mechanism(StrEnum):
    """How a community's market prices the trades of an interval."""

    PAY_AS_CLEAR = "pay_as_clear"  # one energy price for every trade of the interval
    PAY_AS_BID = "pay_as_bid"  # each buyer pays what it bid (its maximum)


class StandingKind(StrEnum):
    """Standing orders: rules that become concrete orders for upcoming intervals."""

    SELL_SURPLUS = "sell_surplus"  # offer the forecast surplus at no less than a price
    SELL_BATTERY = "sell_battery"  # offer the battery above a state of charge, in set hours
    BUY_DEFICIT = "buy_deficit"  # buy the forecast deficit up to a price
