"""Fixtures for the simulator tests: stepped clocks at noon and at night."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from firmware_sims.clock import SimClock
from tests.sims.sims_helpers import MIDNIGHT, NOON


@pytest.fixture
def clock() -> SimClock:
    return SimClock.stepped(NOON)


@pytest.fixture
def night_clock() -> SimClock:
    return SimClock.stepped(MIDNIGHT)


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every server, client and executor thread a test starts must be gone when it ends."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    for thread in leaked:
        thread.join(timeout=2)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"threads left running: {still}"
