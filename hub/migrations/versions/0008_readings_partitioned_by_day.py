"""raw readings range-partitioned by day of their time on PostgreSQL, keyed by (site, seq, ts)

A partitioned table's unique keys must contain the partition key, so the primary key becomes
(site_id, seq, ts) on both databases. A reading the agent sends again comes from its spool,
timestamp and all, so it still meets its first copy and is dropped. PostgreSQL gets a new
``readings`` partitioned by ``ts`` (one partition per UTC day that holds rows, and a default
partition for any other time); the rows are copied over, so the upgrade needs the table's size
again on disk while it runs. ``hub.db.partitions`` creates the coming days' partitions and drops
those past the retention. SQLite keeps a plain table with the new key.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = 'site_id, seq, ts, device, "values", received_at'


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ts", hub.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("received_at", hub.db.types.UtcDateTime(timezone=True), nullable=False),
    ]


def _sqlite_rebuild(key: list[str]) -> None:
    """Rebuild SQLite's plain table with ``key`` as its primary key (the copy names the new shape)."""
    shape = sa.Table(
        "readings",
        sa.MetaData(),
        *_columns(),
        sa.PrimaryKeyConstraint(*key, name="pk_readings"),
        sa.Index("ix_readings_site_ts", "site_id", "ts"),
    )
    with op.batch_alter_table("readings", recreate="always", copy_from=shape):
        pass


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _sqlite_rebuild(["site_id", "seq", "ts"])
        return
    op.create_table(
        "readings_partitioned",
        *_columns(),
        sa.PrimaryKeyConstraint("site_id", "seq", "ts", name="pk_readings_partitioned"),
        postgresql_partition_by="RANGE (ts)",
    )
    op.execute("CREATE TABLE readings_default PARTITION OF readings_partitioned DEFAULT")
    days = op.get_bind().exec_driver_sql(
        "SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM readings ORDER BY 1"
    )
    for (day,) in days.all():
        # The same names and bounds as hub.db.partitions gives the days it creates.
        op.execute(
            f"CREATE TABLE readings_p{day:%Y%m%d} PARTITION OF readings_partitioned"
            f" FOR VALUES FROM ('{day:%Y-%m-%d} 00:00:00+00') TO ('{day:%Y-%m-%d} 00:00:00+00'::timestamptz"
            " + interval '1 day')"
        )
    op.execute(f"INSERT INTO readings_partitioned ({COLUMNS}) SELECT {COLUMNS} FROM readings")
    op.drop_table("readings")
    op.rename_table("readings_partitioned", "readings")
    op.execute("ALTER TABLE readings RENAME CONSTRAINT pk_readings_partitioned TO pk_readings")
    op.create_index("ix_readings_site_ts", "readings", ["site_id", "ts"], unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        # Readings that differ only in their time would break the old key: the earliest stays.
        op.execute(
            "DELETE FROM readings WHERE EXISTS (SELECT 1 FROM readings AS o WHERE o.site_id = readings.site_id"
            " AND o.seq = readings.seq AND o.ts < readings.ts)"
        )
        _sqlite_rebuild(["site_id", "seq"])
        return
    op.create_table(
        "readings_plain",
        *_columns(),
        sa.PrimaryKeyConstraint("site_id", "seq", name="pk_readings_plain"),
    )
    op.execute(
        f"INSERT INTO readings_plain ({COLUMNS}) SELECT DISTINCT ON (site_id, seq) {COLUMNS} FROM readings"
        " ORDER BY site_id, seq, ts"
    )
    op.drop_table("readings")  # and its partitions with it
    op.rename_table("readings_plain", "readings")
    op.execute("ALTER TABLE readings RENAME CONSTRAINT pk_readings_plain TO pk_readings")
    op.create_index("ix_readings_site_ts", "readings", ["site_id", "ts"], unique=False)
