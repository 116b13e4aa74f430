"""leases: replica heartbeats and one owner per community (replicated hubs on PostgreSQL)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cluster_replicas",
        sa.Column("replica_id", sa.String(length=128), nullable=False),
        sa.Column("seen_until", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("replica_id", name=op.f("pk_cluster_replicas")),
    )
    op.create_table(
        "community_leases",
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("expires_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community"],
            ["communities.id"],
            name=op.f("fk_community_leases_community_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community", name=op.f("pk_community_leases")),
    )
    op.create_index(op.f("ix_community_leases_owner"), "community_leases", ["owner"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_community_leases_owner"), table_name="community_leases")
    op.drop_table("community_leases")
    op.drop_table("cluster_replicas")
