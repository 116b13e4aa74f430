from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update

from hub.api.deps import CurrentUser, RowId, SessionDep
from hub.api.errors import ErrorCode, not_found
from hub.db.models import Notification

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class MarkedRead(BaseModel):
    updated: int


@router.get("/notifications", operation_id="notifications-list")
async def list_notifications(
    user: CurrentUser,
    session: SessionDep,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[NotificationOut]:
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return [NotificationOut.model_validate(n) for n in await session.scalars(query)]


@router.post("/notifications/{notification_id}/read", operation_id="notifications-mark-read")
async def mark_read(notification_id: RowId, user: CurrentUser, session: SessionDep) -> NotificationOut:
    note = await session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise not_found(
            ErrorCode.NOTIFICATION_NOT_FOUND, f"notification {notification_id}", id=notification_id
        )
    if note.read_at is None:
        note.read_at = datetime.now(UTC)
        await session.commit()
    return NotificationOut.model_validate(note)


@router.post("/notifications/read-all", operation_id="notifications-mark-all-read")
async def mark_all_read(user: CurrentUser, session: SessionDep) -> MarkedRead:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    await session.commit()
    return MarkedRead(updated=result.rowcount)  # type: ignore[attr-defined]
