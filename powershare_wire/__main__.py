"""Write the wire contract for other languages: ``python -m powershare_wire DIR [--typescript FILE]``.

DIR gets the JSON Schema of every payload; FILE, if given, the site vocabulary as TypeScript
for the dashboard (``web/src/client/site.gen.ts``). ``make schemas`` writes both.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from powershare_wire.messages import PAYLOADS
from powershare_wire.site import FLOWS, QUANTITIES, SITE_DEVICE, Nature, Node


def schemas() -> dict[str, str]:
    """File name → JSON Schema text, one per topic kind."""
    return {
        f"{kind.replace('/', '-')}.schema.json": json.dumps(model.model_json_schema(), indent=2) + "\n"
        for kind, model in PAYLOADS.items()
    }


def _union(values: list[str]) -> str:
    return " | ".join(json.dumps(v) for v in values)


def site_typescript() -> str:
    """The site vocabulary (:mod:`powershare_wire.site`) as a TypeScript module."""
    rows = []
    for quantity in QUANTITIES:
        row = asdict(quantity)
        row["integrates"] = list(quantity.integrates)
        rows.append(f"  {json.dumps(row, ensure_ascii=False)},")
    edges = [
        f"  {{ name: {json.dumps(f.name)}, from: {json.dumps(f.source)}, to: {json.dumps(f.target)} }},"
        for f in FLOWS
    ]
    lines = [
        "// Generated from powershare_wire/site.py by `make schemas`; do not edit.",
        "// The names, units and sign conventions of a site snapshot's values.",
        "",
        f"export const SITE_DEVICE = {json.dumps(SITE_DEVICE)};",
        "",
        f"export type SiteNode = {_union([n.value for n in Node])};",
        f"export type SiteNature = {_union([n.value for n in Nature])};",
        "",
        "export interface SiteQuantity {",
        "  name: string;",
        "  unit: string;",
        "  nature: SiteNature;",
        "  /** What a value above 0 means. */",
        "  positive: string;",
        "  /** What a value below 0 means; null: never below 0. */",
        "  negative: string | null;",
        "  /** Flows: where the power comes from and goes to. */",
        "  source: SiteNode | null;",
        "  target: SiteNode | null;",
        "  /** Counters: the powers whose sum they count over time, by its positive (1) or negative (-1) part. */",
        "  integrates: readonly string[];",
        "  sense: 1 | -1;",
        "}",
        "",
        "export const SITE_QUANTITIES = [",
        *rows,
        "] as const satisfies readonly SiteQuantity[];",
        "",
        'export type SiteQuantityName = (typeof SITE_QUANTITIES)[number]["name"];',
        f"export type FlowName = {_union([f.name for f in FLOWS])};",
        "",
        "/** Every flow of the power balance, from one node to another. */",
        "export const FLOW_EDGES: ReadonlyArray<{ name: FlowName; from: SiteNode; to: SiteNode }> = [",
        *edges,
        "];",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m powershare_wire", description=__doc__)
    parser.add_argument("dir", nargs="?", default="docs/wire", type=Path, help="where the JSON Schemas go")
    parser.add_argument("--typescript", type=Path, help="write the site vocabulary as TypeScript here")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        (args.dir / name).write_text(text, encoding="utf-8")
    if args.typescript is not None:
        args.typescript.write_text(site_typescript(), encoding="utf-8")


if __name__ == "__main__":
    main()
