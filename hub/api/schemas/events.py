"""The frames /ws sends: one model per ``type``, and ``WsEvent``, the union of them all.

The socket's own replies (``hello``, ``subscribed``, ``error``) answer one client; every other
frame is an event of the bus (:mod:`hub.events`), published on channels and shared as one text
by all who follow them. Bus events all carry ``community`` and ``site``: where they come from,
``null`` where that is no one's business (a notification, a market's result).

Order, trade and result events carry the very views the REST API serves (``RequestOut``,
``TransactionOut`` …) and a reading event the wire's ``Reading``, so the dashboard updates its
lists from an event as from a fetch. ``make schemas`` puts these models into the OpenAPI
document (hence ``web/src/client/hub.gen.ts``) and writes ``docs/ws/events.schema.json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from hub.api.schemas.market import IntervalResult, OfferOut, RequestOut, TransactionOut
from hub.db.models import UserRole
from powershare_wire import Reading


class _Frame(BaseModel):
    # Defaults (``type`` above all) are always sent, so the schema says they are always there:
    # a TypeScript union is only discriminated by a required ``type``.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class HelloUser(BaseModel):
    id: int
    email: str
    role: UserRole


class Hello(_Frame):
    """First frame of a signed-in socket: who it is and what it follows."""

    type: Literal["hello"] = "hello"
    user: HelloUser
    channels: list[str]
    everything: bool = Field(description="An admin's socket gets every event, whatever its channels.")


class Subscribed(_Frame):
    """The reply to a subscribe or unsubscribe message: the channels followed now."""

    type: Literal["subscribed"] = "subscribed"
    channels: list[str]


WsErrorCode = Literal["unauthenticated", "token_in_url", "bad_message", "forbidden", "signed_out"]


def _channel_optional(schema: dict[str, Any]) -> None:
    """Left out of the frame when there is none: neither required nor with a default (for
    which openapi-typescript would make it required)."""
    schema["required"].remove("channel")
    del schema["properties"]["channel"]["default"]


class WsError(_Frame):
    """A refused sign-in (the socket then closes with 4401) or message (the socket stays open)."""

    model_config = ConfigDict(json_schema_extra=_channel_optional)

    type: Literal["error"] = "error"
    error: WsErrorCode
    detail: str
    channel: str | None = Field(
        default=None, description="The channel refused (``forbidden`` only; absent otherwise)."
    )


class ReadingEvent(_Frame):
    """A site's newest snapshot, to its owner (``site:<id>``) only."""

    type: Literal["reading"] = "reading"
    community: str
    site: str
    reading: Reading


class StatusEvent(_Frame):
    """A site came online or went offline: news for its community."""

    type: Literal["status"] = "status"
    community: str
    site: str
    online: bool
    ts: AwareDatetime


class LiveFigures(BaseModel):
    """A community's watts right now, summed over its homes' newest snapshots; a figure fewer
    homes feed than the hub's minimum is null, so that no neighbour's can be worked out."""

    sites: int
    production_w: float | None = Field(description="Solar and wind.")
    wind_w: float | None
    consumption_w: float | None
    import_w: float | None
    export_w: float | None
    community_coverage_w: float | None = Field(
        description="The meters netted (not trades): what the community covers itself right now."
    )
    self_sufficiency: float | None = Field(
        description="0…1: the share of consumption not drawn from outside the community."
    )


class StatsEvent(_Frame):
    """Every few seconds per community (``community:<id>``): its live figures."""

    type: Literal["stats"] = "stats"
    community: str
    site: None = None
    ts: AwareDatetime
    live: LiveFigures


class PushedNotification(BaseModel):
    """A notification as it is stored, sent once its transaction commits."""

    id: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime


class NotificationEvent(_Frame):
    """A notification, to its user (``user:<id>``)."""

    type: Literal["notification"] = "notification"
    community: None = None
    site: None = None
    notification: PushedNotification


class RequestEvent(_Frame):
    """A request as it changed: the full view to its site, the public one to the market."""

    type: Literal["request"] = "request"
    community: str
    site: None = None
    request: RequestOut


class OfferEvent(_Frame):
    """An offer as it changed: the full view to its site, the public one to the market."""

    type: Literal["offer"] = "offer"
    community: str
    site: None = None
    offer: OfferOut


class TransactionEvent(_Frame):
    """A trade as it changed, to both its sites."""

    type: Literal["transaction"] = "transaction"
    community: str
    site: None = None
    transaction: TransactionOut


class MarketResultEvent(_Frame):
    """One interval's clearing, to the community's market (``market:<id>``)."""

    type: Literal["market_result"] = "market_result"
    community: str
    site: None = None
    result: IntervalResult


BusEvent = (
    ReadingEvent
    | StatusEvent
    | StatsEvent
    | NotificationEvent
    | RequestEvent
    | OfferEvent
    | TransactionEvent
    | MarketResultEvent
)

Frame = Hello | Subscribed | WsError | BusEvent
WsEvent = Annotated[Frame, Field(discriminator="type")]
"""Every frame the hub sends on /ws, told apart by its ``type``."""

WS_EVENT: TypeAdapter[Frame] = TypeAdapter(WsEvent)


def ws_json_schema(ref_template: str = "#/$defs/{model}") -> dict[str, Any]:
    """``WsEvent``'s JSON Schema, as sent (``$defs`` holds each frame and what it is made of)."""
    return WS_EVENT.json_schema(mode="serialization", ref_template=ref_template)
