"""Migrations build the schema the models describe, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from hub.db.engine import alembic_config, create_engine, migrate
from hub.db.models import Base

TABLES = {
    "communities",
    "users",
    "auth_tokens",
    "sites",
    "devices",
    "readings",
    "site_intervals",
    "energy_requests",
    "offers",
    "transactions",
    "notifications",
}


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _downgrade_to_base(connection: Connection) -> None:
    command.downgrade(alembic_config(connection), "base")


async def test_migrations_match_the_models_and_run_down_and_up(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await migrate(engine)
        async with engine.connect() as conn:
            names = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            assert names >= TABLES
            assert await conn.run_sync(_differences) == []
        async with engine.begin() as conn:
            await conn.run_sync(_downgrade_to_base)
        async with engine.connect() as conn:
            names = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            assert not names & TABLES
        await migrate(engine)
    finally:
        await engine.dispose()
