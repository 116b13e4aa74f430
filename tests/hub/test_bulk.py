"""Bulk writes on both databases: notifications keep their ids in the order given, and one
value meant for every row reaches every row."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from hub.db.bulk import insert_json_rows, insert_values, update_rows
from hub.db.engine import create_engine, migrate
from hub.db.models import Community, LedgerKind, LedgerLine, Notification, User

WHEN = datetime(2026, 6, 21, 12, tzinfo=UTC)
LATER = datetime(2026, 6, 22, 8, tzinfo=UTC)
RUNS = itertools.count()


# What a text column can hold: no NUL (PostgreSQL's text cannot) and no lone surrogates (not UTF-8).
TEXT = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), min_size=1, max_size=40)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(TEXT, min_size=1, max_size=30))
async def test_each_id_names_its_own_row(db_url: str, titles: list[str]) -> None:
    engine = create_engine(db_url)
    await migrate(engine)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            if await session.get(Community, "c") is None:
                session.add(Community(id="c", name="c"))
                await session.flush()
                session.add(User(email="u@example.org", password_hash="-", community="c"))
                await session.flush()
            user = await session.scalar(select(User.id).where(User.email == "u@example.org"))
            assert user is not None
            rows = [
                {"user_id": user, "kind": "k", "title": t, "body": "", "data": {"n": i}}
                for i, t in enumerate(titles)
            ]
            ids = await insert_json_rows(session, Notification, rows, {"created_at": WHEN})
            await update_rows(
                session, Notification, "id", [{"id": ids[0], "body": "read"}], {"created_at": LATER}
            )
            await session.commit()
            stored = {
                n.id: n for n in await session.scalars(select(Notification).where(Notification.id.in_(ids)))
            }
        assert [(stored[i].title, stored[i].data) for i in ids] == [
            (t, {"n": n}) for n, t in enumerate(titles)
        ]
        assert [stored[i].created_at for i in ids] == [LATER] + [WHEN] * (len(ids) - 1)
        assert stored[ids[0]].body == "read"
    finally:
        await engine.dispose()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.tuples(
            TEXT,
            st.decimals(min_value=-(10**9), max_value=10**9, places=4),
            st.integers(-(2**40), 2**40),
            st.none() | st.integers(1, 2**40),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
@example(
    lines=[("site:a\tb\\c\nd\re \\N", Decimal("-0.0150"), -300, None, True), ("\\", Decimal(0), 0, 7, False)]
)
async def test_rows_inserted_as_values_read_back_as_given(
    db_url: str, lines: list[tuple[str, Decimal, int, int | None, bool]]
) -> None:
    """Whatever an account's text (tabs, newlines, backslashes), an amount's digits or a missing
    trade, each row reads back as written, with the values shared by all rows."""
    engine = create_engine(db_url)
    await migrate(engine)
    community = f"c{next(RUNS)}"  # each example its own
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            columns = ("entry", "account", "kind", "amount", "energy_wh", "transaction_id", "reversal")
            rows = [(n, *line[:1], LedgerKind.TRADE, *line[1:]) for n, line in enumerate(lines)]
            same = {"community": community, "interval_start": WHEN, "revision": 3}
            await insert_values(session, LedgerLine, columns, rows, same)
            await session.commit()
            stored = await session.scalars(
                select(LedgerLine).where(LedgerLine.community == community).order_by(LedgerLine.entry)
            )
            assert [
                (
                    x.entry,
                    x.account,
                    x.kind,
                    x.amount,
                    x.energy_wh,
                    x.transaction_id,
                    x.reversal,
                    x.interval_start,
                    x.revision,
                )
                for x in stored
            ] == [(*row, WHEN, 3) for row in rows]
    finally:
        await engine.dispose()
