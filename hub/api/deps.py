"""Request dependencies: the database session and the signed-in user (cookie or bearer token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from hub.api.errors import ApiError, ErrorCode
from hub.api.state import SessionDep, StateDep
from hub.auth.tokens import COOKIE_NAME, user_for_token
from hub.db.models import OrderStatus, User, UserRole
from hub.market.orders import Listing
from powershare_wire.topics import ID_PATTERN

__all__ = [
    "INT4_MAX",
    "AdminUser",
    "CommunityId",
    "CurrentUser",
    "OrderListing",
    "RowId",
    "SessionDep",
    "SiteId",
    "StateDep",
    "Token",
]

_bearer = HTTPBearer(auto_error=False, description="The token returned by POST /api/auth/login")
_cookie = APIKeyCookie(name=COOKIE_NAME, auto_error=False, description="Set by POST /api/auth/login")


def request_token(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> str | None:
    """The bearer token wins over the cookie, so API clients are never confused by a browser session."""
    if bearer is not None:
        return bearer.credentials
    return cookie


Token = Annotated[str | None, Depends(request_token)]

UNAUTHENTICATED = ApiError(
    status.HTTP_401_UNAUTHORIZED,
    ErrorCode.SIGN_IN_REQUIRED,
    "sign in first: POST /api/auth/login, then send the session cookie or 'Authorization: Bearer <token>'",
    headers={"WWW-Authenticate": "Bearer"},
)


async def current_user(session: SessionDep, token: Token) -> User:
    if not token:
        raise UNAUTHENTICATED
    user = await user_for_token(session, token)
    if user is None:
        raise ApiError(
            status.HTTP_401_UNAUTHORIZED,
            ErrorCode.SESSION_EXPIRED,
            "the session has expired or was signed out; sign in again",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def admin_user(user: CurrentUser) -> User:
    if user.role is not UserRole.ADMIN:
        raise ApiError(status.HTTP_403_FORBIDDEN, ErrorCode.ADMIN_ONLY, "only an admin may do this")
    return user


AdminUser = Annotated[User, Depends(admin_user)]


def order_listing(
    status_: Annotated[OrderStatus | None, Query(alias="status")] = None,
    active: Annotated[
        bool, Query(description="Only orders still in the book: open or partly matched, window not over")
    ] = False,
    mine: Annotated[bool, Query(description="Only the caller's own")] = False,
) -> Listing:
    return Listing(status_, active, mine)


OrderListing = Annotated[Listing, Depends(order_listing)]


# Path parameters, bounded so no input reaches the database that it cannot represent
# (row ids are INTEGER columns: 2³¹ − 1 at most, else PostgreSQL refuses the query with a 500).
INT4_MAX = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=INT4_MAX)]
SiteId = Annotated[str, Path(pattern=ID_PATTERN, description="Site id")]
CommunityId = Annotated[str, Path(pattern=ID_PATTERN, description="Community id")]
