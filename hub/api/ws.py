"""/ws: push hub events to signed-in browsers, by subscription.

Sign in with the session cookie or a first message ``{"token": "…"}``; never with the token in
the URL (URLs end up in access logs and browser history). A browser's socket must come from the
hub's own origin (or one in POWERSHARE_ALLOWED_ORIGINS): another site's page cannot open it with
the resident's cookie. Signing out closes the session's sockets (close code 4401). The hub then subscribes the client to its own sites, its communities, their market and its
notifications, and says so in a ``hello`` event. A client may change that with
``{"subscribe": ["site:<id>", "community:<id>", "market"]}`` and ``{"unsubscribe": [...]}``;
asking for a channel it may not see gets an ``error`` event, and the socket stays open.
Each client has a bounded buffer (see hub.events): a slow one loses its oldest events.
Every frame sent is one of ``hub.api.schemas.events.WsEvent`` (``docs/ws/README.md``).

A hub holds thousands of these sockets (docs/scaling.md), so each costs as little as it can.
Events are written by the publisher's own call, one socket after another (hub.api.ws_feed),
rather than by a task per socket: waking a task per socket per event cost more than the write,
and the handler itself sits under some twenty frames of ASGI middleware and routing. Events go
out as the text the bus serialised once, and the viewer keeps plain values, not the user's row.
The route is a plain ASGI app rather than a FastAPI endpoint, so that events go straight to the
server's ``send`` (not through ``WebSocket.send`` and the route's exception wrapper each time)
and a socket keeps no dependency-injection state; sign-in, replies and closing still use
Starlette's ``WebSocket``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy import select
from starlette.routing import WebSocketRoute
from starlette.types import Receive, Scope, Send

from hub.api.schemas.events import Hello, HelloUser, Subscribed, WsError, WsErrorCode
from hub.api.state import HubState, socket_state
from hub.api.ws_feed import SocketFeed
from hub.auth.live_sessions import LiveSessions
from hub.auth.tokens import COOKIE_NAME, token_hash, user_for_token
from hub.db.models import Site, User, UserRole
from hub.events import (
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
FORBIDDEN_ORIGIN_CLOSE = 4403


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is watching: what the socket needs of the user, for as long as it is open."""

    user_id: int
    email: str
    role: UserRole
    communities: frozenset[str]
    token_hash: str

    @classmethod
    def of(cls, user: User, communities: set[str], token_hash: str) -> Viewer:
        return cls(user.id, user.email, user.role, frozenset(communities), token_hash)

    @property
    def admin(self) -> bool:
        return self.role is UserRole.ADMIN


def allowed_origin(origin: str | None, host: str | None, allowed: frozenset[str]) -> bool:
    """Non-browser clients send no Origin; a browser's must be the hub's own or a configured one."""
    if origin is None:
        return True
    if origin in allowed:
        return True
    scheme, _, rest = origin.partition("://")
    return scheme in ("http", "https") and host is not None and rest == host


class EventsSocket:
    """The /ws ASGI app (a class: Starlette hands a function a ``WebSocket``, not ``send``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await events_socket(WebSocket(scope, receive, send), send)


router.routes.append(WebSocketRoute("/ws", EventsSocket(), name="events_socket"))


async def events_socket(websocket: WebSocket, send: Send) -> None:
    state = socket_state(websocket)
    origins = state["settings"].websocket_origins()
    if not allowed_origin(websocket.headers.get("origin"), websocket.headers.get("host"), origins):
        await websocket.close(FORBIDDEN_ORIGIN_CLOSE)  # before accept: the handshake gets a 403
        return
    await websocket.accept()
    try:
        viewer = await _sign_in(websocket, state)
        if viewer is None:
            return
        sessions: LiveSessions = websocket.app.state.live_sessions
        with sessions.watch(viewer.token_hash) as signed_out:
            await _serve(websocket, send, state, viewer, signed_out)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return


async def _serve(
    websocket: WebSocket, send: Send, state: HubState, viewer: Viewer, signed_out: asyncio.Event
) -> None:
    accepts = everything if viewer.admin else None  # admins watch everything
    maxlen = state["settings"].ws_buffer
    with state["bus"].subscribe(accepts, maxlen) as subscription:
        for channel in await _default_channels(state, viewer):
            subscription.join(channel)
        await _send_json(websocket, _hello(viewer, subscription))
        # Replies come from the receiver, events from whoever publishes them (ws_feed): each
        # send writes one whole frame, so they may interleave but never mix.
        feed = SocketFeed(send, subscription)
        feed.start()
        receiver = asyncio.create_task(_receive(websocket, state, viewer, subscription))
        waiter = asyncio.create_task(signed_out.wait())
        # The client leaving (or sending what fails) and the session signing out both end the
        # feed: they close the subscription.
        receiver.add_done_callback(_closing(subscription))
        waiter.add_done_callback(lambda _task: subscription.close())
        try:
            await feed.ended.wait()
            feed.stop()
            if signed_out.is_set():
                await _send_json(websocket, _error("signed_out", "this session was signed out"))
                await websocket.close(UNAUTHORISED_CLOSE)
            elif receiver.done():
                receiver.result()  # a disconnect ends the socket as before
        finally:
            feed.stop()
            for task in (receiver, waiter):
                task.cancel()


def _closing(subscription: Subscription) -> Callable[[asyncio.Task[None]], None]:
    """The receiver's end closes the subscription; its error is read here too, since the
    handler reads it only when the socket did not end by signing out."""

    def ended(task: asyncio.Task[None]) -> None:
        if not task.cancelled():
            task.exception()
        subscription.close()

    return ended


async def _receive(websocket: WebSocket, state: HubState, viewer: Viewer, subscription: Subscription) -> None:
    while True:
        text = await websocket.receive_text()
        await _handle(websocket, state, viewer, subscription, text)


async def _sign_in(websocket: WebSocket, state: HubState) -> Viewer | None:
    if "token" in websocket.query_params:
        await _send_json(
            websocket,
            _error(
                "token_in_url", "tokens do not go in URLs: send the session cookie or {'token': '<token>'}"
            ),
        )
        await websocket.close(UNAUTHORISED_CLOSE)
        return None
    token = websocket.cookies.get(COOKIE_NAME)
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
            _error("unauthenticated", "sign in first: send the session cookie or {'token': '<token>'}"),
        )
        await websocket.close(UNAUTHORISED_CLOSE)
        return None
    assert isinstance(token, str)  # a user was found for it
    return Viewer.of(user, communities, token_hash(token))


async def _default_channels(state: HubState, viewer: Viewer) -> list[str]:
    channels = [user_channel(viewer.user_id)]
    if viewer.admin:
        return channels
    async with state["sessions"]() as session:
        owned = await session.scalars(select(Site.id).where(Site.owner_id == viewer.user_id))
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
    allowed: list[str] = []
    for channel in _names(message.get("subscribe")):
        problem = await _forbidden(state, viewer, channel)
        if problem:
            await _send_json(websocket, _error("forbidden", problem, channel))
            continue
        allowed += _resolve(channel, viewer)
    # Joined only now, in the turn that sends the reply: events are written by their publisher
    # (ws_feed), so one joined before a later channel's check could reach the client first.
    for resolved in allowed:
        subscription.join(resolved)
    await _send_json(websocket, Subscribed(channels=sorted(subscription.channels)))


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
        return None if name == str(viewer.user_id) else "you may only follow your own notifications"
    async with state["sessions"]() as session:
        site = await session.get(Site, name)
    if site is None or site.owner_id != viewer.user_id:
        return f"site {name!r} is not yours"
    return None


def _hello(viewer: Viewer, subscription: Subscription) -> Hello:
    return Hello(
        user=HelloUser(id=viewer.user_id, email=viewer.email, role=viewer.role),
        channels=sorted(subscription.channels),
        everything=viewer.admin,
    )


def _error(code: WsErrorCode, detail: str, channel: str | None = None) -> WsError:
    return WsError(error=code, detail=detail, channel=channel)


async def _send_json(websocket: WebSocket, frame: Hello | Subscribed | WsError) -> None:
    # A frame leaves out what it lacks (an error's channel) rather than send it as null.
    await websocket.send_text(frame.model_dump_json(exclude_none=True))
