"""Replicated hubs on PostgreSQL: communities divided by lease, taken over, events shared (#13).

Waits are bounded polls, never sleeps that assume a speed; the 15 s bounds are the takeover
time the issue promises (lease_ttl_s + lease_renew_s = 12 s by default), not expected durations.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import websockets
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from firmware_sims.clock import SimClock
from hub.cluster.bridge import CHANNEL, PAYLOAD_MAX, Assembler, PgEventBridge, conninfo_of, envelopes
from hub.cluster.leases import LeaseKeeper
from hub.cluster.link_guard import LinkGuard
from hub.db.engine import create_engine, migrate
from hub.db.models import Community, CommunityLease, MarketInterval, Settlement
from hub.events import Event, EventBus, site_channel
from hub.market.clearing import AlreadyCleared
from hub.market.coordinator import MarketCoordinator
from hub.market.settler import SettlementCoordinator
from hub.market.standing import materialize_standing
from hub.metrics import HubMetrics
from hub.seed import ensure_community
from powershare_wire.cancellation import cancel_and_wait
from powershare_wire.clock import WALL_CLOCK
from tests.conftest import BrokerAddress
from tests.helpers import eventually, session_cookie
from tests.hub.conftest import HubFactory, RunningHub
from tests.hub.test_ws import next_of

TAKEOVER_S = 15.0  # the bound on how long a dead replica's communities stay unowned


# --- the envelope: pure --------------------------------------------------------------------


def test_a_small_event_fits_one_notify_and_a_large_one_comes_back_whole_from_its_pieces() -> None:
    small = Event.build("trade", "c", None, price="0.12")
    [one] = envelopes("a", 0, small)
    assert Assembler().receive(json.loads(one)) == small
    assert envelopes("a", 1, small) != [one]  # sent twice in one transaction, both arrive

    # Quotes and non-ASCII text grow when escaped: every piece must still fit.
    large = Event.build("market_result", "c", None, channels=["market:c"], book=['"한글" \\ ' * 2000])
    pieces = envelopes("a", 7, large)
    other = envelopes("b", 7, Event.build("market_result", "c", None, book=["x" * 30_000]))
    assert len(pieces) > 1
    assert len(other) > 1
    assert all(len(p.encode()) <= PAYLOAD_MAX for p in [*pieces, *other])
    # Pieces of two replicas' events interleaved, each in its own order shuffled.
    mixed = [json.loads(p) for p in pieces + other]
    random.Random(13).shuffle(mixed)
    assembler = Assembler()
    whole = [e for e in (assembler.receive(envelope) for envelope in mixed) if e is not None]
    assert sorted(whole, key=lambda e: len(e.text)) == sorted(
        [large, Event.build("market_result", "c", None, book=["x" * 30_000])], key=lambda e: len(e.text)
    )


# --- leases: LeaseKeepers on one database --------------------------------------------------


async def _database(pg_url: str, communities: list[str]) -> AsyncEngine:
    engine = create_engine(pg_url)
    await migrate(engine)
    async with async_sessionmaker(engine)() as session:
        for community_id in communities:
            await ensure_community(session, community_id)
        await session.commit()
    return engine


async def _leases(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with sessions() as session:
        rows = await session.execute(select(CommunityLease.community, CommunityLease.owner))
        return dict(rows.all())


@pytest.mark.postgres
async def test_keepers_divide_the_communities_each_to_one_and_fairly(pg_url: str) -> None:
    names = [f"c{i}" for i in range(7)]
    engine = await _database(pg_url, names)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    keepers = [LeaseKeeper(sessions, f"r{i}", ttl_s=10, renew_s=2) for i in range(3)]
    try:

        async def round_() -> list[frozenset[str]]:
            for keeper in keepers:
                await keeper.tick()
            return [keeper.owned for keeper in keepers]

        # The first keeper sees itself alone and takes all; the others join and it gives back.
        owned = await eventually(
            round_,
            lambda o: sorted(c for s in o for c in s) == names and max(map(len, o)) <= math.ceil(7 / 3),
            what="each community owned once, at most 3 each",
        )
        leases = await _leases(sessions)
        assert leases == {c: keeper.replica_id for keeper, s in zip(keepers, owned, strict=True) for c in s}
        for community in names:
            assert [k.owns(community) for k in keepers].count(True) == 1
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_dead_replicas_communities_are_taken_over_once_its_leases_lapse(pg_url: str) -> None:
    names = ["d1", "d2", "d3"]
    engine = await _database(pg_url, names)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    # A short lease keeps the test quick; the hubs below run with the default one.
    dead = LeaseKeeper(sessions, "dead", ttl_s=2, renew_s=0.5)
    survivor = LeaseKeeper(sessions, "survivor", ttl_s=2, renew_s=0.5)
    try:
        assert await dead.tick() == frozenset(names)
        assert await survivor.tick() == frozenset()  # all three are leased, and live
        # `dead` never renews again and never gives its leases back (a crash, not a stop).
        running = asyncio.create_task(survivor.run())
        await eventually(
            lambda: _leases(sessions), lambda leases: set(leases.values()) == {"survivor"}, within=TAKEOVER_S
        )
        assert survivor.owned == frozenset(names)
        # The dead replica, had it only lost the database, would have stopped acting by now.
        assert not any(dead.owns(c) for c in names)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert await _leases(sessions) == {}  # a clean stop gives its leases back
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_replica_joining_takes_only_what_the_other_gives_back(pg_url: str) -> None:
    names = ["j1", "j2", "j3", "j4"]
    engine = await _database(pg_url, names)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    first = LeaseKeeper(sessions, "first", ttl_s=10, renew_s=2)
    second = LeaseKeeper(sessions, "second", ttl_s=10, renew_s=2)
    try:
        assert await first.tick() == frozenset(names)
        assert await second.tick() == frozenset()  # nothing is free yet; it takes no live lease
        assert len(await first.tick()) == 2  # its fair share now that two are alive
        assert len(await second.tick()) == 2
        assert first.owned.isdisjoint(second.owned)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_replica_knows_whether_another_replica_is_around_to_hear_its_events(pg_url: str) -> None:
    """What the event bridge asks before it NOTIFYs: a lone hub on PostgreSQL sends nothing."""
    engine = await _database(pg_url, ["p1"])
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    lone = LeaseKeeper(sessions, "lone", ttl_s=2, renew_s=0.5)
    # Cut off from its broker past its grace: no share of the leases, but it serves /ws.
    cut_off = LeaseKeeper(sessions, "cut-off", ttl_s=2, renew_s=0.5, link=LinkGuard(lambda: False, 0))
    try:
        assert lone.peers  # before its first renewal it cannot tell
        await lone.tick()
        assert not lone.peers
        await cut_off.tick()
        assert cut_off.peers
        assert await cut_off.tick() == frozenset()
        await lone.tick()
        assert lone.peers  # the cut-off replica is not alive for the leases, yet it listens
        # It stops renewing: a lease's time later it is no one to send to.
        await eventually(lone.tick, lambda _: not lone.peers, within=TAKEOVER_S)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_bridge_sends_only_while_another_replica_is_around(pg_url: str) -> None:
    engine = await _database(pg_url, [])
    await engine.dispose()
    conninfo = conninfo_of(pg_url)
    around = False
    bus = EventBus()
    bridge = PgEventBridge(conninfo, bus, "a", peers=lambda: around)
    heard: list[str] = []
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as listener:
        await listener.execute(f"LISTEN {CHANNEL}")

        async def hear() -> None:
            async for notify in listener.notifies():
                heard.append(json.loads(notify.payload)["e"])

        tasks = [asyncio.create_task(bridge.run()), asyncio.create_task(hear())]
        try:
            await eventually(
                lambda: asyncio.sleep(0, bus.forward), lambda f: f is not None, what="the bridge"
            )
            bus.publish(Event.build("notification", "c", None, title="no one hears this"))
            around = True
            for n in range(3):
                bus.publish(Event.build("notification", "c", None, title=f"b hears {n}"))
            await eventually(lambda: asyncio.sleep(0, heard), lambda h: len(h) >= 3, what="three events")
        finally:
            await cancel_and_wait(tasks)
    assert [json.loads(json.loads(e)[-1])["title"] for e in heard] == [f"b hears {n}" for n in range(3)]


@pytest.mark.postgres
async def test_a_replica_hearing_one_communitys_agents_takes_only_that_community(pg_url: str) -> None:
    engine = await _database(pg_url, ["green", "oak"])
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    green = LeaseKeeper(sessions, "green-hub", ttl_s=10, renew_s=2, community="green")
    try:
        assert await green.tick() == frozenset({"green"})
        assert await _leases(sessions) == {"green": "green-hub"}  # oak waits for a replica that hears it
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_replicas_hearing_every_community_leave_one_with_its_own_replica_to_it(pg_url: str) -> None:
    """Before heartbeats said what a replica serves, the green replica counted as one of two in
    the fair share: the other kept ceil(4 / 2) = 2 of the other three, and one had no owner."""
    names = ["a", "b", "c", "green"]
    engine = await _database(pg_url, names)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    everywhere = LeaseKeeper(sessions, "everywhere", ttl_s=2, renew_s=0.5)
    green = LeaseKeeper(sessions, "green-hub", ttl_s=2, renew_s=0.5, community="green")
    try:
        assert await everywhere.tick() == frozenset(names)  # alone, it runs them all
        await green.tick()  # green is leased and live: it waits

        async def round_() -> dict[str, str]:
            await everywhere.tick()
            await green.tick()
            return await _leases(sessions)

        # It hands green to the replica of its own, and keeps the rest.
        await eventually(
            round_,
            lambda leases: (
                leases == {"a": "everywhere", "b": "everywhere", "c": "everywhere", "green": "green-hub"}
            ),
            what="green with its own replica, the rest with the other",
        )
        # The green replica dies (no more renewals): its community goes back to the other.
        await eventually(
            everywhere.tick, lambda owned: owned == frozenset(names), within=TAKEOVER_S, what="all four"
        )
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_replica_cut_off_from_its_broker_keeps_what_no_live_replica_may_take(pg_url: str) -> None:
    """Its link down, the replica hearing every community hands over only what the live one,
    limited to c1, may take: c2 and c3 would otherwise have no owner at all."""
    names = ["c1", "c2", "c3"]
    engine = await _database(pg_url, names)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    link_up = True
    everywhere = LeaseKeeper(sessions, "everywhere", ttl_s=10, renew_s=2, link=LinkGuard(lambda: link_up, 0))
    c1_hub = LeaseKeeper(sessions, "c1-hub", ttl_s=10, renew_s=2, community="c1")
    try:
        await everywhere.tick()
        await c1_hub.tick()
        await everywhere.tick()  # c1 has a replica of its own now: given back
        await c1_hub.tick()
        assert await _leases(sessions) == {"c1": "c1-hub", "c2": "everywhere", "c3": "everywhere"}
        link_up = False
        assert await everywhere.tick() == frozenset({"c2", "c3"})
        assert await _leases(sessions) == {"c1": "c1-hub", "c2": "everywhere", "c3": "everywhere"}
    finally:
        await engine.dispose()


# --- a takeover at the wrong moment doubles nothing -----------------------------------------


@pytest.mark.postgres
async def test_two_replicas_clearing_or_settling_one_interval_at_once_do_it_once(pg_url: str) -> None:
    engine = await _database(pg_url, ["w"])
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    start = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    try:
        markets = [
            MarketCoordinator(sessions, EventBus(), WALL_CLOCK, HubMetrics(), materialize_standing)
            for _ in range(2)
        ]
        cleared = await asyncio.gather(*(m.clear("w", start) for m in markets), return_exceptions=True)
        assert sum(isinstance(r, MarketInterval) for r in cleared) == 1, cleared
        # The loser is told it was cleared already, as a restart would be: no market failure.
        assert all(isinstance(r, MarketInterval | AlreadyCleared) for r in cleared), cleared

        settlers = [SettlementCoordinator(sessions, EventBus(), WALL_CLOCK, HubMetrics()) for _ in range(2)]
        settled = await asyncio.gather(*(s.settle("w", start) for s in settlers), return_exceptions=True)
        assert settled.count(True) == 1, settled
        async with sessions() as session:
            [row] = (await session.scalars(select(Settlement).where(Settlement.community == "w"))).all()
            assert row.revision == 1
    finally:
        await engine.dispose()


# --- whole hubs ----------------------------------------------------------------------------


async def _owners(hubs: list[RunningHub], engine: AsyncEngine) -> dict[str, list[str]]:
    """Which replicas' market coordinators act on each community."""
    async with async_sessionmaker(engine)() as session:
        names = list(await session.scalars(select(Community.id)))
    return {c: [h.settings.replica_id for h in hubs if h.state["market"].owns(c)] for c in names}


def _each_once(owners: dict[str, list[str]], replicas: int) -> bool:
    share = math.ceil(len(owners) / replicas)
    per_replica: dict[str, int] = {}
    for found in owners.values():
        for replica in found:
            per_replica[replica] = per_replica.get(replica, 0) + 1
    return all(len(found) == 1 for found in owners.values()) and max(per_replica.values()) <= share


async def _starts(engine: AsyncEngine, community: str) -> list[datetime]:
    async with async_sessionmaker(engine)() as session:
        return list(
            await session.scalars(
                select(MarketInterval.start)
                .where(MarketInterval.community == community)
                .order_by(MarketInterval.start)
            )
        )


@pytest.mark.postgres
@pytest.mark.parametrize("community", ["+"])  # start_hub's MQTT community: each hears every community
async def test_three_replicas_own_each_community_once_clear_every_interval_and_take_over(
    amqtt_broker: BrokerAddress, pg_url: str, start_hub: HubFactory
) -> None:
    names = [f"r{i}" for i in range(5)]
    engine = await _database(pg_url, names)  # migrated once, before the replicas, as deploy/ does
    clock = SimClock.accelerated(600)  # a 15-minute interval every 1.5 s
    interval = timedelta(minutes=15)
    try:
        async with AsyncExitStack() as everything:
            stacks = [await everything.enter_async_context(AsyncExitStack()) for _ in range(3)]
            hubs = [
                await stack.enter_async_context(
                    start_hub(
                        amqtt_broker,  # a broker of this test only: no other test's communities
                        pg_url,
                        clock=clock,
                        migrate="skip",
                        replica_id=f"replica-{i}",
                    )
                )
                for i, stack in enumerate(stacks)
            ]
            # The first replica up takes everything and gives back as the others join: a bound on
            # starting three hubs on a busy machine, not the takeover time measured below.
            await eventually(lambda: _owners(hubs, engine), lambda o: _each_once(o, 3), within=4 * TAKEOVER_S)

            await stacks[0].aclose()  # replica-0 stops: its lifespan is cancelled
            survivors = hubs[1:]
            owners = await eventually(
                lambda: _owners(survivors, engine), lambda o: _each_once(o, 2), within=TAKEOVER_S
            )
            assert {r for found in owners.values() for r in found} == {"replica-1", "replica-2"}

            # From now on every interval of every community is cleared, by whichever owns it.
            since = clock.now() + interval
            for community in names:
                await eventually(
                    lambda c=community: _starts(engine, c),  # type: ignore[misc]
                    lambda s: len([t for t in s if t >= since]) >= 4,
                    within=30,
                    what=f"four intervals of {community} cleared",
                )
                after = [t for t in await _starts(engine, community) if t >= since]
                assert all(b - a == interval for a, b in itertools.pairwise(after)), after
            for hub in survivors:
                text = (await hub.http.get("/metrics")).text
                failures = [
                    line for line in text.splitlines() if line.startswith("powershare_market_failures_total{")
                ]
                assert all(line.endswith(" 0.0") for line in failures), failures
    finally:
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.mosquitto
async def test_an_event_published_on_one_replica_reaches_a_browser_on_another(
    mosquitto: BrokerAddress, pg_url: str, start_hub: HubFactory, community: str
) -> None:
    engine = await _database(pg_url, [community])
    await engine.dispose()
    async with (
        start_hub(mosquitto, pg_url, migrate="skip", replica_id="a") as a,
        start_hub(mosquitto, pg_url, migrate="skip", replica_id="b") as b,
    ):
        await b.resident("bea@example.org", "home-b", community)
        token = await b.token("bea@example.org")
        async with websockets.connect(b.ws_url, additional_headers=session_cookie(token)) as socket:
            assert site_channel("home-b") in (await next_of(socket, "hello"))["channels"]

            async def published_on_a(type_: str, **body: object) -> dict[str, object]:
                # Until b's LISTEN is up an event may pass it by: publish again until one arrives.
                event = Event.build(type_, community, "home-b", channels=[site_channel("home-b")], **body)
                for _ in range(100):
                    a.state["bus"].publish(event)
                    try:
                        return await next_of(socket, type_, within=0.2)
                    except TimeoutError:
                        continue
                raise AssertionError(f"{type_} never reached replica b")

            assert (await published_on_a("notification", title="from a"))["title"] == "from a"
            # Larger than one NOTIFY can carry.
            book = ['한글 "quoted"' * 1000]
            assert (await published_on_a("market_result", book=book))["book"] == book
