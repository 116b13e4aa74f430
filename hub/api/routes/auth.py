"""Register, sign in and out, and who am I. Sessions are opaque tokens (cookie or bearer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.accounts import new_user, user_by_email
from hub.api.deps import CurrentUser, SessionDep, StateDep, Token
from hub.api.errors import field_error
from hub.api.schemas.accounts import LoginBody, LoginResult, Me, RegisterBody, UserPublic
from hub.auth.passwords import DUMMY_HASH, verify_password
from hub.auth.tokens import COOKIE_NAME, issue_token, revoke_token
from hub.db.models import Community, Site, UserRole

router = APIRouter(tags=["auth"])
me_router = APIRouter(tags=["me"])


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, operation_id="auth-register")
async def register(body: RegisterBody, session: SessionDep) -> UserPublic:
    """Create a resident account. Admins are created by seeding or by another admin."""
    if body.community is not None and await session.get(Community, body.community) is None:
        raise field_error("community", f"no community {body.community!r}")
    if await user_by_email(session, body.email) is not None:
        raise field_error("email", "an account with this email exists", code=status.HTTP_409_CONFLICT)
    user = new_user(body.email, body.password, UserRole.RESIDENT, body.display_name, body.community)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:  # a concurrent registration with the same email won the race
        raise field_error(
            "email", "an account with this email exists", code=status.HTTP_409_CONFLICT
        ) from None
    return UserPublic.model_validate(user)


@router.post("/auth/login", operation_id="auth-login")
async def login(body: LoginBody, response: Response, session: SessionDep, state: StateDep) -> LoginResult:
    """Check the password, set the session cookie and return the same token for bearer use."""
    user = await user_by_email(session, body.email)
    if not verify_password(user.password_hash if user else DUMMY_HASH, body.password) or user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong email or password")
    settings = state["settings"]
    lifetime = timedelta(days=settings.session_days)
    token = await issue_token(session, user, lifetime)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.env == "production",
        path="/",
    )
    return LoginResult(
        token=token, expires_at=datetime.now(UTC) + lifetime, user=UserPublic.model_validate(user)
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, operation_id="auth-logout")
async def logout(response: Response, session: SessionDep, token: Token) -> None:
    """End this session (the token stops working at once). Harmless when not signed in."""
    if token:
        await revoke_token(session, token)
    response.delete_cookie(COOKIE_NAME, path="/")


@me_router.get("/me", operation_id="me-get")
async def get_me(user: CurrentUser, session: SessionDep) -> Me:
    sites = (await session.scalars(select(Site.id).where(Site.owner_id == user.id).order_by(Site.id))).all()
    return Me.model_validate({**UserPublic.model_validate(user).model_dump(), "sites": list(sites)})
