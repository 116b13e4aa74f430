"""Topic layout: ``powershare/v1/{community}/{site}/{kind}``.

| kind                 | direction   | QoS | retained | payload           |
|----------------------|-------------|-----|----------|-------------------|
| telemetry            | agent → hub | 1   | no       | Telemetry         |
| status               | agent → hub | 1   | yes      | Status (+ will)   |
| state                | agent → hub | 1   | yes      | SiteState         |
| cmd/dispatch         | hub → agent | 1   | no       | DispatchCommand   |
| cmd/dispatch/ack     | agent → hub | 1   | no       | DispatchAck       |
| telemetry/ack        | hub → agent | 1   | yes      | TelemetryAck      |
| share                | hub → agent | 1   | yes      | CommunityShare    |

Telemetry is delivered end to end: the broker's PUBACK only tells the agent that the broker
took a message, and a broker that crashes before it saved its sessions (Mosquitto writes them
every ``autosave_interval``) forgets what it held for the hub. So an agent keeps each reading in
its spool until the hub says it is done with it on ``telemetry/ack`` (stored, or refused for good)
and sends again what stays unconfirmed, after a timeout or a reconnect; the hub's (site, seq) key
makes the copies no-ops. The hub publishes a site's ack right after the transaction that stored
its readings commits, retained, so an agent that reconnects learns at once where the hub stands.
Added in wire v1 without a version bump: older agents never subscribe to it.

``share`` tells a site what its neighbours gave it today (the community's local day), for the
resident's own displays (the agent forwards it to Home Assistant). Retained, so an agent that
connects learns it at once; republished only when it changed. Also added to v1 without a bump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

ROOT = "powershare/v1"

# Community and site ids travel inside topics, so they may not contain MQTT wildcards or
# separators. Lower-case keeps ids stable across case-insensitive systems.
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_ID = re.compile(ID_PATTERN)


class Kind(StrEnum):
    TELEMETRY = "telemetry"
    STATUS = "status"
    STATE = "state"
    DISPATCH = "cmd/dispatch"
    DISPATCH_ACK = "cmd/dispatch/ack"
    TELEMETRY_ACK = "telemetry/ack"
    SHARE = "share"


@dataclass(frozen=True, slots=True)
class TopicParts:
    community: str
    site: str
    kind: Kind


def is_valid_id(value: str) -> bool:
    return _ID.match(value) is not None


def topic(community: str, site: str, kind: Kind) -> str:
    for name, value in (("community", community), ("site", site)):
        if not is_valid_id(value):
            raise ValueError(f"{name} id {value!r} must match {ID_PATTERN}")
    return f"{ROOT}/{community}/{site}/{kind.value}"


def subscription(kind: Kind, community: str = "+") -> str:
    """Filter for one kind of message from every site (of one community or all)."""
    return f"{ROOT}/{community}/+/{kind.value}"


def parse(name: str) -> TopicParts | None:
    """Split a topic into its parts; ``None`` for topics outside this contract."""
    prefix = ROOT + "/"
    if not name.startswith(prefix):
        return None
    parts = name[len(prefix) :].split("/", 2)
    if len(parts) != 3:
        return None
    community, site, kind = parts
    try:
        parsed_kind = Kind(kind)
    except ValueError:
        return None
    if not (is_valid_id(community) and is_valid_id(site)):
        return None
    return TopicParts(community, site, parsed_kind)
