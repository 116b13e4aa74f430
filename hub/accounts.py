"""Creating and finding accounts, community membership and passwords; shared by the API, CLI and seeding."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.passwords import DEMO_PASSWORD, hash_password
from hub.core.config import running_in_production
from hub.db.models import AuthToken, Invitation, MembershipRequest, MembershipStatus, User, UserRole
from hub.error_codes import Ctx, ErrorCode


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


# Membership (see hub.db.models.membership): a resident belongs to one community, which they
# join with an invitation or by a request an admin approves.

INVITATION_DAYS = 14


class MembershipRefused(Exception):
    """Joining is not possible as asked; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, code: ErrorCode, message: str, ctx: Ctx | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.ctx: Ctx = dict(ctx or {})


def _invitation_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def create_invitation(
    session: AsyncSession, community: str, by: User | None, now: datetime, days: int = INVITATION_DAYS
) -> tuple[str, datetime]:
    """A one-use code for joining ``community`` and when it expires; only its hash is stored."""
    code = secrets.token_urlsafe(18)
    expires = now + timedelta(days=days)
    session.add(
        Invitation(
            code_hash=_invitation_hash(code),
            community=community,
            created_by=by.id if by else None,
            created_at=now,
            expires_at=expires,
        )
    )
    await session.flush()
    return code, expires


def _may_join(user: User, community: str) -> None:
    if user.community is not None and user.community != community:
        raise MembershipRefused(
            409,
            ErrorCode.ALREADY_IN_COMMUNITY,
            f"you are a member of {user.community!r}; one community per account",
            {"community": user.community},
        )


async def valid_invitation(session: AsyncSession, community: str, code: str, now: datetime) -> Invitation:
    """The unused, unexpired invitation to ``community`` with this code; MembershipRefused otherwise."""
    invitation = await session.get(Invitation, _invitation_hash(code))
    if (
        invitation is None
        or invitation.community != community
        or invitation.used_by is not None
        or invitation.expires_at <= now
    ):
        raise MembershipRefused(
            403,
            ErrorCode.INVITATION_INVALID,
            "this invitation is not valid for this community (used, expired or unknown)",
        )
    return invitation


async def join_with_invitation(
    session: AsyncSession, user: User, community: str, code: str, now: datetime
) -> None:
    """Make ``user`` a member with an unused, unexpired invitation to this community."""
    _may_join(user, community)
    invitation = await valid_invitation(session, community, code, now)
    invitation.used_by, invitation.used_at = user.id, now
    user.community = community
    await session.flush()


async def request_membership(session: AsyncSession, user: User, community: str) -> MembershipRequest:
    """Ask to join; an admin approves or refuses. Asking again returns the same request."""
    _may_join(user, community)
    found = await session.scalar(
        select(MembershipRequest).where(
            MembershipRequest.community == community, MembershipRequest.user_id == user.id
        )
    )
    if found is None:
        found = MembershipRequest(community=community, user_id=user.id, status=MembershipStatus.PENDING)
        session.add(found)
        await session.flush()
    return found


async def decide_membership(
    session: AsyncSession, request: MembershipRequest, admin: User, approve: bool, now: datetime
) -> User:
    """Approve (the user becomes a member) or refuse a pending request."""
    if request.status is not MembershipStatus.PENDING:
        raise MembershipRefused(
            409,
            ErrorCode.MEMBERSHIP_ALREADY_DECIDED,
            f"this request was {request.status.value} already",
            {"status": request.status.value},
        )
    user = await session.get(User, request.user_id)
    if user is None:
        raise MembershipRefused(
            404, ErrorCode.MEMBERSHIP_ACCOUNT_GONE, "the account that asked no longer exists"
        )
    if approve:
        _may_join(user, request.community)
        user.community = request.community
    request.status = MembershipStatus.APPROVED if approve else MembershipStatus.REFUSED
    request.decided_by, request.decided_at = admin.id, now
    await session.flush()
    return user


async def set_password(session: AsyncSession, email: str, password: str) -> User:
    """Give the account a new password and end its sessions (for the CLI and password change)."""
    user = await user_by_email(session, email)
    if user is None:
        raise LookupError(f"no account with email {email!r}")
    refuse_demo_secret(password)
    user.password_hash = hash_password(password)
    await session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))
    await session.flush()
    return user
