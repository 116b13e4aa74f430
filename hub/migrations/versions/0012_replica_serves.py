"""cluster_replicas: which communities a replica may take, in its heartbeat

A replica limited to one community's agents (POWERSHARE_MQTT_COMMUNITY) takes only that
community, but the others counted it in their fair share as if it could take any: with one
such replica beside one that hears every community, a community could stay without an owner.
Each heartbeat now says ``serves``: ``+`` (any community) or the one community's id.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cluster_replicas") as batch_op:
        batch_op.add_column(sa.Column("serves", sa.String(length=64), nullable=False, server_default="+"))


def downgrade() -> None:
    with op.batch_alter_table("cluster_replicas") as batch_op:
        batch_op.drop_column("serves")
