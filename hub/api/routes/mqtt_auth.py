"""An HTTP authentication and authorisation backend for EMQX (or any broker that can call one).

The broker posts ``{"username", "password", "clientid"}``; we answer ``allow`` for a site's agent
with its current password, ``deny`` for a wrong password and ``ignore`` for names that are not
sites, so the broker can fall through to its next authenticator (e.g. the hub's own account).

Only the broker may ask: each request carries ``Authorization: Bearer <POWERSHARE_MQTT_AUTH_SECRET>``.
Without it anyone could try site passwords here or learn which sites and communities exist.
Requests without the secret, and wrong passwords for one user name, are rate-limited (429).
"""

from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from hub.api.deps import SessionDep, StateDep
from hub.api.errors import ApiError, ErrorCode
from hub.api.limits import LimitsDep, client_address, too_many
from hub.auth.broker_access import Action, Principal, is_reserved, may
from hub.auth.passwords import verify_password_async
from hub.db.models import Site

router = APIRouter(tags=["mqtt"])

Verdict = Literal["allow", "deny", "ignore"]

_broker_secret = HTTPBearer(
    auto_error=False, description="POWERSHARE_MQTT_AUTH_SECRET, shared with the broker"
)


async def from_broker(
    request: Request,
    state: StateDep,
    limits: LimitsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_broker_secret)],
) -> None:
    address = client_address(request)
    wait = limits.broker_address.retry_after(address)
    if wait:
        raise too_many(wait, "requests without the broker secret")
    secret = state["settings"].mqtt_auth_secret
    if secret is None:
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            ErrorCode.BROKER_BACKEND_OFF,
            "the broker backend is off: set POWERSHARE_MQTT_AUTH_SECRET",
        )
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), secret.get_secret_value().encode()):
        limits.broker_address.take(address)
        raise ApiError(
            status.HTTP_401_UNAUTHORIZED,
            ErrorCode.BROKER_SECRET_REQUIRED,
            "send Authorization: Bearer <POWERSHARE_MQTT_AUTH_SECRET>",
            headers={"WWW-Authenticate": "Bearer"},
        )


FromBroker = Depends(from_broker)


class AuthnRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    clientid: str = Field(default="", max_length=200)


class AuthzRequest(BaseModel):
    username: str = Field(max_length=64)
    topic: str = Field(max_length=500)
    action: Literal["publish", "subscribe", "all"]


class BrokerVerdict(BaseModel):
    result: Verdict
    is_superuser: bool = False


@router.post("/mqtt/auth", operation_id="mqtt-authenticate", dependencies=[FromBroker])
async def authenticate(body: AuthnRequest, session: SessionDep, limits: LimitsDep) -> BrokerVerdict:
    if is_reserved(body.username):  # the broker's own accounts (hub, monitoring) are not ours
        return BrokerVerdict(result="ignore")
    site = await session.get(Site, body.username)
    if site is None or site.mqtt_password_hash is None:
        return BrokerVerdict(result="ignore")
    if limits.broker_user.retry_after(site.id):
        return BrokerVerdict(result="deny")  # too many wrong passwords lately: not even checked
    if await verify_password_async(site.mqtt_password_hash, body.password):
        return BrokerVerdict(result="allow")
    limits.broker_user.take(site.id)
    return BrokerVerdict(result="deny")


@router.post("/mqtt/acl", operation_id="mqtt-authorize", dependencies=[FromBroker])
async def authorize(body: AuthzRequest, session: SessionDep) -> BrokerVerdict:
    """An agent may only publish its own site's messages and read its own commands."""
    if is_reserved(body.username):
        return BrokerVerdict(result="ignore")
    site = await session.get(Site, body.username)
    if site is None:
        return BrokerVerdict(result="ignore")
    principal = Principal(site.id, site.community)
    actions: tuple[Action, ...] = ("publish", "subscribe") if body.action == "all" else (body.action,)
    allowed = all(may(principal, body.topic, action) for action in actions)
    return BrokerVerdict(result="allow" if allowed else "deny")
