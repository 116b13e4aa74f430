"""Bulk writes that settlement needs at a city's scale, the fast way on each database.

PostgreSQL takes rows by COPY and updates many rows by key in one statement (``UPDATE …
FROM unnest(…)``): a day of a 1,000-site community is a million ledger lines, which plain
INSERTs would take minutes to write. SQLite gets ordinary executemany statements. Both run
inside the session's transaction, through SQLAlchemy's documented raw-connection access.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _plain(value: Any) -> Any:
    """What COPY and arrays take: enums as their stored values."""
    return value.value if isinstance(value, enum.Enum) else value


async def _driver(session: AsyncSession) -> Any:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


def _table(model: type[DeclarativeBase]) -> Table:
    return cast(Table, model.__table__)


async def insert_rows(
    session: AsyncSession, model: type[DeclarativeBase], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (all with the same keys) into ``model``'s table."""
    if not rows:
        return
    table = _table(model)
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    driver = await _driver(session)
    async with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            await copy.write_row([_plain(row[c]) for c in columns])


async def update_rows(
    session: AsyncSession, model: type[DeclarativeBase], key: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Set, for each row, its columns on the table row whose ``key`` matches."""
    if not rows:
        return
    table = _table(model)
    columns = [c for c in rows[0] if c != key]
    if session.get_bind().dialect.name != "postgresql":
        statement = (
            update(table)
            .where(table.c[key] == bindparam(f"_{key}"))
            .values({c: bindparam(f"_{c}") for c in columns})
        )
        await session.execute(statement, [{f"_{c}": _plain(v) for c, v in row.items()} for row in rows])
        return
    dialect = session.get_bind().dialect
    every = [key, *columns]
    types = {c: table.c[c].type.compile(dialect=dialect) for c in every}
    arrays = ", ".join(f"%s::{types[c]}[]" for c in every)
    names = ", ".join(f'"{c}"' for c in every)
    assignments = ", ".join(f'"{c}" = v."{c}"' for c in columns)
    sql = (
        f'UPDATE "{table.name}" AS t SET {assignments} FROM unnest({arrays}) AS v({names})'
        f' WHERE t."{key}" = v."{key}"'
    )
    driver = await _driver(session)
    async with driver.cursor() as cursor:
        await cursor.execute(sql, [[_plain(row[c]) for row in rows] for c in every])
