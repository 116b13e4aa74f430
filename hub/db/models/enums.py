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


class OrderStatus(StrEnum):
    """Lifecycle of a request or an offer."""

    OPEN = "open"
    MATCHED = "matched"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class TransactionStatus(StrEnum):
    MATCHED = "matched"
    DELIVERING = "delivering"
    SETTLED = "settled"
    FAILED = "failed"
