"""The MQTT/JSON wire contract between edge agents and the hub (version 1).

This package is the only code the agent and the hub share. Topic names live in
:mod:`powershare_wire.topics`, payload models in :mod:`powershare_wire.messages`, and the names,
units and signs of a site snapshot's values in :mod:`powershare_wire.site`; the clock and the cancel
helper (:mod:`powershare_wire.cancellation`) serve agent, hub and simulators alike.
"""

from powershare_wire.messages import (
    WIRE_VERSION,
    CommunityShare,
    DeviceInfo,
    DispatchAck,
    DispatchCommand,
    DispatchMode,
    DispatchOutcome,
    Quantity,
    Reading,
    Role,
    SiteState,
    Status,
    Telemetry,
    TelemetryAck,
    Unit,
)
from powershare_wire.site import QUANTITIES as SITE_QUANTITIES
from powershare_wire.site import SITE_DEVICE, Nature, Node, SiteQuantity
from powershare_wire.topics import Kind, TopicParts

__all__ = [
    "SITE_DEVICE",
    "SITE_QUANTITIES",
    "WIRE_VERSION",
    "CommunityShare",
    "DeviceInfo",
    "DispatchAck",
    "DispatchCommand",
    "DispatchMode",
    "DispatchOutcome",
    "Kind",
    "Nature",
    "Node",
    "Quantity",
    "Reading",
    "Role",
    "SiteQuantity",
    "SiteState",
    "Status",
    "Telemetry",
    "TelemetryAck",
    "TopicParts",
    "Unit",
]
