"""The house rules of ``geo`` (README, *Layout*), checked so that they stay true: the import
contracts of ``pyproject.toml`` (one-way flow between the packages, no cycles, the gazetteer
knowing nothing of geo), no private name imported from another module, and no import inside a
function but those of optional heavy dependencies."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "geo"
#: module -> what it may import inside a function, and why
LAZY_IMPORTS = {
    "geo/store/engines.py": {"geo.store.dask"},    # dask.distributed: ~1 s, only --engine dask
}


def _imports(tree: ast.AST):
    """(import node, inside a function) of every import statement."""
    def walk(node, inside):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, inside
            yield from walk(child, inside or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))
    yield from walk(tree, False)


def _modules() -> dict[str, ast.AST]:
    return {p.relative_to(ROOT).as_posix(): ast.parse(p.read_text("utf-8"))
            for p in sorted(GEO.rglob("*.py"))}


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_no_private_names_imported_from_another_module():
    bad = [f"{path}: from {node.module} import {alias.name}"
           for path, tree in _modules().items() for node, _ in _imports(tree)
           if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo")
           for alias in node.names if alias.name.startswith("_")]
    assert bad == []


def test_no_function_level_imports_but_optional_heavy_ones():
    bad = []
    for path, tree in _modules().items():
        for node, inside in _imports(tree):
            names = {node.module} if isinstance(node, ast.ImportFrom) else \
                {a.name for a in node.names}
            if inside and not names <= LAZY_IMPORTS.get(path, set()):
                bad.append(f"{path}:{node.lineno}: {', '.join(sorted(map(str, names)))}")
    assert bad == []
