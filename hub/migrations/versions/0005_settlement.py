"""settlement: trades checked against the meters, a double-entry ledger, ex-post sharing

Transactions move to the lifecycle scheduled → delivering → completed | partially_delivered
| failed (| cancelled); existing rows keep their meaning (matched → scheduled, settled →
completed). Site intervals keep wind apart from solar and note when ingest last revised them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SHARING_MODE = sa.Enum("market", "ex_post", name="sharingmode", native_enum=False, length=16)
OLD_STATUS = sa.VARCHAR(length=16)
NEW_STATUS = sa.Enum(
    "scheduled",
    "delivering",
    "completed",
    "partially_delivered",
    "failed",
    "cancelled",
    name="transactionstatus",
    native_enum=False,
    length=24,
)
RENAMED = {"matched": "scheduled", "settled": "completed"}


def _community_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["community"], ["communities.id"], name=op.f(f"fk_{table}_community_communities"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "sharing_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("effective_from", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("mode", SHARING_MODE, nullable=False),
        sa.Column("key", sa.Enum("static", "dynamic", name="allocationkey", native_enum=False, length=16), nullable=True),
        sa.Column("price", hub.db.types.Money(), nullable=True),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.Column("created_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        _community_fk("sharing_periods"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_periods")),
    )
    op.create_index(op.f("ix_sharing_periods_community"), "sharing_periods", ["community"], unique=False)
    op.create_index(
        "ix_sharing_periods_community_from", "sharing_periods", ["community", "effective_from"], unique=True
    )
    op.create_table(
        "settlements",
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("start", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("end", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("mode", SHARING_MODE, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("retail_price", hub.db.types.Money(), nullable=False),
        sa.Column("feed_in_price", hub.db.types.Money(), nullable=False),
        sa.Column("shared_wh", sa.BigInteger(), nullable=False),
        sa.Column("metered", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("settled_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        _community_fk("settlements"),
        sa.PrimaryKeyConstraint("community", "start", name=op.f("pk_settlements")),
    )
    op.create_table(
        "ledger_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("interval_start", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("entry", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "trade", "grid_fee", "allocation", "grid_import", "grid_export", name="ledgerkind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("amount", hub.db.types.Money(), nullable=False),
        sa.Column("energy_wh", sa.BigInteger(), nullable=False),
        sa.Column("transaction_id", sa.BigInteger(), nullable=True),
        sa.Column("reversal", sa.Boolean(), nullable=False),
        _community_fk("ledger_lines"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lines")),
    )
    op.create_index("ix_ledger_lines_account_interval", "ledger_lines", ["account", "interval_start"], unique=False)
    op.create_index("ix_ledger_lines_community_interval", "ledger_lines", ["community", "interval_start"], unique=False)
    op.create_table(
        "allocations",
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("start", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("given_wh", sa.BigInteger(), nullable=False),
        sa.Column("received_wh", sa.BigInteger(), nullable=False),
        sa.Column("price", hub.db.types.Money(), nullable=False),
        _community_fk("allocations"),
        sa.PrimaryKeyConstraint("community", "start", "site_id", name=op.f("pk_allocations")),
    )
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settlement_grace_s", sa.Integer(), server_default="300", nullable=False))
    with op.batch_alter_table("site_intervals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wind_wh", sa.Double(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("revised_at", hub.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_site_intervals_revised_at"), ["revised_at"], unique=False)
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "shortfall",
                sa.Enum(
                    "seller_exported_less",
                    "buyer_imported_less",
                    "readings_missing",
                    name="shortfall",
                    native_enum=False,
                    length=24,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("amount", hub.db.types.Money(), nullable=True))
        batch_op.add_column(sa.Column("dispatch", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("at_risk", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column("status", existing_type=OLD_STATUS, type_=NEW_STATUS, existing_nullable=False)
    for old, new in RENAMED.items():
        op.execute(sa.text("UPDATE transactions SET status = :new WHERE status = :old").bindparams(old=old, new=new))


def downgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(sa.text("UPDATE transactions SET status = :old WHERE status = :new").bindparams(old=old, new=new))
    # The old lifecycle knew no partial delivery nor cancellation: both end as failed.
    op.execute("UPDATE transactions SET status = 'failed' WHERE status IN ('partially_delivered', 'cancelled')")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=NEW_STATUS, type_=OLD_STATUS, existing_nullable=False)
        for column in ("at_risk", "dispatch", "amount", "shortfall"):
            batch_op.drop_column(column)
    with op.batch_alter_table("site_intervals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_intervals_revised_at"))
        batch_op.drop_column("revised_at")
        batch_op.drop_column("wind_wh")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("settlement_grace_s")
    op.drop_table("allocations")
    op.drop_index("ix_ledger_lines_community_interval", table_name="ledger_lines")
    op.drop_index("ix_ledger_lines_account_interval", table_name="ledger_lines")
    op.drop_table("ledger_lines")
    op.drop_table("settlements")
    op.drop_index("ix_sharing_periods_community_from", table_name="sharing_periods")
    op.drop_index(op.f("ix_sharing_periods_community"), table_name="sharing_periods")
    op.drop_table("sharing_periods")
