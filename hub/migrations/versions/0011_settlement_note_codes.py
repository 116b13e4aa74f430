"""settlements: why an interval was settled again as a code and its sites, not an English sentence

A correction's note was stored as text ("late readings from home-3, home-7"), which the
dashboard could only show in English and which a correction naming many sites would overflow.
It becomes ``note_code`` (``late_readings`` or ``trades_changed``) and ``note_sites`` (the
sites whose meters changed, for late readings). Notes already stored are converted both ways.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LATE = "late readings from "  # how the settler worded late readings before this revision

# The key untyped, so a row's key goes back exactly as it was read (rows are found by key on the way
# down: JSON has no equality in PostgreSQL).
settlements = sa.table(
    "settlements",
    sa.column("community"),
    sa.column("start"),
    sa.column("note", sa.String),
    sa.column("note_code", sa.String),
    sa.column("note_sites", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("settlements") as batch_op:
        batch_op.add_column(sa.Column("note_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("note_sites", sa.JSON(), nullable=True))
    bind = op.get_bind()
    # Rows found by their note: many intervals share one.
    notes = bind.execute(sa.select(settlements.c.note).distinct().where(settlements.c.note.is_not(None)))
    for (note,) in notes.all():
        if note.startswith(LATE):
            code, sites = "late_readings", note[len(LATE) :].split(", ")
        else:
            code, sites = "trades_changed", None
        bind.execute(
            settlements.update().where(settlements.c.note == note).values(note_code=code, note_sites=sites)
        )
    with op.batch_alter_table("settlements") as batch_op:
        batch_op.drop_column("note")


def downgrade() -> None:
    with op.batch_alter_table("settlements") as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=500), nullable=True))
    op.execute(
        settlements.update().where(settlements.c.note_code == "trades_changed").values(note="trades changed")
    )
    bind = op.get_bind()
    c = settlements.c
    late = sa.select(c.community, c.start, c.note_sites).where(c.note_code == "late_readings")
    for community, start, sites in bind.execute(late).all():
        bind.execute(
            settlements.update()
            .where(c.community == community, c.start == start)
            .values(note=(LATE + ", ".join(sites or []))[:500])
        )
    with op.batch_alter_table("settlements") as batch_op:
        batch_op.drop_column("note_sites")
        batch_op.drop_column("note_code")
