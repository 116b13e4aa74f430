"""One /ws socket's events, written to it by whoever publishes them, in order.

A socket is almost always writable, and then its ASGI ``send`` finishes without waiting. So an
event is written to each socket inside the publisher's own call (``start_eagerly``), one loop
over the subscribers as a broadcast makes, instead of waking a task per socket per event. Only
a socket whose write buffer is full makes its send wait; that send goes on in a task of its own,
and the events that come meanwhile wait in the subscription's bounded buffer (the oldest
dropped when it is full, as before). When the send is done, they are written in order, the
same way.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.types import Send
from starlette.websockets import WebSocketDisconnect

from hub.core.eager import start_eagerly
from hub.events import Subscription

log = logging.getLogger("hub.api")

GONE = (WebSocketDisconnect, RuntimeError, OSError)  # what a send to a closed socket raises


class SocketFeed:
    def __init__(self, send: Send, subscription: Subscription) -> None:
        self._send = send
        self._subscription = subscription
        self._writing: asyncio.Future[None] | None = None  # a send that waits for the socket
        self.ended = asyncio.Event()  # the subscription closed, or the socket failed

    def start(self) -> None:
        """From now on, events are written as they come (the hello is sent by then)."""
        self._subscription.listener = self._pump
        self._pump()

    def stop(self) -> None:
        """No more events: before the socket's last frames, and when it is gone."""
        self._subscription.listener = None
        if self._writing is not None:
            self._writing.cancel()

    def _pump(self) -> None:
        if self._subscription.closed:
            self.ended.set()
            return
        if self._writing is not None:
            return  # once the waiting send is done, _written writes what came meanwhile
        while (event := self._subscription.take()) is not None:
            try:
                waiting = start_eagerly(self._send({"type": "websocket.send", "text": event.text}))
            except GONE:
                self._gone()
                return
            except Exception:  # never into the publisher: ingest's commit path calls this
                log.exception("writing an event to a /ws socket failed; closing it")
                self._gone()
                return
            if waiting is not None:
                self._writing = waiting
                waiting.add_done_callback(self._written)
                return

    def _written(self, waiting: asyncio.Future[None]) -> None:
        self._writing = None
        stopped = self._subscription.listener is None
        if waiting.cancelled():
            if not stopped:  # cancelled by someone else (the hub stopping): the socket is done
                self._gone()
            return
        error = waiting.exception()
        if error is not None:
            if not isinstance(error, GONE):
                log.error("writing an event to a /ws socket failed; closing it", exc_info=error)
            self._gone()
        elif not stopped:
            self._pump()  # what was buffered while the socket made us wait, in order

    def _gone(self) -> None:
        self._subscription.listener = None
        self._subscription.close()
        self.ended.set()
