"""/ws: push hub events to a browser. Each client has a bounded buffer (see hub.events)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from hub.api.state import socket_state
from hub.events import Event

router = APIRouter()


@router.websocket("/ws")
async def events_socket(websocket: WebSocket) -> None:
    state = socket_state(websocket)
    await websocket.accept()
    with state["bus"].subscribe() as subscription:
        sender = asyncio.create_task(_send_events(websocket, subscription.get))
        try:
            while True:  # the client may send nothing yet; we only watch for it leaving
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()


async def _send_events(websocket: WebSocket, next_event: Callable[[], Awaitable[Event]]) -> None:
    try:
        while True:
            event = await next_event()
            await websocket.send_text(event.text)
    except (WebSocketDisconnect, RuntimeError):
        return
