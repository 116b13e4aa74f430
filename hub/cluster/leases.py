"""Community ownership by lease: each community is run by exactly one hub replica at a time.

Replicated hubs share one PostgreSQL database. The market, delivery and settlement
coordinators of a replica act only on the communities it holds a lease for; the API and /ws
are served by every replica.

Why a lease table rather than session advisory locks: an advisory lock lives on one pooled
connection, so the replica would have to pin a connection per community (or one connection for
all and re-lock after every reconnect) outside SQLAlchemy's pool, and nobody could tell from the
database which replica holds which lock. Rows in ``community_leases`` work through any pooled
connection, survive a reconnect, and ``SELECT * FROM community_leases`` shows who owns what.
The price is that a dead replica's leases are freed by expiry, not by its socket closing:
``lease_ttl_s`` after its last renewal (10 s by default).

Every ``lease_renew_s`` (2 s), in one transaction on the database's clock (so replicas' clocks
need not agree), a replica:

1. marks itself alive in ``cluster_replicas`` until now + ttl;
2. renews every lease it holds;
3. counts the live replicas and takes its fair share of the communities whose lease is missing
   or expired, or gives back what it holds beyond that share (a replica that just joined then
   finds them free). Taking is an upsert that only replaces an expired lease, so two replicas
   racing for one community cannot both win. A replica limited to one community's agents
   (POWERSHARE_MQTT_COMMUNITY) takes only that community, and says so in its heartbeat
   (``serves``); the replicas that hear every community (``+``) share the others among
   themselves, ceil(communities without a live replica of their own / such replicas) each,
   and give a community back to its own replica once that one is alive.

A replica whose ingest link to the broker has been down for longer than a grace
(``ingest_link_grace_s``, 10 s; hub.cluster.link_guard) would own communities nobody ingests. It
stops counting itself alive and, if any replica is alive (its link up), gives back every lease
such a replica may take (all, unless the live ones are limited to other communities) and takes
none, so the others take them at their next renewal: within grace + renew (12 s by
default). With no such replica (the one broker down for all), it keeps what it holds, since
the market and settlement still need an owner. Its link back and up for the grace too (so a
flapping link moves nothing back and forth), it counts itself alive again and takes its fair
share as a joining replica does.

A dead replica's communities are thus taken over within ttl + renew (12 s by default, inside the
15 s the issue asks for). A replica that cannot reach the database stops acting on its
communities once ttl has passed since its last successful renewal, counted on its own monotonic
clock from before that renewal began, so it has stopped before the database lets another take
over. A replica that stops cleanly gives its leases back at once.

The market's clearing is once-only anyway (the market_intervals row) and settlement locks its
row, so two replicas acting on one community in the moment of a hand-over double nothing.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.cluster.link_guard import LinkGuard
from hub.db.models import ClusterReplica, Community, CommunityLease

log = logging.getLogger("hub.cluster")

# Whether this replica runs a community's market, delivery and settlement.
Owns = Callable[[str], bool]

RELEASE_TIMEOUT_S = 5.0  # a clean stop gives its leases back, but never hangs on a dead database


def owns_everything(_community_id: str) -> bool:
    """One hub (SQLite, or PostgreSQL without replicas): every community is its own."""
    return True


class LeaseKeeper:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        replica_id: str,
        ttl_s: float,
        renew_s: float,
        community: str = "+",
        link: LinkGuard | None = None,
    ) -> None:
        self.sessions = sessions
        self.link = link  # None: no ingest link to watch (the leases alone, in tests)
        # Only communities whose agents this replica hears (POWERSHARE_MQTT_COMMUNITY, "+": all):
        # delivery needs their acknowledgements.
        self.community = community
        self.replica_id = replica_id
        self.ttl_s = ttl_s
        self.renew_s = renew_s
        self._owned: frozenset[str] = frozenset()
        self._valid_until = 0.0  # time.monotonic() after which the held leases may be someone else's
        self.ticked = False  # one renewal done: what this replica owns is known
        self._alone = False  # the only live replica at the last renewal
        self._peers = False  # another replica heard from within a lease's time at the last renewal

    def serves(self, community_id: str) -> bool:
        """Whether this replica may take ``community_id``: it hears that community's agents."""
        return self.community in ("+", community_id)

    def owns(self, community_id: str) -> bool:
        return community_id in self._owned and time.monotonic() < self._valid_until

    @property
    def owned(self) -> frozenset[str]:
        """The communities this replica runs now (empty once its leases may have lapsed)."""
        return self._owned if time.monotonic() < self._valid_until else frozenset()

    @property
    def alone(self) -> bool:
        """The only live replica (so every community is its fair share), while its leases hold."""
        return self._alone and time.monotonic() < self._valid_until

    @property
    def peers(self) -> bool:
        """Whether another replica may be serving /ws: one renewed within a lease's time (fit
        for leases or not), or this replica has not heard lately (so it cannot tell)."""
        return self._peers or time.monotonic() >= self._valid_until

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self.tick()
                except Exception:  # the database away, say: owns() turns False once the leases lapse
                    log.exception("renewing the leases of replica %r failed", self.replica_id)
                await asyncio.sleep(self._pause())
        finally:
            await self._release_all()

    async def tick(self) -> frozenset[str]:
        """Renew, then take or give back to reach the fair share; returns what is owned now."""
        began = time.monotonic()
        ttl = timedelta(seconds=self.ttl_s)
        async with self.sessions() as session, session.begin():
            now = await session.scalar(select(func.now()))
            assert now is not None
            until = now + ttl
            fit = self.link is None or self.link.fit()
            # Unfit, it is present but not alive: the others count it out of the fair share.
            seen_until = until if fit else now
            heartbeat = {"seen_until": seen_until, "serves": self.community}
            await session.execute(
                insert(ClusterReplica)
                .values(replica_id=self.replica_id, **heartbeat)
                .on_conflict_do_update(index_elements=["replica_id"], set_=heartbeat)
            )
            # Alive: counted in the fair share. Present: renewing, alive or not (a replica cut
            # off from its broker still serves the API and /ws).
            present = (
                await session.execute(
                    select(ClusterReplica.seen_until > now, ClusterReplica.serves).where(
                        ClusterReplica.seen_until > now - ttl, ClusterReplica.replica_id != self.replica_id
                    )
                )
            ).all()
            others = [serves for alive, serves in present if alive]
            if not fit and others:
                owned = await self._give_up(session, until, others)
                alone = False
            else:
                owned = await self._renew_and_share(session, now, until, [*others, *[self.community] * fit])
                # Cut off, it is not alone even if no one else is alive: every replica cut off
                # from a shared broker counts no one, and all of them hearing `+` on its return
                # would ingest every community at once.
                alone = fit and not others
            # Heartbeats of replicas gone for a while are only clutter.
            await session.execute(delete(ClusterReplica).where(ClusterReplica.seen_until < now - 10 * ttl))
        self._owned = frozenset(owned)
        self._alone = alone
        self._peers = bool(present)
        self._valid_until = began + self.ttl_s
        self.ticked = True
        return self._owned

    def _pause(self) -> float:
        """Until the next renewal, or until the link's grace ends if that comes sooner."""
        left = self.link.unfit_in() if self.link is not None else None
        if left is not None and 0 < left < self.renew_s:
            return left + 0.05  # just past it, so that tick finds the replica unfit
        return self.renew_s

    async def _renew_held(self, session: AsyncSession, until: datetime) -> set[str]:
        """Extend every lease this replica holds to ``until``; returns their communities."""
        renewed = await session.scalars(
            update(CommunityLease)
            .where(CommunityLease.owner == self.replica_id)
            .values(expires_at=until)
            .returning(CommunityLease.community)
        )
        return set(renewed)

    async def _give_up(self, session: AsyncSession, until: datetime, others: list[str]) -> set[str]:
        """The ingest link is down past its grace and another replica is alive: hand over what
        a live replica may take (``others``: what each serves); keep and renew the rest, which
        would otherwise have no owner at all. Returns what it keeps."""
        held = await self._renew_held(session, until)
        handed = {c for c in held if "+" in others or c in others}
        if handed:
            log.warning("replica %r gives back %s: its broker link is down", self.replica_id, sorted(handed))
            self._owned = frozenset(held - handed)  # stop acting before the others can start
            await session.execute(
                delete(CommunityLease).where(
                    CommunityLease.owner == self.replica_id, CommunityLease.community.in_(handed)
                )
            )
        return held - handed

    async def _renew_and_share(
        self, session: AsyncSession, now: datetime, until: datetime, alive: list[str]
    ) -> set[str]:
        """Renew what this replica holds, then take or give back to reach its fair share.

        ``alive``: what each live replica serves, this one included while it is fit.
        """
        leases = CommunityLease.__table__
        owned = await self._renew_held(session, until)
        # Communities with a live replica of their own are that replica's; the rest are shared
        # by the replicas that hear every community.
        own_replica = {serves for serves in alive if serves != "+"}
        if self.community == "+":
            shared = await session.scalar(
                select(func.count()).select_from(Community).where(Community.id.not_in(own_replica))
            )
            fair = math.ceil((shared or 0) / max(alive.count("+"), 1))
        else:
            fair = 1
        keep = sorted(owned - own_replica) if self.community == "+" else sorted(owned)
        if len(keep) < len(owned) or len(owned) > fair:
            surplus = sorted(owned - set(keep[:fair]))
            self._owned = frozenset(owned - set(surplus))  # stop acting before the others can start
            await session.execute(
                delete(CommunityLease).where(
                    CommunityLease.owner == self.replica_id, CommunityLease.community.in_(surplus)
                )
            )
            owned -= set(surplus)
            log.info("replica %r gives back %s (fair share %d)", self.replica_id, surplus, fair)
        elif len(owned) < fair:
            free = await session.scalars(
                select(Community.id)
                .outerjoin(CommunityLease, CommunityLease.community == Community.id)
                .where(or_(CommunityLease.community.is_(None), CommunityLease.expires_at <= now))
                .order_by(Community.id)
            )
            takeable = [c for c in free if self.serves(c) and (c not in own_replica or c == self.community)]
            for community_id in takeable[: fair - len(owned)]:
                taken = await session.scalar(
                    insert(CommunityLease)
                    .values(community=community_id, owner=self.replica_id, expires_at=until)
                    .on_conflict_do_update(
                        index_elements=["community"],
                        set_={"owner": self.replica_id, "expires_at": until},
                        where=leases.c.expires_at <= now,  # another replica's live lease stays
                    )
                    .returning(CommunityLease.community)
                )
                if taken is not None:
                    owned.add(taken)
                    log.info("replica %r takes community %r", self.replica_id, taken)
        return owned

    async def _release_all(self) -> None:
        """A clean stop: give every lease back so the others need not wait for it to lapse."""
        self._owned, self._alone = frozenset(), False
        try:
            async with asyncio.timeout(RELEASE_TIMEOUT_S):
                async with self.sessions() as session, session.begin():
                    await session.execute(
                        delete(CommunityLease).where(CommunityLease.owner == self.replica_id)
                    )
                    await session.execute(
                        delete(ClusterReplica).where(ClusterReplica.replica_id == self.replica_id)
                    )
        except Exception:  # they lapse by themselves
            log.warning("replica %r could not give its leases back", self.replica_id, exc_info=True)
