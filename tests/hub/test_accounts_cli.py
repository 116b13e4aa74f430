"""The first admin and password resets from the command line; password change from the API (#12)."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from hub.accounts import user_by_email
from hub.auth.passwords import verify_password
from hub.auth.tokens import issue_token
from hub.cli import main
from hub.db.engine import create_engine
from hub.db.models import AuthToken, UserRole
from hub.seed import ensure_user
from tests.conftest import BrokerAddress
from tests.hub.conftest import PASSWORD, HubFactory

NEW_PASSWORD = "a-brand-new-long-secret"


def run_cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str, password: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    main([*args, "--password-stdin", "--database-url", url])


async def account(url: str, email: str) -> tuple[UserRole, str, int]:
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine)() as session:
            user = await user_by_email(session, email)
            assert user is not None
            tokens = await session.scalar(select(func.count()).where(AuthToken.user_id == user.id))
            return user.role, user.password_hash, int(tokens or 0)
    finally:
        await engine.dispose()


def test_create_the_first_admin(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    run_cli(monkeypatch, sqlite_url, "create-admin", "--email", "Root@Example.org", password=PASSWORD)
    role, password_hash, _ = asyncio.run(account(sqlite_url, "root@example.org"))
    assert role is UserRole.ADMIN
    assert verify_password(password_hash, PASSWORD)
    with pytest.raises(SystemExit, match="exists; use set-password"):
        run_cli(monkeypatch, sqlite_url, "create-admin", "--email", "root@example.org", password=PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "why"),
    [("root@example.org", "password123", "too common"), ("nobody", PASSWORD, "--email")],
)
def test_create_admin_refuses_bad_input(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, email: str, password: str, why: str
) -> None:
    with pytest.raises(SystemExit, match=why):
        run_cli(monkeypatch, sqlite_url, "create-admin", "--email", email, password=password)


def test_reset_a_password_ends_its_sessions(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    run_cli(monkeypatch, sqlite_url, "create-admin", "--email", "root@example.org", password=PASSWORD)

    async def sign_in() -> None:
        engine = create_engine(sqlite_url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                user = await user_by_email(session, "root@example.org")
                assert user is not None
                await issue_token(session, user, timedelta(days=1))
        finally:
            await engine.dispose()

    asyncio.run(sign_in())
    assert asyncio.run(account(sqlite_url, "root@example.org"))[2] == 1
    run_cli(monkeypatch, sqlite_url, "set-password", "--email", "root@example.org", password=NEW_PASSWORD)
    _, password_hash, tokens = asyncio.run(account(sqlite_url, "root@example.org"))
    assert verify_password(password_hash, NEW_PASSWORD)
    assert tokens == 0
    with pytest.raises(SystemExit, match="no account"):
        run_cli(monkeypatch, sqlite_url, "set-password", "--email", "who@example.org", password=NEW_PASSWORD)


async def test_change_your_password(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.seed(lambda s: ensure_user(s, "ann@example.org", PASSWORD))
        ann = await hub.client_for("ann@example.org")
        wrong = await ann.post(
            "/api/auth/password", json={"current_password": "nope", "new_password": NEW_PASSWORD}
        )
        assert wrong.status_code == 422
        assert wrong.json()["detail"][0]["loc"] == ["body", "current_password"]
        weak = await ann.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": "qwertyuiop"}
        )
        assert weak.status_code == 422
        changed = await ann.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert changed.status_code == 204
        assert (await ann.get("/api/me")).status_code == 401  # the old session ended
        login = await hub.http.post(
            "/api/auth/login", json={"email": "ann@example.org", "password": NEW_PASSWORD}
        )
        assert login.status_code == 200
        assert datetime.fromisoformat(login.json()["expires_at"]) > datetime.now(UTC)
