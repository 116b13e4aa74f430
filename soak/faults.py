"""The faults the soak injects, each one a coroutine that breaks something and repairs it.

Each fault first lets the community run for ``load_s`` (so readings are in flight when it
strikes), then does its damage, then restores the broken part. It does not wait for the
readings to come through: the runner does that (:mod:`soak.runner`).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from soak.stack import ChildProcess, Soak


@dataclass(frozen=True)
class Timing:
    load_s: float = 15.0  # traffic before each fault
    down_s: float = 5.0  # how long a killed broker, hub or database stays down
    partition_s: float = 300.0  # agents cut off from the broker
    silent_s: float = 30.0  # a device answers nothing for this long
    agent_kills: int = 5  # agents killed this many times in a row, at random moments
    recovery_s: float = 180.0  # longest wait for every reading of a fault to be stored


Fault = Callable[[Soak, Timing], Awaitable[None]]


async def broker_kill_before_save(soak: Soak, timing: Timing) -> None:
    """``kill -9`` the broker with nothing saved since it started: its sessions, the queue of
    messages for the hub, the retained acks, all gone."""
    await asyncio.sleep(timing.load_s)
    soak.broker.kill()
    await asyncio.sleep(timing.down_s)
    await asyncio.to_thread(soak.broker.start)


async def broker_kill_after_save(soak: Soak, timing: Timing) -> None:
    """``kill -9`` the broker just after it saved: it comes back with the hub's session and its
    queue as they were then, replaying what the hub may have stored meanwhile."""
    await asyncio.sleep(timing.load_s)
    await asyncio.to_thread(soak.broker.save)
    soak.broker.kill()
    await asyncio.sleep(timing.down_s)
    await asyncio.to_thread(soak.broker.start)


async def hub_kill(soak: Soak, timing: Timing) -> None:
    """``kill -9`` the hub mid-ingest: messages it took but had not committed are not yet
    acknowledged, so the broker holds them for its session."""
    await asyncio.sleep(timing.load_s)
    soak.hub.kill()
    await asyncio.sleep(timing.down_s)
    soak.hub.start()
    await soak.hub_subscribed()


async def postgres_restart(soak: Soak, timing: Timing) -> None:
    """Stop PostgreSQL at once (``pg_ctl -m immediate``: no checkpoint, as a crash), start it again."""
    await asyncio.sleep(timing.load_s)
    await asyncio.to_thread(soak.postgres.stop, "immediate")
    await asyncio.sleep(timing.down_s)
    await asyncio.to_thread(soak.postgres.start)


async def partition(soak: Soak, timing: Timing) -> None:
    """Nothing crosses between agents and broker for ``partition_s``; agents keep spooling."""
    await asyncio.sleep(timing.load_s)
    soak.proxy.partition()
    await asyncio.sleep(timing.partition_s)
    soak.proxy.heal()


async def agent_kill(soak: Soak, timing: Timing) -> None:
    """``kill -9`` every agent ``agent_kills`` times, each the moment its spool's write-ahead log
    changes: caught writing a poll's readings, or just done with it."""
    await asyncio.sleep(timing.load_s)
    for _ in range(timing.agent_kills):
        await asyncio.sleep(random.uniform(0.0, 2.0))  # somewhere in a poll cycle
        for site, agent in soak.agents.items():
            wal = soak.spools[site].with_name(soak.spools[site].name + "-wal")
            await asyncio.to_thread(_kill_on_next_write, agent, wal, 10 * soak.options.poll_s + 5)
        for agent in soak.agents.values():
            agent.start()
        await soak.producing()


def _kill_on_next_write(agent: ChildProcess, wal: Path, within_s: float) -> None:
    """Kill ``agent`` as soon as ``wal`` changes (or after ``within_s`` if it does not)."""

    def stamp() -> int:
        try:
            return wal.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    before, deadline = stamp(), time.monotonic() + within_s
    while stamp() == before and time.monotonic() < deadline:
        time.sleep(0.0005)
    agent.kill()


async def device_silent(soak: Soak, timing: Timing) -> None:
    """The first home's battery stops answering (its Modbus listener closes) for ``silent_s``."""
    await asyncio.sleep(timing.load_s)
    battery = soak.sims.homes[0].device("battery")
    await battery.go_offline()
    await asyncio.sleep(timing.silent_s)
    await battery.go_online()


FAULTS: dict[str, tuple[str, Fault]] = {
    "broker-kill-before-save": ("broker kill -9 before a save", broker_kill_before_save),
    "broker-kill-after-save": ("broker kill -9 after a save", broker_kill_after_save),
    "hub-kill": ("hub kill -9", hub_kill),
    "postgres-restart": ("PostgreSQL restart (immediate)", postgres_restart),
    "partition": ("network partition agents-broker", partition),
    "agent-kill": ("agent kill -9 mid-write", agent_kill),
    "device-silent": ("device going silent", device_silent),
}
