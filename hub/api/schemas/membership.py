from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hub.db.models import MembershipStatus


class InvitationOut(BaseModel):
    community: str
    code: str = Field(description="Give it to the resident; shown only here, valid once")
    expires_at: datetime


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invitation: str = Field(
        min_length=1, max_length=64, description="The code an admin of the community gave you"
    )


class MembershipRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    community: str
    user_id: int
    status: MembershipStatus
    created_at: datetime
    decided_at: datetime | None


class MembershipDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
