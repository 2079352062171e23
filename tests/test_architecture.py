"""The package's imports run one way: no cycle between modules, no arrow against the layers.

Every import counts, at the top of a module or inside a function, so a cycle cannot hide behind
a late import. The layers, from the bottom:

    core  <-  assess  <-  io, optimise, present, workspace  <-  scale  <-  apart  <-  usecases, testing  <-  bench, commands, cli, app

(scale spreads the optimiser's robustness work over processes or a Dask cluster; apart runs one
plan in a worker process of its own, watched from outside.)
"""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

import pytest

PACKAGE = Path(str(files("devolve")))

ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "assess": {"core"},
    "io": {"core", "assess"},
    "optimise": {"core", "assess"},
    "present": {"core"},
    "workspace": {"core", "assess"},
    "scale": {"core", "assess", "optimise"},
    "apart": {"core", "optimise", "scale"},
    "usecases": {"core", "assess", "io", "optimise", "present", "workspace", "scale", "apart"},
    "testing": {"core", "assess", "io", "optimise"},
    "bench": {"core", "io", "optimise", "present", "scale", "testing", "usecases"},
    "commands": {"core", "present", "usecases"},
    "cli": {"core", "present", "commands", "workspace"},
    "app": {"core", "present", "usecases"},
}
"""Which layers each layer may import (besides itself)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports() -> dict[str, set[str]]:
    """Every devolve module and the devolve modules it imports."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("devolve")}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("devolve"):
                # "from devolve.io import cells" imports the module devolve.io.cells
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    found.add(sub if (PACKAGE.parent / Path(*sub.split("."))).with_suffix(".py").exists()
                              else node.module)
        graph[name] = found - {name}
    return graph


GRAPH = imports()


def test_every_layer_is_known():
    assert {layer(m) for m in GRAPH} - {"__init__"} == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_down_the_layers(module):
    mine = layer(module)
    if mine == "__init__":
        return
    wrong = {m for m in GRAPH[module] if layer(m) not in ALLOWED[mine] | {mine, "__init__"}}
    assert not wrong, f"{module} ({mine}) may not import {sorted(wrong)}"


def test_no_import_cycles():
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        seen[module] = 1
        for other in sorted(GRAPH.get(module, ())):
            if seen.get(other) == 1:
                cycles.append(path[path.index(other):] + [other])
            elif other not in seen:
                visit(other, path + [other])
        seen[module] = 2

    for module in sorted(GRAPH):
        if module not in seen:
            visit(module, [module])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_checker_shares_no_arithmetic_with_the_optimiser():
    """check_plan is an independent witness: it may read the catalogue, never the model."""
    assert not {m for m in GRAPH["devolve.optimise.check"] if m.startswith("devolve.optimise")}


FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "load_workbook", "loads", "dump"}


@pytest.mark.parametrize("layer_name", ["core", "assess", "optimise", "present"])
def test_only_io_reads_or_writes_files(layer_name):
    """Files are io's business: the layers below it and beside it neither import the tools for
    them nor call them (the solver's own log, read by the exact route, is the one exception)."""
    found = set()
    for path in (PACKAGE / layer_name).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found |= {n.split(".")[0] for n in names} & {"openpyxl", "tomllib", "csv", "streamlit", "os"}
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in FILE_CALLS and not (path.name == "exact.py" and name == "read_text"):
                    found.add(f"{path.name}: {name}()")
    assert not found


def test_the_app_never_renders_html():
    """Service names, rationales and neighbourhood names are the users' own text: the app shows
    them through Streamlit's escaped elements only, never as HTML."""
    found = set()
    for path in (PACKAGE / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                found.add(f"{path.name}: unsafe_allow_html")
            elif isinstance(node, ast.Attribute) and node.attr == "html":
                found.add(f"{path.name}: .html")
    assert not found
