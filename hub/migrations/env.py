"""Alembic environment: always runs on a connection handed in by hub.db.engine.migrate.

Alembic's template would call asyncio.run() here, which fails inside the hub's running
event loop; the hub runs migrations through ``AsyncConnection.run_sync`` instead.
"""

from __future__ import annotations

from alembic import context

from hub.db.models import Base
from hub.db.partitions import modelled

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `powershare-hub migrate` (hub.db.engine.migrate)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # The day partitions of `readings` are made at run time (hub.db.partitions), not by models.
    include_name=modelled,
)
with context.begin_transaction():
    context.run_migrations()
