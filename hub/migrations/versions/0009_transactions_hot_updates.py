"""transactions: indexes only where queries use them, and room in each page for HOT updates

Settling an interval rewrites every trade's outcome (status, delivered energy, amount). An
index on ``status`` made every such update write a new entry into each of the table's
indexes; without it, and with free room left in each page (fillfactor), PostgreSQL updates
the row in place (a heap-only tuple). ``status`` has a handful of values and every query
filtering on it also filters on an indexed column (community and interval, an order, a
site). ``community`` alone is the leading column of ``ix_transactions_community_window``.

Ledger lines lose their foreign key to ``communities``: PostgreSQL checks it line by line, about
half the cost of writing an interval's lines. Only the settler writes lines, for the interval
whose ``settlements`` row it holds locked, and that row's own foreign key names the community.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Room for a settled version of every row of a page: an interval's trades are written together
# and settled together, in one transaction, so none of the old versions can be pruned in between
# (PostgreSQL only; SQLite has no such setting).
FILLFACTOR = 50


def upgrade() -> None:
    with op.batch_alter_table("transactions") as batch_op:
        batch_op.drop_index("ix_transactions_status")
        batch_op.drop_index("ix_transactions_community")
    with op.batch_alter_table("ledger_lines") as batch_op:
        batch_op.drop_constraint("fk_ledger_lines_community_communities", type_="foreignkey")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE transactions SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE transactions RESET (fillfactor)")
    with op.batch_alter_table("ledger_lines") as batch_op:
        batch_op.create_foreign_key(
            "fk_ledger_lines_community_communities", "communities", ["community"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("transactions") as batch_op:
        batch_op.create_index("ix_transactions_community", ["community"], unique=False)
        batch_op.create_index("ix_transactions_status", ["status"], unique=False)
