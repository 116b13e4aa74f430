"""What a change tells the world once it is committed: /ws events and stored notifications.

Functions that change state fill an Outbox instead of publishing; the caller commits, then
publishes, so nobody hears of a change that was rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.events import Event, EventBus
from hub.notify import Note, push


@dataclass
class Outbox:
    events: list[Event] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def publish(self, bus: EventBus) -> None:
        push(bus, self.notes)
        for event in self.events:
            bus.publish(event)

    def extend(self, other: Outbox) -> None:
        self.events += other.events
        self.notes += other.notes
