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
    """A trade's life: scheduled at the clearing, delivering while its interval runs, then settled."""

    SCHEDULED = "scheduled"
    DELIVERING = "delivering"
    COMPLETED = "completed"  # the meters show all of it
    PARTIAL = "partially_delivered"  # the meters show some of it (see ``shortfall``)
    FAILED = "failed"  # the meters show none of it
    CANCELLED = "cancelled"  # withdrawn before its gate closed


class Shortfall(StrEnum):
    """Why a trade delivered less than it promised."""

    SELLER_EXPORTED_LESS = "seller_exported_less"
    BUYER_IMPORTED_LESS = "buyer_imported_less"
    READINGS_MISSING = "readings_missing"


class SharingMode(StrEnum):
    """How a community shares: trading ahead, or allocating metered surplus afterwards."""

    MARKET = "market"
    EX_POST = "ex_post"


class AllocationKey(StrEnum):
    """Ex-post allocation: how the members' metered surplus is divided among those short of energy."""

    STATIC = "static"  # fixed shares per member
    DYNAMIC = "dynamic"  # pro rata to each member's metered demand


class LedgerKind(StrEnum):
    TRADE = "trade"  # buyer pays seller the energy price
    GRID_FEE = "grid_fee"  # buyer pays the network the grid fee of a trade
    ALLOCATION = "allocation"  # ex post: via the community's pool, at the community's price
    GRID_IMPORT = "grid_import"  # import nobody in the community covered, at retail
    GRID_EXPORT = "grid_export"  # export nobody in the community took, at feed-in


class Mechanism(StrEnum):
    """How a community's market prices the trades of an interval."""

    PAY_AS_CLEAR = "pay_as_clear"  # one energy price for every trade of the interval
    PAY_AS_BID = "pay_as_bid"  # each buyer pays what it bid (its maximum)


class StandingKind(StrEnum):
    """Standing orders: rules that become concrete orders for upcoming intervals."""

    SELL_SURPLUS = "sell_surplus"  # offer the forecast surplus at no less than a price
    SELL_BATTERY = "sell_battery"  # offer the battery above a state of charge, in set hours
    BUY_DEFICIT = "buy_deficit"  # buy the forecast deficit up to a price
