"""Declarative base shared by every table: naming convention and column type mapping."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

from hub.db.types import Money, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def long_enum(cls: type[enum.Enum], length: int) -> Enum:
    """The stored-as-value enum type of the mapping below, for values longer than 16 characters."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Enums are stored as their values in plain VARCHAR columns: no PostgreSQL enum types
    # to migrate when a state is added, and the same schema on SQLite.
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it)
        datetime: UtcDateTime(),
        Decimal: Money(),
        list[str]: JSON(),
        dict[str, Any]: JSON(),
        list[dict[str, Any]]: JSON(),
        enum.Enum: Enum(
            enum.Enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
    }
