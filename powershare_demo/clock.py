"""The demo's one clock, shared by hub, agents and simulated devices, resumed across runs.

The demo keeps its database between runs, so its clock must never run backwards against what
is stored. It starts at the scenario's ``start`` on a fresh database; otherwise it resumes at
the later of

- the newest site snapshot stored (``sites.last_seen``, the newest reading's ``ts``), and
- the clock's own note in the data directory (``clock.json``), written every
  :data:`SAVE_EVERY_S` wall seconds and when the demo stops, which also covers what the hub
  booked in clock time after the last reading arrived (market intervals, dispatch).

The note is trusted only next to a database that holds data: a fresh database (``--fresh``,
or a deleted ``hub.db``) starts the scenario again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from firmware_sims.clock import ClockMode, SimClock
from firmware_sims.community import clock_for
from firmware_sims.scenario import Scenario
from hub.db.engine import create_engine
from hub.db.models import Site

log = logging.getLogger("powershare.demo")

CLOCK_FILE = "clock.json"
SAVE_EVERY_S = 1.0  # wall seconds: 60 clock seconds at the demo's speed


async def newest_stored(database_url: str) -> datetime | None:
    """The newest site snapshot in the database; ``None`` for a fresh (or unmigrated) one."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            newest = (await conn.execute(select(func.max(Site.last_seen)))).scalar_one_or_none()
    except SQLAlchemyError:  # no tables yet: the hub has never run on this database
        return None
    finally:
        await engine.dispose()
    return newest if isinstance(newest, datetime) else None


def read_note(data_dir: Path) -> datetime | None:
    """The clock time the last run noted, if the note is there and readable."""
    try:
        raw = json.loads((data_dir / CLOCK_FILE).read_text())
        noted = datetime.fromisoformat(raw["now"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return noted if noted.tzinfo is not None else None


def write_note(data_dir: Path, clock: SimClock) -> None:
    """Note the clock's time (atomically: a crash never leaves half a file)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = data_dir / f"{CLOCK_FILE}.tmp"
    scratch.write_text(json.dumps({"now": clock.now().isoformat(), "speed": clock.speed}))
    scratch.replace(data_dir / CLOCK_FILE)


def forget_note(data_dir: Path) -> None:
    (data_dir / CLOCK_FILE).unlink(missing_ok=True)


async def resume_at(database_url: str, data_dir: Path) -> datetime | None:
    """Where the clock picks up: ``None`` on a fresh database (start at the scenario's start)."""
    stored = await newest_stored(database_url)
    if stored is None:
        return None
    noted = read_note(data_dir)
    return stored if noted is None else max(stored, noted)


def demo_clock(scenario: Scenario, resume: datetime | None = None) -> SimClock:
    """The scenario's clock (its speed, from its start), or from ``resume`` when that is later."""
    if scenario.clock is not ClockMode.ACCELERATED:
        return clock_for(scenario)  # real time needs no resuming; a stepped demo never moves
    start = scenario.start
    if resume is not None and (start is None or resume > start):
        start = resume
    return SimClock.accelerated(scenario.speed, start)


async def keep_noting(data_dir: Path, clock: SimClock) -> None:
    """Note the clock every :data:`SAVE_EVERY_S` until cancelled, and once more then."""
    try:
        while True:
            with contextlib.suppress(OSError):
                write_note(data_dir, clock)
            await asyncio.sleep(SAVE_EVERY_S)
    finally:
        try:
            write_note(data_dir, clock)
        except OSError as exc:
            log.warning("could not note the demo clock in %s: %s", data_dir, exc)
