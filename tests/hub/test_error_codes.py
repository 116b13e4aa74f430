"""Every code the hub's errors carry has a text in both of the dashboard's error catalogues, and
a refusal the framework raises itself still carries a code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.api.errors import ApiError, field_error, refusal_body
from hub.error_codes import ErrorCode, Problem

CATALOGUES = Path(__file__).parents[2] / "web" / "src" / "i18n"
# The catalogues are flat objects, one `code: "text",` a line (see errors.en.ts).
ENTRY = re.compile(r"^  ([a-z_]+): ", re.MULTILINE)


def catalogue_keys(name: str) -> set[str]:
    return set(ENTRY.findall((CATALOGUES / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", ["errors.en.ts", "errors.ko.ts"])
def test_every_code_has_a_text_in_the_web_catalogue(name: str) -> None:
    keys = catalogue_keys(name)
    assert "string_too_short" in keys  # the pattern reads the file at all
    assert sorted(code.value for code in ErrorCode if code.value not in keys) == []


def test_the_framework_s_own_refusals_carry_a_code() -> None:
    assert refusal_body(StarletteHTTPException(404, "Not Found")) == {
        "detail": "Not Found",
        "code": "not_found",
    }
    assert refusal_body(StarletteHTTPException(405))["code"] == "method_not_allowed"
    assert refusal_body(StarletteHTTPException(418))["code"] == "http_error"


def test_a_refusal_carries_its_code_and_values() -> None:
    refused = ApiError(429, ErrorCode.RATE_LIMITED, "too many tries; try again in 3 s", {"retry_after": 3})
    assert refusal_body(refused) == {
        "detail": "too many tries; try again in 3 s",
        "code": "rate_limited",
        "ctx": {"retry_after": 3},
    }
    assert refusal_body(ApiError(403, ErrorCode.ADMIN_ONLY, "only an admin may do this")) == {
        "detail": "only an admin may do this",
        "code": "admin_only",
    }


def test_a_field_error_names_where_with_its_code() -> None:
    problem = Problem(ErrorCode.PASSWORD_TOO_SHORT, "use at least 8 characters", {"min_length": 8})
    assert refusal_body(field_error("password", problem)) == {
        "detail": [
            {
                "loc": ["body", "password"],
                "msg": "use at least 8 characters",
                "type": "password_too_short",
                "ctx": {"min_length": 8},
            }
        ]
    }
    query = field_error("end", ErrorCode.END_NOT_AFTER_START, "must be after start", where="query")
    assert refusal_body(query)["detail"] == [
        {"loc": ["query", "end"], "msg": "must be after start", "type": "end_not_after_start"}
    ]
