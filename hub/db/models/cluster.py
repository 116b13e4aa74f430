"""Replicated hubs on PostgreSQL: which replicas are alive and which one owns each community.

hub.cluster.leases explains the protocol; these rows are all of its state, so an operator can
read who owns what with one query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.models.base import Base


class ClusterReplica(Base):
    """A replica's heartbeat: alive until ``seen_until``; fair shares are counted from these."""

    __tablename__ = "cluster_replicas"

    replica_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_until: Mapped[datetime]
    # The communities it may take: "+" (any) or the one it hears (POWERSHARE_MQTT_COMMUNITY).
    serves: Mapped[str] = mapped_column(String(64), server_default="+")


class CommunityLease(Base):
    """One owner per community (the primary key), until ``expires_at`` unless renewed."""

    __tablename__ = "community_leases"

    community: Mapped[str] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128), index=True)
    expires_at: Mapped[datetime]
