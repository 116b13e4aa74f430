"""Honour cancellations that Python 3.11's ``asyncio.wait_for`` swallowed.

When the awaited future completes at the moment the task is cancelled, 3.11's ``wait_for``
returns the result and drops the cancellation (gh-86296, fixed in 3.12). aiomqtt and pymodbus
await through ``wait_for``, so a loop around them can keep running after ``cancel()``. The task
still counts the request (``Task.cancelling()``), so loops check it, and code that cancels
tasks repeats the request until they are done.

A task in a database call is the exception: cancelled a second time while SQLAlchemy closes the
aiosqlite connection the first cancel aborted, that close waits forever on a thread already
stopped. Such tasks are cancelled once and given a grace to finish (``cancel_once_and_wait``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

RECANCEL_EVERY_S = 0.5
GRACE_S = 5.0


def raise_if_cancelling() -> None:
    """Raise ``CancelledError`` if the current task was asked to stop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def cancel_and_wait(tasks: Iterable[asyncio.Task[object]] | Iterable[asyncio.Task[None]]) -> None:
    """Cancel ``tasks`` and wait until all are done, cancelling again any that ignored it.

    The tasks' own errors are the caller's to raise or drop: once they are stopped their results
    count as read, so asyncio does not log "Task exception was never retrieved" for a second
    failure of the same dropped connection.
    """
    tasks = list(tasks)
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=RECANCEL_EVERY_S)
    for task in tasks:
        if not task.cancelled():
            task.exception()  # marks the error as retrieved


async def cancel_once_and_wait(tasks: Iterable[asyncio.Task[None]], grace_s: float = GRACE_S) -> None:
    """Cancel ``tasks`` once and wait until they are done, for ``grace_s`` even if the caller is
    cancelled meanwhile (its cancellation is raised after); only what is still running then is
    cancelled again, as by :func:`cancel_and_wait`. A caller cancelled meanwhile still returns
    only once every task is done: nested inside a task that another stop cancels, it would
    otherwise leave its tasks running past what its caller closes next (the database engine)."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    cancelled = False
    deadline = asyncio.get_running_loop().time() + grace_s
    pending = {task for task in tasks if not task.done()}
    while pending and (left := deadline - asyncio.get_running_loop().time()) > 0:
        try:
            _, pending = await asyncio.wait(pending, timeout=left)  # waiting cancels none of them
        except asyncio.CancelledError:
            cancelled = True
    while True:  # the caller's own cancels wait too: it returns only once its tasks are done
        try:
            await cancel_and_wait(tasks)
            break
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
