"""Stopping a session's tasks leaves no error behind for asyncio to log as never retrieved."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from edge_agent.cancellation import cancel_and_wait


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
