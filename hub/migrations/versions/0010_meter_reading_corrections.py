"""meter_reading_corrections: what a hand-entered reading said before its owner corrected it

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meter_reading_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("reading", sa.Integer(), nullable=False),
        sa.Column("read_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("counters", sa.JSON(), nullable=False),
        sa.Column("new_read_at", hub.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("new_counters", sa.JSON(), nullable=True),
        sa.Column("corrected_by", sa.Integer(), nullable=True),
        sa.Column("corrected_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_meter_reading_corrections_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by"],
            ["users.id"],
            name=op.f("fk_meter_reading_corrections_corrected_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_reading_corrections")),
    )
    op.create_index(
        "ix_meter_reading_corrections_site_reading",
        "meter_reading_corrections",
        ["site_id", "reading"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_meter_reading_corrections_site_reading", table_name="meter_reading_corrections")
    op.drop_table("meter_reading_corrections")
