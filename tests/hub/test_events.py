"""The /ws fan-out buffer: a slow client loses its oldest events, never blocks the others."""

from __future__ import annotations

import asyncio

from hub.events import Event, EventBus, community_channel, everything, site_channel


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


async def test_a_waiting_reader_wakes_for_the_next_event() -> None:
    bus = EventBus()
    with bus.subscribe() as reader:
        waiting = asyncio.create_task(reader.get())
        await asyncio.sleep(0)  # the reader is now waiting on an empty buffer
        assert not waiting.done()
        bus.publish(reading_event(1))
        assert await asyncio.wait_for(waiting, 1) == reading_event(1)


async def test_closing_a_subscription_ends_its_waiting_reader_and_nothing_else() -> None:
    bus = EventBus()
    with bus.subscribe() as leaving, bus.subscribe() as staying:
        bus.publish(reading_event(1))
        assert await leaving.next() == reading_event(1)
        waiting = asyncio.create_task(leaving.next())
        await asyncio.sleep(0)  # the reader now waits on an empty buffer
        leaving.close()  # its client went away, or signed out
        assert await asyncio.wait_for(waiting, 1) is None
        bus.publish(reading_event(2))
        assert await leaving.next() is None  # closed stays closed, events or not
        assert await asyncio.wait_for(staying.next(), 1) == reading_event(1)
        assert await asyncio.wait_for(staying.next(), 1) == reading_event(2)


async def test_a_cancelled_reader_leaves_the_subscription_usable() -> None:
    bus = EventBus()
    with bus.subscribe() as reader:
        waiting = asyncio.create_task(reader.get())
        await asyncio.sleep(0)
        waiting.cancel()
        bus.publish(reading_event(1))  # offered to nobody waiting: it stays buffered
        assert reader.pending() == 1
        assert await asyncio.wait_for(reader.get(), 1) == reading_event(1)


async def test_channel_subscribers_see_only_their_channels() -> None:
    bus = EventBus()
    with bus.subscribe(accepts=None, channels=[site_channel("home-1")]) as resident:
        bus.publish(reading_event(1, "home-2"))
        bus.publish(reading_event(2, "home-1"))
        resident.leave(site_channel("home-1"))
        bus.publish(reading_event(3, "home-1"))
        assert resident.pending() == 1
        assert await resident.get() == reading_event(2, "home-1")


async def test_each_subscriber_gets_an_event_once_however_many_ways_it_matches() -> None:
    bus = EventBus()
    admin_view = bus.subscribe(everything, channels=[site_channel("home-1"), community_channel("north")])
    filtered_view = bus.subscribe(lambda e: e.site == "home-1", channels=[site_channel("home-1")])
    with admin_view as admin, filtered_view as filtered:
        bus.publish(
            Event.build("status", "north", "home-1", online=True)
        )  # on the site and community channels
        bus.publish(reading_event(1, "home-2"))  # on no channel either joined
        assert [admin.pending(), filtered.pending()] == [2, 1]
    assert bus.subscribers == 0
