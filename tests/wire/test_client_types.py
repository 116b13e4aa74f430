"""The dashboard's generated client types are those of the hub as it is (``make schemas``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hub.api.openapi_export import main as export_openapi

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


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
