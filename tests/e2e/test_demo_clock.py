"""The demo's one clock: scenario start on a fresh database, never backwards after a restart."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker

from firmware_sims.scenario import load as load_scenario
from hub.db.engine import create_engine, migrate
from hub.db.models import Site
from hub.seed import ensure_site
from powershare_demo import DEFAULT_SCENARIO
from powershare_demo.clock import CLOCK_FILE, demo_clock, read_note, resume_at, write_note
from tests.conftest import free_port
from tests.e2e.test_demo import DEMO, demo_env

SCENARIO = load_scenario(DEFAULT_SCENARIO)
START = datetime(2026, 6, 21, 4, tzinfo=UTC)


async def stored_reading_at(database_url: str, when: datetime | None) -> None:
    """A migrated database whose one site last reported at ``when`` (None: never)."""
    engine = create_engine(database_url)
    try:
        await migrate(engine)
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await ensure_site(session, "home-1", "demo")
            await session.execute(update(Site).values(last_seen=when))
            await session.commit()
    finally:
        await engine.dispose()


async def test_a_fresh_database_starts_at_the_scenarios_start(tmp_path: Path, sqlite_url: str) -> None:
    assert SCENARIO.start == START
    assert SCENARIO.speed == 60
    assert await resume_at(sqlite_url, tmp_path) is None  # no database file yet
    await stored_reading_at(sqlite_url, None)  # seeded, but nothing reported
    write_note(tmp_path, demo_clock(SCENARIO, START + timedelta(days=3)))  # a stale note alone counts not
    assert await resume_at(sqlite_url, tmp_path) is None
    clock = demo_clock(SCENARIO, None)
    assert clock.speed == 60
    assert START <= clock.now() < START + timedelta(minutes=5)


async def test_a_kept_database_resumes_at_its_newest_data(tmp_path: Path, sqlite_url: str) -> None:
    newest = START + timedelta(hours=5, minutes=7)
    await stored_reading_at(sqlite_url, newest)
    assert await resume_at(sqlite_url, tmp_path) == newest
    # The note from a clean stop is later than the last reading (the hub booked in clock time
    # after it): it wins. An older note never pulls the clock back behind the stored data.
    write_note(tmp_path, demo_clock(SCENARIO, newest + timedelta(minutes=1)))
    noted = read_note(tmp_path)
    assert noted is not None
    assert await resume_at(sqlite_url, tmp_path) == noted
    write_note(tmp_path, demo_clock(SCENARIO, START))
    assert await resume_at(sqlite_url, tmp_path) == newest
    clock = demo_clock(SCENARIO, newest)
    assert newest <= clock.now() < newest + timedelta(minutes=5)
    assert clock.speed == SCENARIO.speed


def hub_clock(http_port: int, process: subprocess.Popen[str], within: float = 60) -> datetime:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            health = httpx.get(f"http://127.0.0.1:{http_port}/api/health").json()
            if health["ingest"]["accepted"] >= 20:
                body = httpx.get(f"http://127.0.0.1:{http_port}/api/clock").json()
                assert body["speed"] == 60
                return datetime.fromisoformat(body["now"])
        except httpx.TransportError:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
    raise AssertionError("the demo delivered no readings within a minute")


def run_demo_once(data_dir: Path) -> tuple[datetime, str]:
    """Start the demo, wait for readings, read the hub's clock, stop with Ctrl-C."""
    http_port = free_port()
    process = subprocess.Popen(
        [*DEMO, "--data-dir", str(data_dir), "--http-port", str(http_port), "--mqtt-port", str(free_port())],
        env=demo_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        now = hub_clock(http_port, process)
    finally:
        process.send_signal(signal.SIGINT)
        # A guard against a demo that never stops, not a speed check: under a full test run's
        # load its hub, agents and simulators took over 30 s to finish their last writes.
        output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    assert "Traceback" not in output
    return now, output


@pytest.mark.slow
@pytest.mark.timeout(360)  # two demo runs, each up to a minute to start and two to stop under load
def test_a_restarted_demo_picks_up_where_it_stopped(tmp_path: Path) -> None:
    first, output = run_demo_once(tmp_path)
    assert "at 60x (a 15-minute interval every 15 s)" in output
    assert START <= first < START + timedelta(hours=1)  # demo time, not the wall clock
    stopped = read_note(tmp_path)
    assert stopped is not None
    assert stopped >= first
    assert (tmp_path / CLOCK_FILE).is_file()

    second, output = run_demo_once(tmp_path)
    assert second >= stopped  # never backwards against what the first run stored
    assert "2026-06-21 04:00 UTC" not in output  # the banner shows the resumed time
