"""Register, sign in and out, and who am I. Sessions are opaque tokens (cookie or bearer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.accounts import (
    MembershipRefused,
    join_with_invitation,
    request_membership,
    set_password,
    user_by_email,
    valid_invitation,
)
from hub.api.deps import CurrentUser, SessionDep, StateDep, Token
from hub.api.errors import ApiError, ErrorCode, field_error
from hub.api.limits import LimitsDep, client_address, too_many
from hub.api.schemas.accounts import (
    LoginBody,
    LoginResult,
    Me,
    PasswordChange,
    RegisterBody,
    RegistrationAccepted,
    UserPublic,
)
from hub.auth.live_sessions import LiveSessions
from hub.auth.password_policy import password_problem
from hub.auth.passwords import DUMMY_HASH, hash_password_async, verify_password_async
from hub.auth.tokens import COOKIE_NAME, issue_token, revoke_token, token_hash, user_for_token
from hub.db.models import AuthToken, Community, Site, User, UserRole

router = APIRouter(tags=["auth"])
me_router = APIRouter(tags=["me"])


REGISTERED = RegistrationAccepted(
    detail="If this email had no account, it has one now: sign in with the password you chose."
)


@router.post("/auth/register", status_code=status.HTTP_202_ACCEPTED, operation_id="auth-register")
async def register(body: RegisterBody, session: SessionDep, state: StateDep) -> RegistrationAccepted:
    """Create a resident account. Admins are created with ``powershare-hub create-admin``.

    The answer is the same whether or not the email had an account (and takes as long), so
    registering tells nobody who uses PowerShare.
    """
    problem = password_problem(body.password, body.email, state["settings"].env == "production")
    if problem:
        raise field_error("password", problem)
    if body.community is not None and await session.get(Community, body.community) is None:
        raise field_error(
            "community",
            ErrorCode.COMMUNITY_NOT_FOUND,
            f"no community {body.community!r}",
            {"community": body.community},
        )
    if body.community is not None and body.invitation:
        try:  # checked before the email, so a bad code tells nothing about who has an account
            await valid_invitation(session, body.community, body.invitation, state["clock"].now())
        except MembershipRefused as exc:
            raise field_error("invitation", exc.code, exc.message, exc.ctx) from None
    password_hash = await hash_password_async(body.password)  # hashed either way: same time
    if await user_by_email(session, body.email) is not None:
        return REGISTERED
    user = User(
        email=body.email,
        password_hash=password_hash,
        role=UserRole.RESIDENT,
        display_name=body.display_name,
    )
    session.add(user)
    try:
        await session.flush()
        if body.community is not None:
            # Naming a community is asking to join it: an invitation lets in at once, else an admin decides.
            now = state["clock"].now()
            if body.invitation:
                await join_with_invitation(session, user, body.community, body.invitation, now)
            else:
                await request_membership(session, user, body.community)
        await session.commit()
    except IntegrityError:  # a concurrent registration with the same email won the race
        await session.rollback()
    except MembershipRefused as exc:
        await session.rollback()
        raise field_error("invitation", exc.code, exc.message, exc.ctx) from None
    return REGISTERED


@router.post(
    "/auth/login",
    operation_id="auth-login",
    responses={429: {"description": "Too many failed sign-ins for this account or address; see Retry-After"}},
)
async def login(
    body: LoginBody,
    request: Request,
    response: Response,
    session: SessionDep,
    state: StateDep,
    limits: LimitsDep,
) -> LoginResult:
    """Check the password, set the session cookie and return the same token for bearer use.

    Failed attempts are limited per account and per client address (429 with Retry-After); the
    check runs in a bounded thread pool, so a flood of sign-ins cannot stall the hub.
    """
    address = client_address(request)
    wait = max(limits.signin_account.retry_after(body.email), limits.signin_address.retry_after(address))
    if wait:
        raise too_many(wait, "failed sign-ins")
    user = await user_by_email(session, body.email)
    if (
        not await verify_password_async(user.password_hash if user else DUMMY_HASH, body.password)
        or user is None
    ):
        limits.signin_account.take(body.email)
        limits.signin_address.take(address)
        raise ApiError(status.HTTP_401_UNAUTHORIZED, ErrorCode.WRONG_CREDENTIALS, "wrong email or password")
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
async def logout(request: Request, response: Response, session: SessionDep, token: Token) -> None:
    """End this session: the token stops working at once and its /ws sockets close (4401).

    Harmless when not signed in.
    """
    if token:
        await revoke_token(session, token)
        sessions: LiveSessions = request.app.state.live_sessions
        sessions.sign_out(token_hash(token))
    response.delete_cookie(COOKIE_NAME, path="/")


@router.post(
    "/auth/password",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="auth-change-password",
    responses={429: {"description": "Too many wrong current passwords; see Retry-After"}},
)
async def change_password(
    body: PasswordChange,
    request: Request,
    response: Response,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    limits: LimitsDep,
) -> None:
    """Change your password: every session of yours ends (sign in again) and their /ws close."""
    wait = limits.signin_account.retry_after(user.email)
    if wait:
        raise too_many(wait, "wrong passwords")
    if not await verify_password_async(user.password_hash, body.current_password):
        limits.signin_account.take(user.email)
        raise field_error(
            "current_password", ErrorCode.WRONG_CURRENT_PASSWORD, "this is not your current password"
        )
    problem = password_problem(body.new_password, user.email, state["settings"].env == "production")
    if problem:
        raise field_error("new_password", problem)
    hashes = list(await session.scalars(select(AuthToken.token_hash).where(AuthToken.user_id == user.id)))
    await set_password(session, user.email, body.new_password)
    await session.commit()
    sessions: LiveSessions = request.app.state.live_sessions
    for hashed in hashes:
        sessions.sign_out(hashed)
    response.delete_cookie(COOKIE_NAME, path="/")


@me_router.get("/me", operation_id="me-get")
async def get_me(user: CurrentUser, session: SessionDep) -> Me:
    return await _me(session, user)


class SessionState(BaseModel):
    user: Me | None = Field(description="Who is signed in; none when nobody is (or the session ended)")


@me_router.get("/session", operation_id="session-get")
async def get_session(session: SessionDep, token: Token) -> SessionState:
    """Whether anyone is signed in, answered 200 either way, so a page load can ask without an error.

    API clients that need a user keep using ``/me``, which answers 401 when nobody is signed in.
    """
    user = await user_for_token(session, token) if token else None
    return SessionState(user=await _me(session, user) if user is not None else None)


async def _me(session: SessionDep, user: User) -> Me:
    sites = (await session.scalars(select(Site.id).where(Site.owner_id == user.id).order_by(Site.id))).all()
    return Me.model_validate({**UserPublic.model_validate(user).model_dump(), "sites": list(sites)})
