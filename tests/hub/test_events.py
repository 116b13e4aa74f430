"""The /ws fan-out buffer: a slow client loses its oldest events, never blocks the others."""

from __future__ import annotations

import asyncio

from hub.events import Event, EventBus


def reading_event(n: int, site: str = "home-1") -> Event:
    return Event.build("reading", "north", site, n=n)


async def test_a_stalled_subscriber_keeps_only_its_newest_events() -> None:
    bus = EventBus()
    with bus.subscribe(maxlen=3) as stalled, bus.subscribe(maxlen=100) as fast:
        for n in range(10):
            bus.publish(reading_event(n))
        assert stalled.pending() == 3
        assert stalled.dropped == 7
        assert [await stalled.get() for _ in range(3)] == [reading_event(n) for n in (7, 8, 9)]
        assert fast.pending() == 10
        assert fast.dropped == 0


async def test_filters_select_what_a_subscriber_sees() -> None:
    bus = EventBus()
    with bus.subscribe(accepts=lambda e: e.site == "home-2") as mine:
        bus.publish(reading_event(1, "home-1"))
        bus.publish(reading_event(2, "home-2"))
        assert await asyncio.wait_for(mine.get(), 1) == reading_event(2, "home-2")
        assert mine.pending() == 0


async def test_unsubscribed_clients_are_forgotten() -> None:
    bus = EventBus()
    with bus.subscribe():
        assert bus.subscribers == 1
    assert bus.subscribers == 0
