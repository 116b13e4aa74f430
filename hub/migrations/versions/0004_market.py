"""the community market: exact money, energy in Wh, preferences, standing orders, interval results

Energy moves from float kWh to integer Wh and prices from float to exact decimals (NUMERIC on
PostgreSQL, decimal text on SQLite); existing rows are converted, not dropped.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MECHANISM = sa.Enum("pay_as_clear", "pay_as_bid", name="mechanism", native_enum=False, length=16)
DEFAULT_FEE = '{"bands": [{"up_to_km": 0.5, "fee": "0.0100"}, {"up_to_km": 2.0, "fee": "0.0200"}, {"up_to_km": null, "fee": "0.0400"}]}'


def _money(column: str) -> str:
    """SQL turning a float price column into the Money column's stored form."""
    if op.get_bind().dialect.name == "sqlite":
        return f"printf('%.4f', {column})"
    return f"round(CAST({column} AS numeric), 4)"


def _wh(column: str) -> str:
    return f"CAST(round({column} * 1000) AS BIGINT)"


def upgrade() -> None:
    op.create_table(
        "standing_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("sell_surplus", "sell_battery", "buy_deficit", name="standingkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("price", hub.db.types.Money(), nullable=False),
        sa.Column("min_soc_pct", sa.Integer(), nullable=True),
        sa.Column("from_hour", sa.Integer(), nullable=True),
        sa.Column("to_hour", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("evaluated_for", hub.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community"], ["communities.id"], name=op.f("fk_standing_orders_community_communities")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_standing_orders_site_id_sites"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_orders")),
    )
    with op.batch_alter_table("standing_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_standing_orders_community"), ["community"], unique=False)
        batch_op.create_index(batch_op.f("ix_standing_orders_site_id"), ["site_id"], unique=False)

    op.create_table(
        "market_intervals",
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("start", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("end", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("mechanism", MECHANISM, nullable=False),
        sa.Column("price", hub.db.types.Money(), nullable=True),
        sa.Column("volume_wh", sa.BigInteger(), nullable=False),
        sa.Column("trades", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("requested_wh", sa.BigInteger(), nullable=False),
        sa.Column("offered_wh", sa.BigInteger(), nullable=False),
        sa.Column("grid_import_wh", sa.BigInteger(), nullable=False),
        sa.Column("grid_export_wh", sa.BigInteger(), nullable=False),
        sa.Column("cleared_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community"], ["communities.id"], name=op.f("fk_market_intervals_community_communities")),
        sa.PrimaryKeyConstraint("community", "start", name=op.f("pk_market_intervals")),
    )

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False))
        batch_op.add_column(sa.Column("mechanism", MECHANISM, server_default="pay_as_clear", nullable=False))
        batch_op.add_column(sa.Column("gate_lead_s", sa.Integer(), server_default="300", nullable=False))
        batch_op.add_column(sa.Column("grid_fee", sa.JSON(), server_default=DEFAULT_FEE, nullable=False))
        for column in ("retail_price_per_kwh", "feed_in_price_per_kwh"):
            batch_op.alter_column(
                column,
                existing_type=sa.Double(),
                type_=hub.db.types.Money(),
                existing_nullable=False,
                postgresql_using=f"round(CAST({column} AS numeric), 4)",
            )

    for table, price in (("energy_requests", "max_price"), ("offers", "min_price")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(price, hub.db.types.Money(), server_default="0", nullable=False))
            batch_op.add_column(sa.Column("energy_wh", sa.BigInteger(), server_default="0", nullable=False))
            batch_op.add_column(sa.Column("filled_wh", sa.BigInteger(), server_default="0", nullable=False))
            batch_op.add_column(sa.Column("grid_wh", sa.BigInteger(), server_default="0", nullable=False))
            batch_op.add_column(sa.Column("explanation", sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column("standing_order_id", sa.Integer(), nullable=True))
            if table == "energy_requests":
                batch_op.add_column(sa.Column("green_only", sa.Boolean(), server_default=sa.false(), nullable=False))
                batch_op.add_column(sa.Column("max_distance_km", sa.Double(), nullable=True))
                batch_op.add_column(sa.Column("preferred_partners", sa.JSON(), server_default="[]", nullable=False))
                batch_op.add_column(sa.Column("excluded_partners", sa.JSON(), server_default="[]", nullable=False))
            else:
                batch_op.add_column(
                    sa.Column(
                        "source",
                        sa.Enum("solar", "wind", "battery", name="assetkind", native_enum=False, length=16),
                        server_default="solar",
                        nullable=False,
                    )
                )
            batch_op.create_index(batch_op.f(f"ix_{table}_standing_order_id"), ["standing_order_id"], unique=False)
            batch_op.create_index(f"ix_{table}_standing_window", ["standing_order_id", "window_start"], unique=True)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_standing_order_id_standing_orders"),
                "standing_orders",
                ["standing_order_id"],
                ["id"],
                ondelete="SET NULL",
            )
        op.execute(f"UPDATE {table} SET {price} = {_money(price + '_per_kwh')}, energy_wh = {_wh('amount_kwh')}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(f"{price}_per_kwh")
            batch_op.drop_column("amount_kwh")

    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("energy_wh", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("energy_price", hub.db.types.Money(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("fee", hub.db.types.Money(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("distance_km", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("mechanism", MECHANISM, server_default="pay_as_clear", nullable=False))
        batch_op.add_column(sa.Column("delivered_wh", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.create_index("ix_transactions_community_window", ["community", "window_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_transactions_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transactions_request_id"), ["request_id"], unique=False)
    op.execute(
        f"UPDATE transactions SET energy_wh = {_wh('amount_kwh')}, energy_price = {_money('price_per_kwh')},"
        f" delivered_wh = {_wh('delivered_kwh')}"
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_column("delivered_kwh")
        batch_op.drop_column("price_per_kwh")
        batch_op.drop_column("amount_kwh")


def _float(column: str) -> str:
    return f"CAST({column} AS DOUBLE PRECISION)" if op.get_bind().dialect.name != "sqlite" else f"CAST({column} AS REAL)"


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_kwh", sa.Double(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("price_per_kwh", sa.Double(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("delivered_kwh", sa.Double(), server_default="0", nullable=False))
    op.execute(
        f"UPDATE transactions SET amount_kwh = energy_wh / 1000.0, price_per_kwh = {_float('energy_price')},"
        " delivered_kwh = delivered_wh / 1000.0"
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transactions_request_id"))
        batch_op.drop_index(batch_op.f("ix_transactions_offer_id"))
        batch_op.drop_index("ix_transactions_community_window")
        for column in ("delivered_wh", "mechanism", "distance_km", "fee", "energy_price", "energy_wh"):
            batch_op.drop_column(column)

    for table, price in (("offers", "min_price"), ("energy_requests", "max_price")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("amount_kwh", sa.Double(), server_default="0", nullable=False))
            batch_op.add_column(sa.Column(f"{price}_per_kwh", sa.Double(), server_default="0", nullable=False))
        op.execute(f"UPDATE {table} SET amount_kwh = energy_wh / 1000.0, {price}_per_kwh = {_float(price)}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_standing_order_id_standing_orders"), type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_standing_window")
            batch_op.drop_index(batch_op.f(f"ix_{table}_standing_order_id"))
            extra = ("excluded_partners", "preferred_partners", "max_distance_km", "green_only") if table == "energy_requests" else ("source",)
            for column in ("standing_order_id", "explanation", "grid_wh", "filled_wh", "energy_wh", price, *extra):
                batch_op.drop_column(column)

    with op.batch_alter_table("communities", schema=None) as batch_op:
        for column in ("feed_in_price_per_kwh", "retail_price_per_kwh"):
            batch_op.alter_column(
                column,
                existing_type=hub.db.types.Money(),
                type_=sa.Double(),
                existing_nullable=False,
                postgresql_using=f"CAST({column} AS DOUBLE PRECISION)",
            )
        for column in ("grid_fee", "gate_lead_s", "mechanism", "timezone"):
            batch_op.drop_column(column)

    op.drop_table("market_intervals")
    with op.batch_alter_table("standing_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_orders_site_id"))
        batch_op.drop_index(batch_op.f("ix_standing_orders_community"))
    op.drop_table("standing_orders")
