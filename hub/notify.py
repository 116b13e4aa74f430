"""Notifications: stored for the notification list, pushed on /ws once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hub.api.schemas.events import NotificationEvent, PushedNotification
from hub.db.bulk import insert_json_rows
from hub.db.models import Notification
from hub.db.models.base import utcnow
from hub.events import EventBus, user_channel, view_event


def notify(
    session: AsyncSession, user_ids: Iterable[int], kind: str, title: str, body: str = "", **data: Any
) -> list[Notification]:
    """Add one notification per user to the session; publish them after commit (``push``)."""
    notes = [Notification(user_id=uid, kind=kind, title=title, body=body, data=data) for uid in set(user_ids)]
    session.add_all(notes)
    return notes


class Note(Protocol):
    """A stored notification, as ``push`` sends it: a ``Notification`` or a ``Stored``."""

    @property
    def id(self) -> int: ...
    @property
    def user_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification for one user, as ``notify_all`` stores it."""

    user_id: int
    kind: str
    title: str
    body: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stored:
    """A notification ``notify_all`` stored: a plain record, not an ORM object (a city's worth
    of those would cost more to build than to store)."""

    id: int
    user_id: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime


async def notify_all(session: AsyncSession, notices: Sequence[Notice]) -> list[Stored]:
    """Store many notifications at once (a settlement tells every resident of a city), to
    ``push`` after commit: one statement that returns their ids."""
    if not notices:
        return []
    now = utcnow()
    rows = [
        {"user_id": n.user_id, "kind": n.kind, "title": n.title, "body": n.body, "data": n.data}
        for n in notices
    ]
    ids = await insert_json_rows(session, Notification, rows, {"created_at": now})
    return [
        Stored(i, n.user_id, n.kind, n.title, n.body, n.data, now) for i, n in zip(ids, notices, strict=True)
    ]


def push(bus: EventBus, notes: Iterable[Note]) -> None:
    for note in notes:
        shown = PushedNotification(
            id=note.id,
            kind=note.kind,
            title=note.title,
            body=note.body,
            data=note.data,
            created_at=note.created_at,
        )
        # No envelope model: a settlement pushes one to every resident of a city.
        bus.publish(view_event(NotificationEvent, None, [user_channel(note.user_id)], shown))
