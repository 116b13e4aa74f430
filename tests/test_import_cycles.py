"""No package imports itself in a circle, not even lazily or only for type checking.

The graph is read from the sources with ``ast``: every ``import``/``from … import`` anywhere in a
module counts (inside functions and ``if TYPE_CHECKING:`` too), since a lazy import is how a cycle
hides rather than how it goes away. An edge goes to the module named, or, for ``from pkg import
name``, to ``pkg.name`` when that is a module. Parent packages' ``__init__`` are not added as edges.

A stdlib ``ast`` walk rather than import-linter: "no cycles at all" needs no contracts listing each
package's layers, no new dependency, and it runs (and fails) with the other tests.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("firmware_sims", "edge_agent", "hub", "powershare_wire", "powershare_demo")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in known else base


def import_graph(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Module → the modules of ``package`` (a directory under ``root``) it imports."""
    files = {_module_name(p, root): p for p in (root / package).rglob("*.py")}
    known = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = _imported(tree, module, path.name == "__init__.py", known)
        graph[module] = {t for t in targets if t in known and t != module}
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle as ``[a, b, …, a]``, or ``None`` (iterative depth-first search)."""
    done: set[str] = set()
    for root in sorted(graph):
        if root in done:
            continue
        path: list[str] = [root]
        on_path = {root}
        stack = [iter(sorted(graph[root]))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:  # every import of path[-1] explored
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package: str) -> None:
    cycle = find_cycle(import_graph(package))
    assert cycle is None, f"import cycle in {package}: {' -> '.join(cycle or [])}"


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}, None),  # a diamond is no cycle
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"d"}, "d": {"b"}}, ["b", "c", "d", "b"]),
    ],
)
def test_find_cycle(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_lazy_relative_and_type_checking_imports_count(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "cli.py").write_text("from pkg.sub import device\n")
    (package / "sub" / "device.py").write_text("def main():\n    from ..cli import run\n")
    (package / "control.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import community\n"
    )
    (package / "community.py").write_text("import pkg.control\n")
    graph = import_graph("pkg", tmp_path)
    assert graph["pkg.cli"] == {"pkg.sub.device"}
    assert graph["pkg.sub.device"] == {"pkg.cli"}
    assert graph["pkg.control"] == {"pkg.community"}
    assert graph["pkg.community"] == {"pkg.control"}
    assert find_cycle(graph) == ["pkg.cli", "pkg.sub.device", "pkg.cli"]
