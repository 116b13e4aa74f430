"""Migrations build the schema the models describe, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, insert, inspect, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from hub.db.engine import alembic_config, create_engine, migrate
from hub.db.models import Base, Community, EnergyRequest, Offer, RawReading, Settlement, Transaction
from hub.db.partitions import modelled, partition_name

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
    "standing_orders",
    "market_intervals",
    "sharing_periods",
    "settlements",
    "ledger_lines",
    "allocations",
    "invitations",
    "membership_requests",
    "cluster_replicas",
    "community_leases",
}


def _differences(connection: Connection) -> list[object]:
    opts = {"compare_type": True, "include_name": modelled}  # as env.py compares
    context = MigrationContext.configure(connection, opts=opts)
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


async def test_the_market_migration_converts_floats_to_wh_and_exact_prices(db_url: str) -> None:
    """Orders and trades stored before 0004 (float kWh and prices) survive it exactly, and back."""
    engine = create_engine(db_url)
    try:
        await migrate(engine, "0003")
        async with engine.begin() as conn:
            for statement in (
                "INSERT INTO communities (id, name, currency, retail_price_per_kwh, feed_in_price_per_kwh,"
                " settlement_interval_min, co2_g_per_kwh, created_at)"
                " VALUES ('c', 'c', 'EUR', 0.3, 0.08, 15, 380, '2026-06-01 00:00:00+00')",
                "INSERT INTO sites (id, community, kind, name, assets, preferences)"
                " VALUES ('s', 'c', 'hybrid', 's', '[]', '{}')",
                "INSERT INTO energy_requests (id, community, site_id, amount_kwh, window_start, window_end,"
                " status, created_at, urgency, max_price_per_kwh) VALUES (1, 'c', 's', 2.5,"
                " '2026-06-01 10:00:00+00', '2026-06-01 11:00:00+00', 'open', '2026-06-01 00:00:00+00',"
                " 'high', 0.2125)",
                "INSERT INTO offers (id, community, site_id, amount_kwh, window_start, window_end, status,"
                " created_at, min_price_per_kwh) VALUES (1, 'c', 's', 1.25, '2026-06-01 10:00:00+00',"
                " '2026-06-01 11:00:00+00', 'open', '2026-06-01 00:00:00+00', 0.1)",
                "INSERT INTO transactions (id, community, seller_site_id, buyer_site_id, amount_kwh,"
                " price_per_kwh, delivered_kwh, status, window_start, window_end, created_at, updated_at)"
                " VALUES (1, 'c', 's', 's', 0.75, 0.19, 0.5, 'matched', '2026-06-01 10:00:00+00',"
                " '2026-06-01 10:15:00+00', '2026-06-01 00:00:00+00', '2026-06-01 00:00:00+00')",
            ):
                await conn.exec_driver_sql(statement)
        await migrate(engine)
        async with async_sessionmaker(engine)() as session:
            community = await session.get(Community, "c")
            request = await session.get(EnergyRequest, 1)
            offer = await session.get(Offer, 1)
            trade = await session.get(Transaction, 1)
            assert community is not None
            assert request is not None
            assert offer is not None
            assert trade is not None
            assert (community.retail_price_per_kwh, community.feed_in_price_per_kwh) == (
                Decimal("0.3000"),
                Decimal("0.0800"),
            )
            assert (request.energy_wh, request.max_price, request.filled_wh) == (2500, Decimal("0.2125"), 0)
            assert (offer.energy_wh, offer.min_price, offer.source) == (1250, Decimal("0.1000"), "solar")
            assert (trade.energy_wh, trade.energy_price, trade.fee, trade.delivered_wh) == (
                750,
                Decimal("0.1900"),
                Decimal("0"),
                500,
            )
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":  # as hub.db.engine.migrate does: batch rebuilds drop tables
                await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), "0003"))
            await conn.commit()
            back = (
                await conn.exec_driver_sql("SELECT amount_kwh, max_price_per_kwh FROM energy_requests")
            ).one()
            assert tuple(back) == (2.5, 0.2125)
    finally:
        await engine.dispose()


async def test_readings_stored_before_0008_move_into_day_partitions_and_back(db_url: str) -> None:
    """0008 keeps every raw reading: in its day's partition on PostgreSQL, and back in a plain table."""
    times = [datetime(2026, 6, 1, 10, tzinfo=UTC), datetime(2026, 6, 2, 23, 59, 59, tzinfo=UTC)]
    rows = [
        {"site_id": "s", "seq": n, "ts": ts, "device": "site", "values": {}, "received_at": ts}
        for n, ts in enumerate(times)
    ]
    postgres = db_url.startswith("postgresql")
    engine = create_engine(db_url)
    try:
        await migrate(engine, "0007")
        async with engine.begin() as conn:
            await conn.execute(insert(RawReading), rows)
        await migrate(engine)
        async with engine.connect() as conn:
            assert list(await conn.scalars(select(RawReading.ts).order_by(RawReading.ts))) == times
            if postgres:
                where = await conn.execute(text("SELECT ts, tableoid::regclass::text AS part FROM readings"))
                assert {row.ts: row.part for row in where} == {ts: partition_name(ts.date()) for ts in times}
        async with engine.connect() as conn:
            if not postgres:  # as hub.db.engine.migrate does: batch rebuilds drop tables
                await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), "0007"))
            await conn.commit()
            assert list(await conn.scalars(select(RawReading.ts).order_by(RawReading.ts))) == times
            if postgres:
                kind = await conn.exec_driver_sql("SELECT relkind FROM pg_class WHERE relname = 'readings'")
                assert kind.scalar_one() == "r"  # a plain table again
    finally:
        await engine.dispose()


async def test_settlement_notes_stored_before_0011_become_codes_and_back(db_url: str) -> None:
    """A correction's English note becomes its code and sites, so no stored correction loses its why."""
    engine = create_engine(db_url)
    try:
        await migrate(engine, "0010")
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO communities (id, name, currency, retail_price_per_kwh, feed_in_price_per_kwh,"
                " settlement_interval_min, settlement_grace_s, co2_g_per_kwh, created_at)"
                " VALUES ('c', 'c', 'EUR', 0.3, 0.08, 15, 300, 380, '2026-06-01 00:00:00+00')"
            )
            for minute, note in (
                (0, "'late readings from home-a, home-b'"),
                (15, "'trades changed'"),
                (30, "NULL"),
            ):
                await conn.exec_driver_sql(
                    'INSERT INTO settlements (community, start, "end", mode, revision, digest, retail_price,'
                    " feed_in_price, shared_wh, metered, note, settled_at) VALUES ('c',"
                    f" '2026-06-01 10:{minute:02d}:00+00', '2026-06-01 11:00:00+00', 'market', 2, 'x', 0.3,"
                    f" 0.08, 0, '{{}}', {note}, '2026-06-01 12:00:00+00')"
                )
        await migrate(engine)
        async with async_sessionmaker(engine)() as session:
            rows = await session.scalars(select(Settlement).order_by(Settlement.start))
            assert [(s.note_code, s.note_sites) for s in rows] == [
                ("late_readings", ["home-a", "home-b"]),
                ("trades_changed", None),
                (None, None),
            ]
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":  # as hub.db.engine.migrate does: batch rebuilds drop tables
                await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), "0010"))
            await conn.commit()
            back = await conn.exec_driver_sql("SELECT note FROM settlements ORDER BY start")
            assert [row[0] for row in back] == ["late readings from home-a, home-b", "trades changed", None]
    finally:
        await engine.dispose()
