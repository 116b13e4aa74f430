"""HTTP latency for /metrics, labelled by route template (``/api/sites/{site_id}``), never the raw
path: one series per route, however many sites and ids the paths carry; methods outside the
standard ones count as ``other``, so a scanner cannot add series either.

A plain ASGI middleware, as ``hardening`` is, so /ws and streamed downloads pass untouched. The
router writes the route it matched into the request's scope; this reads it once the response
has ended. The histogram lives in the lifespan's metrics, which every request's scope carries.
"""

from __future__ import annotations

import time

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.metrics import HubMetrics

UNMATCHED = "unmatched"  # no route took the request (404s of scanners and typos: one series)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})  # others: "other"


def route_label(scope: Scope) -> str:
    """The template of the route that took the request, prefixes of the routers it sits in included.

    The matched route knows its template below the routers that include it (``/sites/{site_id}``,
    under ``/api``): the prefix is what the request's path has before that part, rendered from the
    route's own parameters. The hub's router prefixes hold no parameters, so the prefix is fixed.
    """
    route = scope.get("route")
    if isinstance(route, Mount):
        return f"{route.path}/*"  # the web build: one series for every file under it
    template = getattr(route, "path_format", None)
    if not isinstance(template, str):
        return UNMATCHED
    path: str = scope["path"]
    try:
        rendered = template.format(**scope.get("path_params", {}))
    except (KeyError, IndexError, ValueError):
        return template
    return path[: len(path) - len(rendered)] + template if path.endswith(rendered) else template


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics = scope.get("state", {}).get("metrics")
        if scope["type"] != "http" or not isinstance(metrics, HubMetrics):
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = 500  # an exception that escapes is answered with a 500 by the outer layer

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            metrics.http_seconds.labels(
                route_label(scope),
                scope["method"] if scope["method"] in METHODS else "other",
                f"{status // 100}xx",
            ).observe(time.perf_counter() - began)
