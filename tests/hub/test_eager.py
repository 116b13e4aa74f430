"""start_eagerly runs a coroutine in the caller's turn and hands it to a task only if it waits;
the /ws feed built on it writes a socket's events in order, waiting or not."""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.types import Message
from starlette.websockets import WebSocketDisconnect

from hub.api.ws_feed import SocketFeed
from hub.core.eager import start_eagerly
from hub.events import Event, EventBus, site_channel


async def test_a_coroutine_that_never_waits_is_done_before_start_eagerly_returns() -> None:
    done: list[str] = []

    async def write() -> None:
        done.append("written")

    assert start_eagerly(write()) is None
    assert done == ["written"]


async def test_an_error_before_any_wait_is_raised_to_the_caller() -> None:
    async def fail() -> None:
        raise OSError("socket closed")

    with pytest.raises(OSError, match="socket closed"):
        start_eagerly(fail())


async def test_a_coroutine_that_waits_goes_on_in_a_task_and_sees_what_it_waited_for() -> None:
    writable = asyncio.get_running_loop().create_future()
    failing = asyncio.get_running_loop().create_future()
    steps: list[object] = []

    async def write() -> None:
        steps.append("before")
        steps.append(await writable)
        await asyncio.sleep(0)  # a bare yield on the way
        try:
            await failing
        except ValueError as exc:
            steps.append(str(exc))

    task = start_eagerly(write())
    assert task is not None
    assert steps == ["before"]  # it ran up to its first wait in our turn
    writable.set_result("writable")
    failing.set_exception(ValueError("refused"))
    await task
    assert steps == ["before", "writable", "refused"]


async def test_cancelling_the_task_cancels_what_the_coroutine_waits_on_as_a_task_would() -> None:
    lock = asyncio.Lock()
    await lock.acquire()
    seen: list[str] = []

    async def write() -> None:
        try:
            async with lock:  # waits: the lock is held
                seen.append("got the lock")
        except asyncio.CancelledError:
            seen.append("cancelled while waiting")
            raise

    task = start_eagerly(write())
    assert task is not None
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == ["cancelled while waiting"]
    # The lock forgot the cancelled waiter: the next one gets it once it is released.
    lock.release()
    async with asyncio.timeout(1), lock:
        pass


async def test_a_task_cancelled_before_its_first_step_still_runs_the_coroutines_cleanup() -> None:
    """The feed stops a waiting send in the same turn it began to wait (a socket closing):
    what the send holds is let go at once, not when the garbage collector finds it."""
    writable = asyncio.Event()
    released: list[str] = []

    async def send() -> None:
        try:
            await writable.wait()
        finally:
            released.append("released")

    task = start_eagerly(send())
    assert task is not None
    task.cancel()  # before the task's first step
    with pytest.raises(asyncio.CancelledError):
        await task
    assert released == ["released"]


class Socket:
    """An ASGI send that waits while its write buffer is full, as uvicorn's does."""

    def __init__(self) -> None:
        self.writable = asyncio.Event()
        self.writable.set()
        self.frames: list[int] = []
        self.closed = False

    async def send(self, message: Message) -> None:
        await self.writable.wait()
        if self.closed:
            raise WebSocketDisconnect(1006)
        self.frames.append(json.loads(message["text"])["n"])


def event(n: int) -> Event:
    return Event.build("reading", "c", "home", channels=[site_channel("home")], n=n)


async def test_events_reach_a_socket_in_order_while_it_makes_them_wait() -> None:
    bus = EventBus()
    socket = Socket()
    with bus.subscribe(None, maxlen=100, channels=[site_channel("home")]) as subscription:
        feed = SocketFeed(socket.send, subscription)
        bus.publish(event(0))  # before the start: buffered, written at the start
        feed.start()
        bus.publish(event(1))
        assert socket.frames == [0, 1]  # written within publish, no task needed
        socket.writable.clear()  # the client stops reading; its buffer fills
        for n in range(2, 6):
            bus.publish(event(n))
        assert socket.frames == [0, 1]
        socket.writable.set()
        await asyncio.sleep(0.01)
        assert socket.frames == [0, 1, 2, 3, 4, 5]
        bus.publish(event(6))  # back to writing at once
        assert socket.frames == [0, 1, 2, 3, 4, 5, 6]
        assert not feed.ended.is_set()
        feed.stop()


async def test_a_socket_that_is_gone_ends_its_feed_and_never_the_publisher() -> None:
    bus = EventBus()
    gone, other = Socket(), Socket()
    with (
        bus.subscribe(None, channels=[site_channel("home")]) as leaving,
        bus.subscribe(None, channels=[site_channel("home")]) as staying,
    ):
        feeds = [SocketFeed(gone.send, leaving), SocketFeed(other.send, staying)]
        for feed in feeds:
            feed.start()
        gone.closed = True
        bus.publish(event(1))  # raises nothing here
        bus.publish(event(2))
        assert feeds[0].ended.is_set()
        assert leaving.closed
        assert other.frames == [1, 2]
        assert not feeds[1].ended.is_set()


async def test_a_feed_stopped_while_its_send_waits_leaves_no_task_and_writes_nothing_more() -> None:
    bus = EventBus()
    socket = Socket()
    with bus.subscribe(None, channels=[site_channel("home")]) as subscription:
        feed = SocketFeed(socket.send, subscription)
        feed.start()
        socket.writable.clear()
        bus.publish(event(1))
        bus.publish(event(2))
        feed.stop()  # the socket is closing: its last frames come next
        socket.writable.set()
        await asyncio.sleep(0.01)
        assert socket.frames == []
        assert asyncio.all_tasks() == {asyncio.current_task()}
