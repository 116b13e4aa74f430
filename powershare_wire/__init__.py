"""The MQTT/JSON wire contract between edge agents and the hub (version 1).

This package is the only code the agent and the hub share. Topic names live in
:mod:`powershare_wire.topics`, payload models in :mod:`powershare_wire.messages`.
"""

from powershare_wire.messages import (
    WIRE_VERSION,
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
    Unit,
)
from powershare_wire.topics import Kind, TopicParts

__all__ = [
    "WIRE_VERSION",
    "DeviceInfo",
    "DispatchAck",
    "DispatchCommand",
    "DispatchMode",
    "DispatchOutcome",
    "Kind",
    "Quantity",
    "Reading",
    "Role",
    "SiteState",
    "Status",
    "Telemetry",
    "TopicParts",
    "Unit",
]
