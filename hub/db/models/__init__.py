"""Tables of the hub (SQLAlchemy 2 typed models), one module per domain.

Migrations live in hub/migrations; generate a new revision after changing a model.
"""

from hub.db.models.accounts import AuthToken, User
from hub.db.models.base import Base
from hub.db.models.cluster import ClusterReplica, CommunityLease
from hub.db.models.community import Community
from hub.db.models.corrections import MeterReadingCorrection
from hub.db.models.enums import (
    AllocationKey,
    AssetKind,
    LedgerKind,
    Mechanism,
    OrderStatus,
    SharingMode,
    Shortfall,
    SiteKind,
    StandingKind,
    TransactionStatus,
    Urgency,
    UserRole,
)
from hub.db.models.market import EnergyRequest, MarketInterval, Offer, StandingOrder, Transaction
from hub.db.models.membership import Invitation, MembershipRequest, MembershipStatus
from hub.db.models.notifications import Notification
from hub.db.models.readings import RawReading, SiteInterval
from hub.db.models.settlement import Allocation, LedgerLine, Settlement, SharingPeriod
from hub.db.models.sites import Device, Site

__all__ = [
    "Allocation",
    "AllocationKey",
    "AssetKind",
    "AuthToken",
    "Base",
    "ClusterReplica",
    "Community",
    "CommunityLease",
    "Device",
    "EnergyRequest",
    "Invitation",
    "LedgerKind",
    "LedgerLine",
    "MarketInterval",
    "Mechanism",
    "MembershipRequest",
    "MembershipStatus",
    "MeterReadingCorrection",
    "Notification",
    "Offer",
    "OrderStatus",
    "RawReading",
    "Settlement",
    "SharingMode",
    "SharingPeriod",
    "Shortfall",
    "Site",
    "SiteInterval",
    "SiteKind",
    "StandingKind",
    "StandingOrder",
    "Transaction",
    "TransactionStatus",
    "Urgency",
    "User",
    "UserRole",
]
