"""Bulk writes that settlement needs at a city's scale, the fast way on each database.

PostgreSQL takes rows by COPY and updates many rows by key in one statement (``UPDATE …
FROM jsonb_to_recordset(…)``): a day of a 1,000-site community is a million ledger lines, which plain
INSERTs would take minutes to write. SQLite gets ordinary executemany statements. Both run
inside the session's transaction, through SQLAlchemy's documented raw-connection access.

Rows given as tuples of plain values (``insert_values``) skip the per-value conversion of
``insert_rows`` and go as COPY text built in one pass, the values all rows share written
once: the ledger writes thousands of lines per interval, and converting each value costs
more than COPY does. Rows whose new ids are needed (``insert_json_rows``) go as
one JSON document in one ``INSERT … RETURNING``.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _json(value: Any) -> Any:
    """JSON for what JSON lacks: exact decimals and aware times as their text, enums as their
    stored values (string enums need nothing: JSON writes them as their value)."""
    if isinstance(value, Decimal | datetime):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot send {type(value).__name__} in a bulk update")


def _plain(value: Any) -> Any:
    """What COPY and arrays take: enums as their stored values."""
    return value.value if isinstance(value, enum.Enum) else value


async def _driver(session: AsyncSession) -> Any:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


def _table(model: type[DeclarativeBase]) -> Table:
    return cast(Table, model.__table__)


def _on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def insert_rows(
    session: AsyncSession, model: type[DeclarativeBase], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (all with the same keys) into ``model``'s table."""
    if not rows:
        return
    columns = list(rows[0])
    await insert_values(session, model, columns, [[_plain(row[c]) for c in columns] for row in rows])


async def insert_values(
    session: AsyncSession,
    model: type[DeclarativeBase],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    same: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``rows``, each the values of ``columns`` in that order, and with each the values of
    ``same`` (one value for every row). Values plain: enums as their stored values
    (``Enum.value``), money as Decimal, times as aware datetimes."""
    if not rows:
        return
    table = _table(model)
    constants = dict(same or {})
    if not _on_postgresql(session):
        statement = insert(table).values({c: _plain(v) for c, v in constants.items()})
        await session.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows])
        return
    # COPY's text format, built here: a value's text costs less than psycopg's write_row spends
    # on it, and the values every row shares are written out once.
    names = ", ".join(f'"{c}"' for c in (*constants, *columns))
    head = "".join(f"{_copy_text(v)}\t" for v in constants.values())
    text = "".join([head + "\t".join(map(_copy_text, row)) + "\n" for row in rows])
    driver = await _driver(session)
    async with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        await copy.write(text.encode())


def copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format."""
    if _SPECIAL.search(value) is None:
        return value
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_SPECIAL = re.compile(r"[\\\t\n\r]")  # what COPY's text format escapes with a backslash

# A value's text in COPY's text format, by its exact type (so True is t, not the int 1).
_COPY_TEXT: dict[type, Callable[[Any], str]] = {
    str: copy_text,
    int: str,
    Decimal: str,  # PostgreSQL parses a decimal's text (exponents too) exactly
    bool: lambda value: "t" if value else "f",
    type(None): lambda _: "\\N",
    datetime: datetime.isoformat,
}


def _copy_text(value: Any) -> str:
    to_text = _COPY_TEXT.get(type(value))
    if to_text is not None:
        return to_text(value)
    if isinstance(value, enum.Enum):
        return _copy_text(value.value)
    raise TypeError(f"cannot COPY a {type(value).__name__}")


async def update_rows(
    session: AsyncSession,
    model: type[DeclarativeBase],
    key: str,
    rows: Sequence[Mapping[str, Any]],
    same: Mapping[str, Any] | None = None,
) -> None:
    """Set, for each row, its columns (and those of ``same``, one value for every row) on the
    table row whose ``key`` matches."""
    if not rows:
        return
    table = _table(model)
    constants = dict(same or {})
    columns = [c for c in rows[0] if c != key]
    if not _on_postgresql(session):
        statement = (
            update(table)
            .where(table.c[key] == bindparam(f"_{key}"))
            .values({c: bindparam(f"_{c}") for c in [*columns, *constants]})
        )
        await session.execute(
            statement, [{f"_{c}": _plain(v) for c, v in {**row, **constants}.items()} for row in rows]
        )
        return
    # The rows travel as one JSON document, read by jsonb_to_recordset: encoding it is one C
    # call, where arrays would be built value by value. Decimals and times go as their text,
    # which PostgreSQL parses exactly.
    dialect = session.get_bind().dialect
    every = [key, *columns]
    record = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=dialect)}' for c in every)
    assignments = ", ".join([*(f'"{c}" = v."{c}"' for c in columns), *(f'"{c}" = %s' for c in constants)])
    sql = (
        f'UPDATE "{table.name}" AS t SET {assignments} FROM jsonb_to_recordset(%s::jsonb) AS v({record})'
        f' WHERE t."{key}" = v."{key}"'
    )
    driver = await _driver(session)
    async with driver.cursor() as cursor:
        await cursor.execute(sql, [*map(_plain, constants.values()), json.dumps(list(rows), default=_json)])


async def insert_json_rows(
    session: AsyncSession,
    model: type[DeclarativeBase],
    rows: Sequence[Mapping[str, Any]],
    same: Mapping[str, Any] | None = None,
) -> list[int]:
    """Insert ``rows`` (all with the same keys, values JSON can carry) into ``model``'s table,
    each also with the values in ``same``; their new serial ``id`` values, in the rows' order.

    PostgreSQL: one ``INSERT … SELECT`` from the rows as one JSON document (encoded by one C
    call, no value converted in Python), ordered as given, so the ascending ids follow the
    rows' order (what SQLAlchemy's ``sort_by_parameter_order`` relies on too). SQLite: one
    executemany that returns the ids.
    """
    if not rows:
        return []
    table = _table(model)
    constants = dict(same or {})
    if not _on_postgresql(session):
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(await session.scalars(statement, [{**row, **constants} for row in rows]))
    dialect = session.get_bind().dialect
    varying = list(rows[0])
    record = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=dialect)}' for c in varying)
    names = ", ".join(f'"{c}"' for c in (*varying, *constants))
    values = ", ".join([*(f'v."{c}"' for c in varying), *(["%s"] * len(constants))])
    aliases = ", ".join([*(f'"{c}"' for c in varying), '"_n"'])
    sql = (
        f'INSERT INTO "{table.name}" ({names}) SELECT {values}'
        f" FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({record})) WITH ORDINALITY AS v({aliases})"
        ' ORDER BY v."_n" RETURNING "id"'
    )
    driver = await _driver(session)
    async with driver.cursor() as cursor:
        await cursor.execute(sql, [*constants.values(), json.dumps(list(rows), default=_json)])
        return sorted(row[0] for row in await cursor.fetchall())
