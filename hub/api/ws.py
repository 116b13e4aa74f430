"""/ws: push hub events to signed-in browsers, by subscription.

Sign in with the session cookie, ``?token=<token>``, or a first message ``{"token": "…"}``.
The hub then subscribes the client to its own sites, its communities, their market and its
notifications, and says so in a ``hello`` event. A client may change that with
``{"subscribe": ["site:<id>", "community:<id>", "market"]}`` and ``{"unsubscribe": [...]}``;
asking for a channel it may not see gets an ``error`` event, and the socket stays open.
Each client has a bounded buffer (see hub.events): a slow one loses its oldest events.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy import select

from hub.api.state import HubState, socket_state
from hub.auth.tokens import COOKIE_NAME, user_for_token
from hub.db.models import Site, User, UserRole
from hub.events import (
    Event,
    Subscription,
    community_channel,
    everything,
    market_channel,
    site_channel,
    user_channel,
)
from hub.privacy import communities_of

router = APIRouter()

FIRST_MESSAGE_TIMEOUT_S = 10.0
UNAUTHORISED_CLOSE = 4401  # 4000-4999: application codes; mirrors HTTP 401


@dataclass
class Viewer:
    user: User
    communities: set[str]

    @property
    def admin(self) -> bool:
        return self.user.role is UserRole.ADMIN


@router.websocket("/ws")
async def events_socket(websocket: WebSocket) -> None:
    state = socket_state(websocket)
    await websocket.accept()
    try:
        viewer = await _sign_in(websocket, state)
        if viewer is None:
            return
        accepts = everything if viewer.admin else None  # admins watch everything
        maxlen = state["settings"].ws_buffer
        with state["bus"].subscribe(accepts, maxlen) as subscription:
            for channel in await _default_channels(state, viewer):
                subscription.join(channel)
            lock = asyncio.Lock()  # replies and events share the socket; one frame at a time
            sender = asyncio.create_task(_send_events(websocket, subscription.get, lock))
            try:
                async with lock:
                    await _send_json(websocket, _hello(viewer, subscription))
                while True:
                    text = await websocket.receive_text()
                    async with lock:
                        await _handle(websocket, state, viewer, subscription, text)
            finally:
                sender.cancel()
    except (WebSocketDisconnect, RuntimeError):
        return


async def _sign_in(websocket: WebSocket, state: HubState) -> Viewer | None:
    token = websocket.query_params.get("token") or websocket.cookies.get(COOKIE_NAME)
    if not token:
        try:
            first = json.loads(await asyncio.wait_for(websocket.receive_text(), FIRST_MESSAGE_TIMEOUT_S))
            token = first.get("token") if isinstance(first, dict) else None
        except (TimeoutError, ValueError):
            token = None
    user = None
    if isinstance(token, str) and token:
        async with state["sessions"]() as session:
            user = await user_for_token(session, token)
            communities = await communities_of(session, user) if user else set()
    if user is None:
        await _send_json(
            websocket,
            {
                "type": "error",
                "error": "unauthenticated",
                "detail": "sign in first: send the session cookie, ?token=<token> or {'token': '<token>'}",
            },
        )
        await websocket.close(UNAUTHORISED_CLOSE)
        return None
    return Viewer(user, communities)


async def _default_channels(state: HubState, viewer: Viewer) -> list[str]:
    channels = [user_channel(viewer.user.id)]
    if viewer.admin:
        return channels
    async with state["sessions"]() as session:
        owned = await session.scalars(select(Site.id).where(Site.owner_id == viewer.user.id))
        channels += [site_channel(site) for site in owned]
    for community in sorted(viewer.communities):
        channels += [community_channel(community), market_channel(community)]
    return channels


async def _handle(
    websocket: WebSocket, state: HubState, viewer: Viewer, subscription: Subscription, text: str
) -> None:
    try:
        message = json.loads(text)
    except ValueError:
        message = None
    if not isinstance(message, dict) or not ({"subscribe", "unsubscribe"} & message.keys()):
        await _send_json(
            websocket, _error("bad_message", 'expected {"subscribe": [...]} or {"unsubscribe": [...]}')
        )
        return
    for channel in _names(message.get("unsubscribe")):
        for resolved in _resolve(channel, viewer):
            subscription.leave(resolved)
    for channel in _names(message.get("subscribe")):
        problem = await _forbidden(state, viewer, channel)
        if problem:
            await _send_json(websocket, {**_error("forbidden", problem), "channel": channel})
            continue
        for resolved in _resolve(channel, viewer):
            subscription.join(resolved)
    await _send_json(websocket, {"type": "subscribed", "channels": sorted(subscription.channels)})


def _names(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _resolve(channel: str, viewer: Viewer) -> list[str]:
    """``market`` means the market of each of the viewer's communities."""
    if channel == "market":
        return [market_channel(c) for c in sorted(viewer.communities)]
    return [channel]


async def _forbidden(state: HubState, viewer: Viewer, channel: str) -> str | None:
    kind, _, name = channel.partition(":")
    if channel == "market":
        return None
    if kind not in ("site", "community", "market", "user") or not name:
        return f"unknown channel {channel!r}; use site:<id>, community:<id> or market"
    if viewer.admin:
        return None
    if kind in ("community", "market"):
        return None if name in viewer.communities else f"you are not a member of community {name!r}"
    if kind == "user":
        return None if name == str(viewer.user.id) else "you may only follow your own notifications"
    async with state["sessions"]() as session:
        site = await session.get(Site, name)
    if site is None or site.owner_id != viewer.user.id:
        return f"site {name!r} is not yours"
    return None


def _hello(viewer: Viewer, subscription: Subscription) -> dict[str, Any]:
    user = viewer.user
    return {
        "type": "hello",
        "user": {"id": user.id, "email": user.email, "role": user.role.value},
        "channels": sorted(subscription.channels),
        "everything": viewer.admin,
    }


def _error(code: str, detail: str) -> dict[str, Any]:
    return {"type": "error", "error": code, "detail": detail}


async def _send_json(websocket: WebSocket, payload: dict[str, Any]) -> None:
    await websocket.send_text(json.dumps(payload, separators=(",", ":")))


async def _send_events(
    websocket: WebSocket, next_event: Callable[[], Awaitable[Event]], lock: asyncio.Lock
) -> None:
    try:
        while True:
            event = await next_event()
            async with lock:
                await websocket.send_text(event.text)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return
