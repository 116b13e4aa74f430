"""The dashboard's generated client types, and the /ws frames' JSON Schema, are those of the hub
as it is (``make schemas``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hub.api.openapi_export import main as export_openapi
from hub.api.openapi_export import openapi

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
WS_SCHEMA = ROOT / "docs" / "ws" / "events.schema.json"


def test_the_committed_hub_client_matches_the_hubs_openapi(tmp_path: Path) -> None:
    tool = WEB / "node_modules" / ".bin" / "openapi-typescript"
    if not tool.exists() or shutil.which("node") is None:
        if os.environ.get("CI"):
            pytest.fail("openapi-typescript is missing: run `make web/node_modules/.installed`")
        pytest.skip("web dependencies not installed")
    document, generated = tmp_path / "openapi.json", tmp_path / "hub.gen.ts"
    assert export_openapi([str(document)]) == 0
    subprocess.run([str(tool), str(document), "-o", str(generated)], cwd=WEB, check=True, capture_output=True)
    committed = (WEB / "src" / "client" / "hub.gen.ts").read_text(encoding="utf-8")
    assert generated.read_text(encoding="utf-8") == committed, (
        "web/src/client/hub.gen.ts is behind: run `make schemas`"
    )


def test_the_committed_ws_schema_matches_the_hubs_frames(tmp_path: Path) -> None:
    written = tmp_path / "events.schema.json"
    assert export_openapi([str(tmp_path / "openapi.json"), "--ws-schema", str(written)]) == 0
    assert written.read_text(encoding="utf-8") == WS_SCHEMA.read_text(encoding="utf-8"), (
        "docs/ws/events.schema.json is behind: run `make schemas`"
    )


def test_the_openapi_document_carries_every_ws_frame_by_its_type() -> None:
    """The dashboard narrows ``WsEvent`` by ``type``: each frame is a component with a required,
    constant ``type``, and the union's mapping names them all."""
    schemas = openapi()["components"]["schemas"]
    union = schemas["WsEvent"]
    mapping = union["discriminator"]["mapping"]
    assert {"hello", "reading", "notification", "transaction", "market_result"} <= mapping.keys()
    assert sorted(mapping.values()) == sorted(member["$ref"] for member in union["oneOf"])
    for type_, ref in mapping.items():
        frame = schemas[ref.removeprefix("#/components/schemas/")]
        assert frame["properties"]["type"]["const"] == type_
        assert "type" in frame["required"]
    written = json.loads(WS_SCHEMA.read_text(encoding="utf-8"))
    assert written["discriminator"]["mapping"].keys() == mapping.keys()
