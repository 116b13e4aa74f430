"""What every HTTP request and response goes through: size and text limits, security headers.

A plain ASGI middleware (no BaseHTTPMiddleware) so /ws and streamed CSV downloads pass untouched.

- A body larger than ``max_body_bytes`` is refused with 413 before any route reads it (the body
  is read here, at most that much, and replayed to the app).
- Text with a NUL character anywhere (query string, path or a JSON string) is refused with a
  422 naming where: no device or person types one, and PostgreSQL refuses it in text columns, so
  letting it through would end as a 500.
- Responses carry a Content-Security-Policy (scripts, styles and connections only from the hub
  itself, no framing), X-Content-Type-Options and a Referrer-Policy. The API docs page loads
  Swagger UI from its CDN, so /docs and /redoc get a policy that allows that CDN.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.api.errors import field_problem
from hub.error_codes import ErrorCode


def dashboard_csp(tile_origin: str | None = None) -> str:
    """The dashboard's policy; the map's tile server (POWERSHARE_MAP_TILES) may serve images and fetches."""
    tiles = f" {tile_origin}" if tile_origin else ""
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:{tiles}; "
        f"connect-src 'self'{tiles}; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


CSP = dashboard_csp()
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {DOCS_CDN}; style-src 'self' 'unsafe-inline' {DOCS_CDN}; "
    f"img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def _headers(path: str, csp_for_pages: str = CSP) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if path.startswith(DOCS_PATHS) else csp_for_pages
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
        (b"referrer-policy", b"same-origin"),
    ]


def _strings(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield loc, key
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def nul_location(scope: Scope, body: bytes) -> list[str | int] | None:
    """Where a NUL character is in the request, as a FastAPI ``loc``; None when nowhere."""
    if b"%00" in scope.get("query_string", b"") or b"\x00" in scope.get("query_string", b""):
        return ["query"]
    if b"\x00" in unquote_to_bytes(scope.get("raw_path") or scope["path"].encode()):
        return ["path"]
    if b"\\u0000" in body.lower() or b"\x00" in body:  # cheap test first: JSON writes NUL as \u0000
        try:
            document = json.loads(body)
        except ValueError:
            return None  # not JSON: FastAPI answers it with its own 422
        for loc, text in _strings(document, ("body",)):
            if "\x00" in text:
                return list(loc)
    return None


class HardeningMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, tile_origin: str | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.csp = dashboard_csp(tile_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _headers(scope["path"], self.csp)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        too_large: dict[str, object] = {
            "detail": f"the body may be at most {self.max_body_bytes} bytes",
            "code": ErrorCode.BODY_TOO_LARGE.value,
            "ctx": {"max_bytes": self.max_body_bytes},
        }
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send_with_headers, 413, too_large)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(send_with_headers, 413, too_large)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        where = nul_location(scope, body)
        if where is not None:
            problem = field_problem(where, ErrorCode.NUL_CHARACTER, "text may not contain NUL characters")
            await self._refuse(send_with_headers, 422, {"detail": [problem]})
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as the server would

        await self.app(scope, replay, send_with_headers)

    @staticmethod
    async def _refuse(send: Send, status: int, body: dict[str, object]) -> None:
        payload = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
