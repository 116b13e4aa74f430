"""Creating and finding accounts; shared by the API and the demo seeding."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.passwords import DEMO_PASSWORD, hash_password
from hub.core.config import running_in_production
from hub.db.models import User, UserRole


class DemoSecretError(RuntimeError):
    """A demo password was about to be used in production."""


def refuse_demo_secret(password: str) -> None:
    if running_in_production() and password == DEMO_PASSWORD:
        raise DemoSecretError("the demo password is refused when POWERSHARE_ENV=production")


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email.lower()))).scalar_one_or_none()


def new_user(
    email: str, password: str, role: UserRole, display_name: str = "", community: str | None = None
) -> User:
    refuse_demo_secret(password)
    return User(
        email=email.lower(),
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        community=community,
    )
