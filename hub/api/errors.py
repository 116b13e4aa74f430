"""Errors in the shape FastAPI uses for validation (``detail[].loc`` names the field)."""

from __future__ import annotations

from fastapi import HTTPException, status


def field_error(
    field: str, message: str, code: int = status.HTTP_422_UNPROCESSABLE_CONTENT, where: str = "body"
) -> HTTPException:
    return HTTPException(code, detail=[{"loc": [where, field], "msg": message, "type": "value_error"}])


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")
