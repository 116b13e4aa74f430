"""Run faults one after another on a running soak, counting each one's readings.

For each fault the runner notes every agent's next sequence number, injects the fault (which
repairs what it broke), notes them again, and waits until the hub has stored every reading
numbered in between, or until ``recovery_s`` has passed; what is missing then is lost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg

from soak.accounting import Count, Marks, count, total
from soak.faults import FAULTS, Timing
from soak.stack import Soak


@dataclass(frozen=True)
class Row:
    fault: str
    count: Count
    recovery_s: float  # from the repair until everything was stored (or the wait gave up)
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return (
            self.count.produced > 0 and self.count.lost == 0 and self.count.duplicated == 0 and not self.notes
        )


async def stored_or_timeout(soak: Soak, start: Marks, end: Marks, within_s: float) -> Count:
    deadline = time.monotonic() + within_s
    while True:
        try:
            now = await count(soak.postgres.dsn, start, end)
        except psycopg.OperationalError:  # down only inside a fault, but a slow start may lag
            now = None
        if now is not None and (now.lost == 0 or time.monotonic() > deadline):
            return now
        if now is None and time.monotonic() > deadline:
            raise RuntimeError("the soak's PostgreSQL does not answer")
        await asyncio.sleep(0.5)


def _check_agents(soak: Soak) -> list[str]:
    """Agents that exited by themselves (not by a fault) are a finding: note and restart them."""
    notes = []
    for site, agent in soak.agents.items():
        if agent.process is not None and agent.process.poll() is not None:
            notes.append(f"agent {site} exited with code {agent.process.returncode} (see {agent.log})")
            agent.start()
    return notes


async def run_fault(soak: Soak, name: str, timing: Timing) -> Row:
    label, inject = FAULTS[name]
    start = soak.marks()
    await inject(soak, timing)
    end = soak.marks()
    repaired = time.monotonic()
    result = await stored_or_timeout(soak, start, end, timing.recovery_s)
    notes = _check_agents(soak)
    if not soak.hub.running:
        notes.append(f"the hub exited (see {soak.hub.log})")
    return Row(label, result, time.monotonic() - repaired, notes)


async def run_faults(soak: Soak, names: Iterable[str], timing: Timing) -> list[Row]:
    return [await run_fault(soak, name, timing) for name in names]


def table(rows: list[Row]) -> str:
    header = ("fault", "produced", "stored", "lost", "duplicated", "recovery")
    lines = [
        (
            row.fault,
            str(row.count.produced),
            str(row.count.stored),
            str(row.count.lost),
            str(row.count.duplicated),
            f"{row.recovery_s:.1f} s",
        )
        for row in rows
    ]
    all_of = total(row.count for row in rows)
    lines.append(
        (
            "total (goal: lost 0, duplicated 0)",
            str(all_of.produced),
            str(all_of.stored),
            str(all_of.lost),
            str(all_of.duplicated),
            "",
        )
    )
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [render(header), "  ".join("-" * w for w in widths), *(render(line) for line in lines)]
    for row in rows:
        out.extend(f"  {row.fault}: {note}" for note in row.notes)
    return "\n".join(out)
