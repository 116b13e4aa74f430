from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from hub.db.models import UserRole
from powershare_wire.topics import ID_PATTERN

EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}$"

Email = Annotated[
    str, Field(pattern=EMAIL_PATTERN, max_length=254, examples=["ada@example.org"]), AfterValidator(str.lower)
]
Password = Annotated[str, Field(min_length=8, max_length=200)]


class RegisterBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    display_name: str = Field(default="", max_length=120)
    community: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Community to join: with its invitation code at once, otherwise once an admin approves",
    )
    invitation: str | None = Field(
        default=None, min_length=1, max_length=64, description="Code from its admin"
    )


class RegistrationAccepted(BaseModel):
    detail: str


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=200)
    new_password: Password


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: str = Field(min_length=1, max_length=200)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: UserRole
    display_name: str
    community: str | None
    created_at: datetime


class Me(UserPublic):
    sites: list[str] = Field(description="Ids of the sites this user owns")


class LoginResult(BaseModel):
    token: str = Field(description="Send as 'Authorization: Bearer <token>' (the cookie carries the same)")
    token_type: str = "bearer"
    expires_at: datetime
    user: UserPublic
