"""PUBACKs of one connection, each sent once its message is done, in the order received.

MQTT 3.1.1 (4.6) wants PUBACKs in the order the PUBLISH packets came; ingest finishes a
rejected message at once but a stored one only after its batch commits, so a finished message
waits here until every earlier one is finished too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable


class InOrderAcks:
    def __init__(self, send: Callable[[int, int], object]) -> None:
        self._send = send
        self._waiting: deque[_Ack] = deque()
        self.closed = False  # the connection is gone: its message ids mean nothing any more

    def track(self, mid: int, qos: int) -> Callable[[], None]:
        """A callable that marks the message done; QoS 0 messages need no acknowledgement."""
        if qos == 0:
            return _nothing
        ack = _Ack(self, mid, qos)
        self._waiting.append(ack)
        return ack

    def release(self) -> None:
        waiting = self._waiting
        while waiting and waiting[0].done:
            ack = waiting.popleft()
            if not self.closed:
                self._send(ack.mid, ack.qos)

    def pending(self) -> int:
        return len(self._waiting)


class _Ack:
    __slots__ = ("acks", "done", "mid", "qos")

    def __init__(self, acks: InOrderAcks, mid: int, qos: int) -> None:
        self.acks, self.mid, self.qos, self.done = acks, mid, qos, False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            self.acks.release()


def _nothing() -> None:
    return None
