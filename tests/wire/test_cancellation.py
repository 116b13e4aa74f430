"""Stopping tasks: a swallowed cancel is sent again, a task cleaning up is not cancelled twice,
and no error is left for asyncio to log."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from typing import Any

from powershare_wire.cancellation import cancel_and_wait, cancel_once_and_wait


async def test_a_second_failure_of_a_dropped_session_is_not_logged_as_unretrieved() -> None:
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))

    async def fail() -> None:
        raise ConnectionError("the connection dropped")

    failed = [asyncio.create_task(fail()), asyncio.create_task(fail())]
    await asyncio.wait(failed)  # both failed; the session raises one of them and drops the other
    await cancel_and_wait(failed)
    del failed
    gc.collect()  # a task whose error was never read reports it when it is collected
    await asyncio.sleep(0)
    assert reported == []


class SwallowsOnce:
    """A loop that drops the first cancel it gets and carries on, as 3.11's wait_for's caller does."""

    def __init__(self) -> None:
        self.swallowed = 0

    async def run(self) -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if self.swallowed:
                    raise
                self.swallowed += 1
                current = asyncio.current_task()
                assert current is not None
                current.uncancel()


async def test_a_task_that_swallowed_its_cancel_is_cancelled_again() -> None:
    """Python 3.11's wait_for drops a cancel that arrives as its future completes; the hub's and
    the simulators' shutdown must not wait forever for such a task (the demo's Ctrl-C hung so)."""
    loop = SwallowsOnce()
    task = asyncio.create_task(loop.run())
    await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await cancel_and_wait([task])
    assert task.cancelled()
    assert loop.swallowed == 1


async def test_a_task_cleaning_up_after_its_cancel_is_not_cancelled_again() -> None:
    """A write whose database connection is being closed after the first cancel must not get a
    second one, even while the task stopping it is itself cancelled again and again (the hub's
    stop re-cancels every half second); the stopper's own cancellation is raised after."""
    cancels_seen = 0
    cleaned_up = asyncio.Event()

    async def write() -> None:
        nonlocal cancels_seen
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancels_seen += 1
            try:
                await asyncio.sleep(0.3)  # closing the aborted connection
            except asyncio.CancelledError:
                cancels_seen += 1
                raise
            cleaned_up.set()
            raise

    writing = asyncio.create_task(write())
    await asyncio.sleep(0)
    stopper = asyncio.create_task(cancel_once_and_wait([writing], grace_s=5))
    for _ in range(5):
        await asyncio.sleep(0.05)
        stopper.cancel()
    done, _ = await asyncio.wait([stopper], timeout=5)
    assert done == {stopper}
    assert stopper.cancelled()
    assert (cancels_seen, cleaned_up.is_set(), writing.cancelled()) == (1, True, True)


async def test_a_task_still_running_after_the_grace_is_cancelled_again() -> None:
    loop = SwallowsOnce()
    task = asyncio.create_task(loop.run())
    await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await cancel_once_and_wait([task], grace_s=0.2)
    assert (task.cancelled(), loop.swallowed) == (True, 1)


async def test_a_stopper_cancelled_past_its_grace_returns_only_once_its_tasks_are_done() -> None:
    """The hub's stop cancels the ingest writer, which stops its own writes the same way: when
    the outer grace ends first, the writer must not finish (and the engine close) under a write."""
    write_done = asyncio.Event()

    async def write() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            # A slow database close that no cancel cuts short, past both graces.
            loop = asyncio.get_running_loop()
            closed_at = loop.time() + 0.8
            while (left := closed_at - loop.time()) > 0:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.sleep(left)
            write_done.set()
            raise

    async def writer() -> None:
        writing = asyncio.create_task(write())
        try:
            await asyncio.sleep(3600)
        finally:
            await cancel_once_and_wait([writing], grace_s=0.3)

    stopping = asyncio.create_task(writer())
    await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await cancel_once_and_wait([stopping], grace_s=0.2)
    assert stopping.done()
    assert write_done.is_set()
