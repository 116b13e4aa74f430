"""Replicated hubs: ingest with one replica and with two, and how long a takeover takes.

Hub replicas run as processes of their own (tests/hub/replica_stack.py) on one fresh
PostgreSQL database and a Mosquitto of the bench's own (bench_hub's configuration: a replica
alone hears every community, so a shared broker's other traffic would join in). Figures:

- ingest: a backlog of readings for ``COMMUNITIES`` communities published at QoS 1, timed from
  the first publish until PostgreSQL holds every row; once with one replica (it owns and hears
  every community: the baseline) and once with two (each owns and hears half);
- takeover: two replicas, the owner of one community killed with SIGKILL; the time until the
  other holds its lease (goal 15 s, baseline the lease arithmetic ttl + renew), and until a
  reading published after the kill is stored (the publisher here sends every 0.2 s and never
  sends again; an agent would also resend what the gap swallowed after its ack timeout).

Every run uses a fresh database and new community names. The machine is shared: repeat with
--repeat and read the fastest and the median.

    .venv/bin/python bench/bench_replicas.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiomqtt
from bench_hub import Row, fresh_database, own_mosquitto
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from hub.db.engine import create_engine, migrate
from hub.db.models import CommunityLease, RawReading, UserRole
from hub.seed import ensure_community, ensure_site, ensure_user
from powershare_wire import Telemetry
from powershare_wire.messages import MAX_BATCH
from powershare_wire.topics import Kind, topic
from tests.hub.replica_stack import ReplicaProcess, SharedClock, reading, start_replica, wait_up

COMMUNITIES = 4
READINGS_PER_SITE = 5_000
LEASE_TTL_S, LEASE_RENEW_S = 10.0, 2.0  # the defaults


async def seed(url: str, communities: list[str]) -> AsyncEngine:
    engine = create_engine(url)
    await migrate(engine)
    async with async_sessionmaker(engine)() as session:
        for community in communities:
            await ensure_community(session, community)
            email = f"{community}@example.org"
            await ensure_user(session, email, "correct-horse-battery", UserRole.RESIDENT, community)
            await ensure_site(session, f"{community}-s", community, email, "hybrid", 48.1, 11.5)
        await session.commit()
    return engine


async def leases(engine: AsyncEngine) -> dict[str, str]:
    async with async_sessionmaker(engine)() as session:
        return dict((await session.execute(select(CommunityLease.community, CommunityLease.owner))).all())


async def stored(engine: AsyncEngine) -> int:
    async with async_sessionmaker(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(RawReading)) or 0)


async def until(check: Callable[[], Awaitable[bool]], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{what} not within {within_s:g} s")


async def start_replicas(
    count: int, url: str, engine: AsyncEngine, names: list[str], clock: SharedClock, logs: Path, port: int
) -> list[ReplicaProcess]:
    replicas = [
        start_replica(f"bench-{i}-{uuid.uuid4().hex[:4]}", url, port, clock, logs) for i in range(count)
    ]
    try:
        for replica in replicas:
            await wait_up(replica)
        await until(lambda: divided(engine, names, replicas), 60, "communities divided")
    except BaseException:
        for replica in replicas:
            replica.stop()
        raise
    await asyncio.sleep(1.0)  # the telemetry links follow within 0.25 s
    return replicas


async def divided(engine: AsyncEngine, names: list[str], replicas: list[ReplicaProcess]) -> bool:
    found = await leases(engine)
    share = -(-len(names) // len(replicas))
    per = [list(found.values()).count(r.replica_id) for r in replicas]
    return sorted(found) == sorted(names) and max(per) <= share and min(per) > 0


def backlog(community: str, count: int, start: datetime) -> list[bytes]:
    site = f"{community}-s"
    readings = [reading(seq, start + timedelta(seconds=seq)) for seq in range(count)]
    return [
        Telemetry(site=site, readings=readings[i : i + MAX_BATCH]).model_dump_json().encode()
        for i in range(0, count, MAX_BATCH)
    ]


async def ingest_rate(replica_count: int, logs: Path, port: int) -> float:
    names = [f"b{uuid.uuid4().hex[:8]}" for _ in range(COMMUNITIES)]
    clock = SharedClock(time.time(), 1.0)
    with fresh_database() as url:
        engine = await seed(url, names)
        replicas = await start_replicas(replica_count, url, engine, names, clock, logs, port)
        try:
            start = datetime.now(UTC) - timedelta(seconds=READINGS_PER_SITE)
            messages = {c: backlog(c, READINGS_PER_SITE, start) for c in names}
            began = time.monotonic()
            async with aiomqtt.Client(
                "127.0.0.1", port, identifier=f"bench-pub-{uuid.uuid4().hex[:6]}"
            ) as client:
                for community, payloads in messages.items():
                    name = topic(community, f"{community}-s", Kind.TELEMETRY)
                    await asyncio.gather(*(client.publish(name, p, qos=1) for p in payloads))
            total = COMMUNITIES * READINGS_PER_SITE

            async def all_stored() -> bool:
                return await stored(engine) >= total

            await until(all_stored, 300, "every reading stored")
            return total / (time.monotonic() - began)
        finally:
            for replica in replicas:
                replica.stop()
            await engine.dispose()


async def takeover(logs: Path, port: int) -> tuple[float, float]:
    names = [f"k{uuid.uuid4().hex[:8]}" for _ in range(2)]
    clock = SharedClock(time.time(), 1.0)
    with fresh_database() as url:
        engine = await seed(url, names)
        replicas = await start_replicas(2, url, engine, names, clock, logs, port)
        try:
            owners = await leases(engine)
            community = names[0]
            victim = next(r for r in replicas if r.replica_id == owners[community])
            survivor = next(r for r in replicas if r is not victim)
            name = topic(community, f"{community}-s", Kind.TELEMETRY)
            async with aiomqtt.Client(
                "127.0.0.1", port, identifier=f"bench-pub-{uuid.uuid4().hex[:6]}"
            ) as client:
                killed = time.monotonic()
                victim.kill()
                moved_after: float | None = None
                seq = 0
                while True:
                    ts = datetime.now(UTC)
                    await client.publish(
                        name,
                        Telemetry(site=f"{community}-s", readings=[reading(seq, ts)])
                        .model_dump_json()
                        .encode(),
                        qos=1,
                    )
                    seq += 1
                    if moved_after is None and (await leases(engine)).get(community) == survivor.replica_id:
                        moved_after = time.monotonic() - killed
                    if moved_after is not None and await stored(engine) > 0:
                        return moved_after, time.monotonic() - killed
                    if time.monotonic() - killed > 60:
                        raise TimeoutError("no takeover within 60 s")
                    await asyncio.sleep(0.2)
        finally:
            for replica in replicas:
                replica.stop()
            await engine.dispose()


async def run(repeat: int) -> list[Row]:
    logs = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    print(f"replica logs in {logs}")
    with own_mosquitto() as port:
        one = [await ingest_rate(1, logs, port) for _ in range(repeat)]
        two = [await ingest_rate(2, logs, port) for _ in range(repeat)]
        takeovers = [await takeover(logs, port) for _ in range(repeat)]
    lease_s = [t[0] for t in takeovers]
    resumed_s = [t[1] for t in takeovers]
    rows = [
        Row("ingest, 1 replica (fastest)", max(one), "readings/s", "—", None),
        Row("ingest, 1 replica (median)", statistics.median(one), "readings/s", "—", None),
        Row("ingest, 2 replicas (fastest)", max(two), "readings/s", "≥1.6× one", max(one)),
        Row(
            "ingest, 2 replicas (median)",
            statistics.median(two),
            "readings/s",
            "≥1.6× one",
            statistics.median(one),
        ),
        Row(
            "takeover: lease moved (fastest)", min(lease_s), "s", "≤15 s", LEASE_TTL_S + LEASE_RENEW_S, False
        ),
        Row(
            "takeover: lease moved (median)",
            statistics.median(lease_s),
            "s",
            "≤15 s",
            LEASE_TTL_S + LEASE_RENEW_S,
            False,
        ),
        Row(
            "takeover: ingest resumed (median)",
            statistics.median(resumed_s),
            "s",
            "≤15 s",
            LEASE_TTL_S + LEASE_RENEW_S,
            False,
        ),
    ]
    return rows


def print_table(rows: list[Row]) -> None:
    print()
    print(f"{'figure':36} {'value':>10} {'unit':11} {'goal':>10} {'baseline':>10} {'ratio':>7}")
    for row in rows:
        baseline = f"{row.baseline:,.1f}" if row.baseline else "—"
        print(
            f"{row.figure:36} {row.value:>10,.1f} {row.unit:11} {row.goal:>10} {baseline:>10} {row.ratio():>7}"
        )
    print(
        "\nratio: two replicas ÷ one for ingest; for takeover, the lease arithmetic (ttl + renew) ÷ the"
        " measured time (≥ 1.00× = within it)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (fastest and median)")
    args = parser.parse_args()
    print_table(asyncio.run(run(args.repeat)))


if __name__ == "__main__":
    main()
