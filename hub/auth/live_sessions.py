"""Which open /ws sockets belong to which sign-in session, so signing out closes them.

A token that is revoked stops working for HTTP at once; a socket opened with it would otherwise
keep streaming until the browser closes it. Sockets are keyed by the token's hash (as stored).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager


class LiveSessions:
    def __init__(self) -> None:
        self._open: dict[str, set[asyncio.Event]] = {}

    @contextmanager
    def watch(self, token_hash: str) -> Iterator[asyncio.Event]:
        """An event set when this session signs out, for as long as the block runs."""
        event = asyncio.Event()
        self._open.setdefault(token_hash, set()).add(event)
        try:
            yield event
        finally:
            events = self._open.get(token_hash)
            if events is not None:
                events.discard(event)
                if not events:
                    del self._open[token_hash]

    def sign_out(self, token_hash: str) -> int:
        """Tell every socket of this session to close; returns how many there were."""
        events = self._open.pop(token_hash, set())
        for event in events:
            event.set()
        return len(events)
