"""Who may use the MQTT broker, and for which topics: one set of rules for every broker.

The embedded broker (hub/broker.py) asks these rules directly; Mosquitto states the same ones in
``deploy/mosquitto/powershare.acl``; EMQX and brokers with an HTTP backend ask ``/api/mqtt/acl``,
which answers from here too.

- ``hub`` (the hub's own clients) reads what agents send and sends dispatch commands.
- A site's agent logs in with its site id as user name and may only speak for that site:
  publish its telemetry, status, state and acknowledgements, and read its own commands and
  the hub's acknowledgements of its telemetry (``telemetry/ack``, which only the hub writes).

User names the rules give a meaning (``hub``) are never site ids (``is_reserved``).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.auth.passwords import hash_password, random_password, verify_password_async
from hub.db.models import Site
from powershare_wire import topics as wire_topics
from powershare_wire.topics import Kind

HUB_USERNAME = "hub"
# Names an operator may give broker accounts of their own (monitoring, bridges); none is a site.
RESERVED_USERNAMES = frozenset({HUB_USERNAME, "admin", "root", "anonymous", "mosquitto", "emqx"})

Action = Literal["publish", "subscribe", "receive"]

AGENT_PUBLISHES = frozenset({Kind.TELEMETRY, Kind.STATUS, Kind.STATE, Kind.DISPATCH_ACK})
AGENT_READS = frozenset({Kind.DISPATCH, Kind.TELEMETRY_ACK, Kind.SHARE})
HUB_PUBLISHES = frozenset({Kind.DISPATCH, Kind.TELEMETRY_ACK, Kind.SHARE})
HUB_READS = AGENT_PUBLISHES


def is_reserved(name: str) -> bool:
    return name.lower() in RESERVED_USERNAMES


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a broker connection is: the hub, or one site's agent (with its community)."""

    username: str
    community: str | None = None  # None for the hub

    @property
    def is_hub(self) -> bool:
        return self.community is None


def may(principal: Principal, topic: str, action: Action) -> bool:
    """Whether ``principal`` may publish to, subscribe to (a filter) or receive ``topic``."""
    if principal.is_hub:
        return _hub_may(topic, action)
    parts = wire_topics.parse(topic)  # no wildcards: an agent subscribes to its own topic only
    if parts is None or (parts.community, parts.site) != (principal.community, principal.username):
        return False
    return parts.kind in (AGENT_PUBLISHES if action == "publish" else AGENT_READS)


def _hub_may(topic: str, action: Action) -> bool:
    root = wire_topics.ROOT + "/"
    if not topic.startswith(root):
        return False
    community, sep, rest = topic[len(root) :].partition("/")
    site, sep2, kind = rest.partition("/")
    if not (sep and sep2):
        return False
    # The hub subscribes with '+' for the community (all of them) and the site; never '#'.
    if not all(part == "+" or wire_topics.is_valid_id(part) for part in (community, site)):
        return False
    if action == "publish" and "+" in (community, site):
        return False
    try:
        parsed = Kind(kind)
    except ValueError:
        return False
    return parsed in (HUB_PUBLISHES if action == "publish" else HUB_READS)


class BrokerAccounts(Protocol):
    async def authenticate(self, username: str, password: str) -> Principal | None:
        """The principal these credentials prove, or None."""
        ...


class SiteAccounts:
    """The hub's accounts: its own (a secret of this process) and each provisioned site's."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], hub_password: str) -> None:
        self._sessions = sessions
        self._hub_password = hub_password

    async def authenticate(self, username: str, password: str) -> Principal | None:
        if username == HUB_USERNAME:
            ok = hmac.compare_digest(password.encode(), self._hub_password.encode())
            return Principal(HUB_USERNAME) if ok else None
        if is_reserved(username) or not wire_topics.is_valid_id(username):
            return None
        async with self._sessions() as session:
            site = await session.get(Site, username)
        if site is None or site.mqtt_password_hash is None:
            return None
        if not await verify_password_async(site.mqtt_password_hash, password):
            return None
        return Principal(site.id, site.community)


def issue_mqtt_password(site: Site) -> str:
    """A new password for the site's agent (the old one stops working); only its hash is kept."""
    password = random_password()
    site.mqtt_password_hash = hash_password(password)
    return password
