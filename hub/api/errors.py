"""The API's error bodies: English text for API users and a code (hub.error_codes) to translate.

Two shapes, told apart by ``detail`` (docs/api.md, "Errors"):

- about fields: ``{"detail": [{"loc": [where, field], "msg": text, "type": code, "ctx": {...}}]}``,
  the shape FastAPI uses for its own validation errors (whose ``type`` is pydantic's code);
- about anything else: ``{"detail": text, "code": code, "ctx": {...}}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import HTTPException, status
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.error_codes import Ctx, ErrorCode, Problem

__all__ = [
    "ApiError",
    "ErrorBody",
    "ErrorCode",
    "FieldProblem",
    "field_error",
    "field_problem",
    "not_found",
    "refusal_body",
]

# The code of a refusal the framework raises itself, without one of ours.
_FRAMEWORK_CODES = {
    status.HTTP_404_NOT_FOUND: ErrorCode.NOT_FOUND,
    status.HTTP_405_METHOD_NOT_ALLOWED: ErrorCode.METHOD_NOT_ALLOWED,
}


class FieldProblem(BaseModel):
    loc: list[str | int] = Field(description="Where: body, query or path, then the field")
    msg: str = Field(description="English, for API users")
    type: str = Field(description="A code of hub.error_codes, or pydantic's own (string_too_short…)")
    ctx: dict[str, Any] | None = Field(None, description="The values the text mentions")


class ErrorBody(BaseModel):
    """Every 4xx body: field problems as a list, any other refusal as text beside its code."""

    detail: str | list[FieldProblem]
    code: str | None = Field(None, description="With a text detail: a code of hub.error_codes")
    ctx: dict[str, Any] | None = Field(None, description="With a text detail: the values the text mentions")


class ApiError(HTTPException):
    """A refusal that is not about one field."""

    def __init__(
        self,
        status_code: int,
        code: ErrorCode,
        message: str,
        ctx: Ctx | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, detail=message, headers=headers)
        self.code = code
        self.ctx = dict(ctx or {})


def field_problem(
    loc: Sequence[str | int], code: ErrorCode, message: str, ctx: Ctx | None = None
) -> dict[str, Any]:
    problem: dict[str, Any] = {"loc": list(loc), "msg": message, "type": code.value}
    if ctx:
        problem["ctx"] = dict(ctx)
    return problem


def field_error(
    field: str,
    code: ErrorCode | Problem,
    message: str | None = None,
    ctx: Ctx | None = None,
    status_code: int = status.HTTP_422_UNPROCESSABLE_CONTENT,
    where: str = "body",
) -> HTTPException:
    """A refusal naming the field to fix; a Problem brings its own text and values."""
    if not isinstance(code, Problem):
        assert message is not None, "a field error needs its text"
        code = Problem(code, message, ctx or {})
    return HTTPException(
        status_code, detail=[field_problem([where, field], code.code, code.message, code.ctx)]
    )


def not_found(code: ErrorCode, what: str, **ctx: str | int) -> ApiError:
    return ApiError(status.HTTP_404_NOT_FOUND, code, f"{what} not found", ctx)


def refusal_body(exc: StarletteHTTPException) -> dict[str, Any]:
    """The body of an HTTPException: its field problems as they are, else its text with a code."""
    if isinstance(exc.detail, list):
        return {"detail": exc.detail}
    if isinstance(exc, ApiError):
        body: dict[str, Any] = {"detail": exc.detail, "code": exc.code.value}
        if exc.ctx:
            body["ctx"] = exc.ctx
        return body
    return {"detail": exc.detail, "code": _FRAMEWORK_CODES.get(exc.status_code, ErrorCode.HTTP_ERROR).value}
