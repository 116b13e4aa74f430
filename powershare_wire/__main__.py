"""Write the JSON Schema of every payload: ``python -m powershare_wire DIR``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from powershare_wire.messages import PAYLOADS


def schemas() -> dict[str, str]:
    """File name → JSON Schema text, one per topic kind."""
    return {
        f"{kind.replace('/', '-')}.schema.json": json.dumps(model.model_json_schema(), indent=2) + "\n"
        for kind, model in PAYLOADS.items()
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/wire")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        (out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
