"""An HTTP authentication and authorisation backend for EMQX (or any broker that can call one).

EMQX posts ``{"username", "password", "clientid"}``; we answer ``allow`` for a site's agent
with its current password, ``deny`` for a wrong password and ``ignore`` for names that are
not sites, so EMQX can fall through to its next authenticator (e.g. the hub's own account).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hub.api.deps import SessionDep
from hub.auth.passwords import verify_password
from hub.db.models import Site
from powershare_wire import topics as wire_topics

router = APIRouter(tags=["mqtt"])

Verdict = Literal["allow", "deny", "ignore"]
AGENT_PUBLISHES = {"telemetry", "status", "state", "cmd/dispatch/ack"}
AGENT_SUBSCRIBES = {"cmd/dispatch"}


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


@router.post("/mqtt/auth", operation_id="mqtt-authenticate")
async def authenticate(body: AuthnRequest, session: SessionDep) -> BrokerVerdict:
    site = await session.get(Site, body.username)
    if site is None or site.mqtt_password_hash is None:
        return BrokerVerdict(result="ignore")
    return BrokerVerdict(
        result="allow" if verify_password(site.mqtt_password_hash, body.password) else "deny"
    )


@router.post("/mqtt/acl", operation_id="mqtt-authorize")
async def authorize(body: AuthzRequest, session: SessionDep) -> BrokerVerdict:
    """An agent may only publish its own site's messages and read its own commands."""
    site = await session.get(Site, body.username)
    if site is None:
        return BrokerVerdict(result="ignore")
    parts = wire_topics.parse(body.topic)
    if parts is None or (parts.community, parts.site) != (site.community, site.id):
        return BrokerVerdict(result="deny")
    allowed = AGENT_PUBLISHES if body.action == "publish" else AGENT_SUBSCRIBES
    return BrokerVerdict(result="allow" if parts.kind.value in allowed else "deny")
