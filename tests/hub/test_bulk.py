"""Bulk writes on both databases: notifications keep their ids in the order given, and one
value meant for every row reaches every row."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from hub.db.bulk import insert_json_rows, update_rows
from hub.db.engine import create_engine, migrate
from hub.db.models import Community, Notification, User

WHEN = datetime(2026, 6, 21, 12, tzinfo=UTC)
LATER = datetime(2026, 6, 22, 8, tzinfo=UTC)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=30))
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
