"""Start a coroutine at once, in the caller's turn, and give it a task only if it must wait.

The /ws fan-out sends one event to thousands of sockets. A socket's send almost never waits
(only while its write buffer is full), so running each send as a task of its own would pay a
task, a future and a turn of the event loop per socket per event for nothing. Python 3.12 has
eager tasks for this (``asyncio.eager_task_factory``); the hub also runs on 3.11, so this is
the same idea for one call: step the coroutine until it first waits, then let a task wait for
what it waits on and carry on from there. Cancelling that task cancels what the coroutine
waits on, so the coroutine sees the cancellation where it waits, as under ``asyncio.Task``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any


def start_eagerly(coro: Awaitable[None]) -> asyncio.Future[None] | None:
    """Run ``coro`` now; None if it finished without waiting (its error, if any, is raised
    here), else the task that finishes it. An awaitable that is not a coroutine gets a task."""
    if not asyncio.iscoroutine(coro):
        return asyncio.ensure_future(coro)
    try:
        waits_on = coro.send(None)
    except StopIteration:
        return None
    task = asyncio.get_running_loop().create_task(_finish(coro, waits_on))
    # A task cancelled before its first step never runs _finish's body: close the coroutine, so
    # its finally blocks run now (closing a finished coroutine does nothing).
    task.add_done_callback(lambda _task: coro.close())
    return task


async def _finish(coro: Coroutine[Any, Any, None], waits_on: Any) -> None:
    """Step ``coro`` each time what it waits on is done: an asyncio future, or None for a bare
    yield (``asyncio.sleep(0)``), which only asks for one turn of the loop."""
    try:
        while True:
            try:
                if waits_on is None:
                    await asyncio.sleep(0)
                else:
                    await asyncio.wait([waits_on])  # its outcome is for coro to read, not for us
            except asyncio.CancelledError as cancel:
                if waits_on is not None and waits_on.cancel():
                    waits_on = coro.send(None)  # it finds its future cancelled, and may recover
                else:
                    waits_on = coro.throw(cancel)
                continue
            waits_on = coro.send(None)
    except StopIteration:
        return
