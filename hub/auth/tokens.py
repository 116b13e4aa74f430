"""Opaque sign-in tokens. The client holds the token; the database holds only its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import AuthToken, User

COOKIE_NAME = "powershare_session"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(session: AsyncSession, user: User, lifetime: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        AuthToken(token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=now + lifetime)
    )
    await session.commit()
    return token


async def user_for_token(session: AsyncSession, token: str) -> User | None:
    row = await session.execute(
        select(User)
        .join(AuthToken, AuthToken.user_id == User.id)
        .where(AuthToken.token_hash == token_hash(token), AuthToken.expires_at > datetime.now(UTC))
    )
    return row.scalar_one_or_none()


async def revoke_token(session: AsyncSession, token: str) -> None:
    await session.execute(delete(AuthToken).where(AuthToken.token_hash == token_hash(token)))
    await session.commit()
