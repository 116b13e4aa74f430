"""Rate limits as the API applies them: the app's buckets, and a 429 that says when to retry."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, status

from hub.api.errors import ApiError, ErrorCode
from hub.auth.rate_limit import Limits


def request_limits(request: Request) -> Limits:
    limits: Limits = request.app.state.limits  # set by create_app
    return limits


LimitsDep = Annotated[Limits, Depends(request_limits)]


def client_address(request: Request) -> str:
    # uvicorn puts the proxy's client here when it trusts the proxy (--forwarded-allow-ips)
    return request.client.host if request.client else "unknown"


def too_many(retry_after: int, what: str) -> ApiError:
    return ApiError(
        status.HTTP_429_TOO_MANY_REQUESTS,
        ErrorCode.RATE_LIMITED,
        f"too many {what}; try again in {retry_after} s",
        {"retry_after": retry_after},
        headers={"Retry-After": str(retry_after)},
    )
