"""Stopping tasks: a swallowed cancel is sent again, and no error is left for asyncio to log."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from powershare_wire.cancellation import cancel_and_wait


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


async def test_a_task_that_swallowed_its_cancel_is_cancelled_again() -> None:
    """Python 3.11's wait_for drops a cancel that arrives as its future completes; the hub's and
    the simulators' shutdown must not wait forever for such a task (the demo's Ctrl-C hung so)."""
    swallowed = 0

    async def loop_that_swallows_once() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1
                current = asyncio.current_task()
                assert current is not None
                current.uncancel()  # and carries on, as wait_for's caller does

    task = asyncio.create_task(loop_that_swallows_once())
    await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await cancel_and_wait([task])
    assert task.cancelled()
    assert swallowed == 1
