"""Notifications: stored for the notification list, pushed on /ws once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.models import Notification
from hub.events import Event, EventBus, user_channel


def notify(
    session: AsyncSession, user_ids: Iterable[int], kind: str, title: str, body: str = "", **data: Any
) -> list[Notification]:
    """Add one notification per user to the session; publish them after commit (``push``)."""
    notes = [Notification(user_id=uid, kind=kind, title=title, body=body, data=data) for uid in set(user_ids)]
    session.add_all(notes)
    return notes


def push(bus: EventBus, notes: Iterable[Notification]) -> None:
    for note in notes:
        bus.publish(
            Event.build(
                "notification",
                None,
                None,
                channels=[user_channel(note.user_id)],
                notification={
                    "id": note.id,
                    "kind": note.kind,
                    "title": note.title,
                    "body": note.body,
                    "data": note.data,
                    "created_at": note.created_at,
                },
            )
        )
