"""Write the hub's OpenAPI document, from which the dashboard's types are generated.

    python -m hub.api.openapi_export openapi.json

``make schemas`` turns it into ``web/src/client/hub.gen.ts`` with openapi-typescript; a test
does the same and fails when the committed file is behind the hub.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hub.api.app import create_app
from hub.core.config import Settings


def openapi() -> dict[str, Any]:
    return create_app(Settings()).openapi()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m hub.api.openapi_export OUT.json\n")
        return 2
    Path(argv[0]).write_text(json.dumps(openapi(), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
