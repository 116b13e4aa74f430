"""Write the hub's OpenAPI document, from which the dashboard's types are generated, and the
JSON Schema of the /ws frames.

    python -m hub.api.openapi_export openapi.json [--ws-schema docs/ws/events.schema.json]

``make schemas`` turns the document into ``web/src/client/hub.gen.ts`` with openapi-typescript;
a test does the same and fails when the committed files are behind the hub. OpenAPI has no
place for a WebSocket's messages, so the /ws frames (``hub.api.schemas.events``) are added to
its components: the dashboard gets ``WsEvent`` and each frame's type from the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hub.api.app import create_app
from hub.api.schemas.events import ws_json_schema
from hub.core.config import Settings

WS_EVENT = "WsEvent"


def openapi() -> dict[str, Any]:
    document = create_app(Settings()).openapi()
    add_ws_events(document["components"]["schemas"])
    return document


def add_ws_events(components: dict[str, Any]) -> None:
    """``WsEvent`` and what it is made of, beside the REST schemas; the views both use
    (``TransactionOut`` …) are the REST's own."""
    union = ws_json_schema("#/components/schemas/{model}")
    for name, schema in union.pop("$defs").items():
        known = components.setdefault(name, schema)
        if _without_defaults(known) != _without_defaults(schema):
            raise ValueError(f"/ws and REST both name a different schema {name!r}")
    components[WS_EVENT] = union


def _without_defaults(schema: Any) -> Any:
    """FastAPI leaves out some defaults pydantic writes; they do not change a shape."""
    if isinstance(schema, dict):
        return {key: _without_defaults(value) for key, value in schema.items() if key != "default"}
    if isinstance(schema, list):
        return [_without_defaults(value) for value in schema]
    return schema


def ws_schema_text() -> str:
    return json.dumps({"title": WS_EVENT, **ws_json_schema()}, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m hub.api.openapi_export")
    parser.add_argument("out", type=Path, help="the OpenAPI document (JSON)")
    parser.add_argument("--ws-schema", type=Path, help="write the /ws frames' JSON Schema here")
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(openapi(), indent=1) + "\n", encoding="utf-8")
    if args.ws_schema is not None:
        args.ws_schema.parent.mkdir(parents=True, exist_ok=True)
        args.ws_schema.write_text(ws_schema_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
