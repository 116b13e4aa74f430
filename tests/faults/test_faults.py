"""The soak's faults, shortened (#12): two homes, seconds per fault, on the soak's own stack.

One stack serves the module: its own PostgreSQL and Mosquitto (persistence, passwords, the
shipped ACL), the hub and two agents as subprocesses, two simulated homes, and the proxy
between agents and broker. Each fault runs in its own window of sequence numbers, so the
tests run in the order written (the last one stops the hub) and each counts only its own readings.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta

import psycopg
import pytest
import pytest_asyncio

from soak.accounting import count
from soak.faults import FAULTS, Timing
from soak.runner import run_fault, stored_or_timeout
from soak.stack import Options, Soak, running_soak
from tests.conftest import service_missing

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.mosquitto,
    pytest.mark.slow,
    pytest.mark.asyncio(loop_scope="module"),
]

SHORT = Timing(load_s=2.0, down_s=1.5, partition_s=5.0, silent_s=3.0, agent_kills=2, recovery_s=60.0)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def soak(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Soak]:
    for tool in ("mosquitto", "mosquitto_passwd", "initdb", "pg_ctl"):
        if shutil.which(tool) is None:
            service_missing(f"{tool} is not installed")
    options = Options(
        homes=2,
        poll_s=0.2,
        ack_timeout_s=2.0,  # compressed with the rest: a copy after 2 s of silence, not 30 s
        agent_keepalive_s=5,
        root=tmp_path_factory.mktemp("soak"),
    )
    async with running_soak(options) as running:
        yield running


@pytest.mark.timeout(300)  # the first one starts the stack too
@pytest.mark.parametrize("fault", list(FAULTS))
async def test_no_reading_is_lost_or_stored_twice(soak: Soak, fault: str) -> None:
    row = await run_fault(soak, fault, SHORT)
    assert row.count.produced > 0, "the agents produced nothing: the fault window saw no traffic"
    assert (row.count.lost, row.count.duplicated, row.notes) == (0, 0, []), row


@pytest.mark.timeout(120)
async def test_nothing_crosses_a_partition_and_everything_follows_once_it_heals(soak: Soak) -> None:
    await soak.hub_subscribed()
    await asyncio.sleep(1)  # the agents' connections are up again after the faults above
    soak.proxy.partition()
    start = soak.marks()
    await asyncio.sleep(2)
    end = soak.marks()
    during = await count(soak.postgres.dsn, start, end)
    soak.proxy.heal()
    assert during.produced > 0
    assert during.stored == 0, "readings crossed the partition"
    after = await stored_or_timeout(soak, start, end, SHORT.recovery_s)
    assert (after.lost, after.duplicated) == (0, 0)


@pytest.mark.timeout(120)
async def test_the_count_sees_a_reading_lost_or_stored_twice(soak: Soak) -> None:
    start = soak.marks()
    await asyncio.sleep(2)
    end = soak.marks()
    stored = await stored_or_timeout(soak, start, end, SHORT.recovery_s)
    assert (stored.produced, stored.lost, stored.duplicated) == (stored.stored, 0, 0)
    site = next(iter(start))
    async with await psycopg.AsyncConnection.connect(soak.postgres.dsn) as conn:
        cursor = await conn.execute(
            "SELECT seq, ts, device FROM readings WHERE site_id = %s AND seq >= %s ORDER BY seq LIMIT 2",
            (site, start[site]),
        )
        (gone, _, _), (twice, ts, device) = await cursor.fetchall()
        await conn.execute("DELETE FROM readings WHERE site_id = %s AND seq = %s", (site, gone))
        # The same reading once more under a later timestamp, as a replay with a new time would be.
        await conn.execute(
            'INSERT INTO readings (site_id, seq, ts, device, "values", received_at) '
            'SELECT site_id, seq, ts + %s, device, "values", received_at FROM readings '
            "WHERE site_id = %s AND seq = %s AND ts = %s AND device = %s",
            (timedelta(microseconds=1), site, twice, ts, device),
        )
    damaged = await count(soak.postgres.dsn, start, end)
    assert (damaged.lost, damaged.duplicated) == (1, 1)


@pytest.mark.timeout(60)
async def test_every_hub_task_outlives_the_faults(soak: Soak) -> None:
    # Last: it stops the hub. A task that died (the market after a database restart, say) loses
    # no reading but stops its work until the hub restarts; the hub names it as it stops.
    assert await soak.stop_hub_for_its_task_report() == []
