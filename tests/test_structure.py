"""The package's shape: one job per module, short functions, imports that only go down.

These are the rules ARCHITECTURE.md states; each test names the module, function or import that
breaks one, so a change that blurs a room fails here rather than in a reviewer's head.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest

from analysis import config

PACKAGE = config.PROJECT_ROOT / "analysis"
MAX_FUNCTION_LINES = 80
MAX_MODULE_SHARE = 0.10

#: Layers from the bottom up. A module may import modules of its own layer or below, never above;
#: imports inside functions count. Within a layer, the import graph must still have no cycle.
LAYERS: list[set[str]] = [
    {"", "config"},                                                  # the package's version, every path
    {"dates", "text", "sentences", "registry", "codebooks"},         # rules and data files
    {"readers.base", "readers.delimited", "readers.jsonfile", "readers.parquet", "readers.folder", "readers.pages",
     "readers.feeds", "readers"},                                                   # file formats -> raw chunks
    {"corpus"},                                                      # the schema and its report
    {"ingestion"},                                                   # raw chunks -> corpus table
    {"demo", "datasets", "collect"},                                 # corpora: simulated, public, collected
    {"actors", "hedging", "speakers", "attribution", "tokens", "parallel_tokens", "vectorize", "embed"},  # text -> mentions, hedges, speakers, attributions, tokens, vectors
    {"query", "kwic", "store"},                                      # finding documents
    {"timeseries"},                                                  # the period grid
    {"duplicates", "relevance", "lineage", "cluster", "stories", "annotate", "coding", "frames",
     "frame_classifier", "prevalence", "frame_trends", "source_gold", "source_trends"},  # per-document analyses, framing, sources
    {"plots", "exercises"},                                          # charts and classroom checks
    {"workflow", "notebooks"},                                       # what notebooks share
    {"report", "__main__"},                                          # the report and the command line
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Package-internal modules an ``from ... import ...`` statement loads."""
    known = modules()
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        target = ".".join([p for p in base if p] + ([node.module] if node.module else []))
    elif node.module and (node.module == "analysis" or node.module.startswith("analysis.")):
        target = node.module.removeprefix("analysis").lstrip(".")
    else:
        return []
    found = []
    for alias in node.names:
        child = f"{target}.{alias.name}".lstrip(".")
        found.append(child if child in known else target)
    return found


@lru_cache(maxsize=1)
def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules().items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                targets.update(_resolve(name, path.name == "__init__.py", node))
            elif isinstance(node, ast.Import):
                targets.update(a.name.removeprefix("analysis").lstrip(".") for a in node.names
                               if a.name == "analysis" or a.name.startswith("analysis."))
        graph[name] = targets - {name}
    return graph


def layer_of(module: str) -> int:
    for index, layer in enumerate(LAYERS):
        if module in layer:
            return index
    raise AssertionError(f"module {module or 'analysis'!r} is in no layer of tests/test_structure.py::LAYERS: "
                         "place it there (and in ARCHITECTURE.md)")


def test_every_module_has_a_layer():
    for name in modules():
        layer_of(name)


def test_no_import_goes_up_a_layer():
    upward = [f"{m} (layer {layer_of(m)}) imports {t} (layer {layer_of(t)})"
              for m, targets in import_graph().items() for t in sorted(targets) if layer_of(t) > layer_of(m)]
    assert not upward, "\n".join(upward)


def test_the_import_graph_has_no_cycle():
    graph, state, stack = import_graph(), {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                cycle = stack[stack.index(target):] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_the_corpus_table_knows_no_reader():
    assert not {t for t in import_graph()["corpus"] if t.startswith("readers")}


def _functions():
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield name, node


def test_no_function_is_longer_than_80_lines():
    long = [f"{m}.{node.name} (line {node.lineno}): {node.end_lineno - node.lineno + 1} lines"
            for m, node in _functions() if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, "\n".join(long)


def test_no_module_holds_more_than_a_tenth_of_the_package():
    lines = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    limit = MAX_MODULE_SHARE * sum(lines.values())
    big = [f"{name}: {n} lines (limit {limit:.0f})" for name, n in lines.items() if n > limit]
    assert not big, "\n".join(big)


def test_architecture_names_every_module():
    text = (config.PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = []
    for name, path in modules().items():
        rel = path.relative_to(PACKAGE).as_posix()
        shown = {rel, rel.split("/")[-1]} if "/" not in rel else {rel, rel.split("/", 1)[1]}
        if rel.endswith("__init__.py"):
            shown = {rel, rel.replace("__init__.py", "").rstrip("/") + "/"}
        if name == "":
            continue  # the package itself
        if not any(re.search(rf"`{re.escape(s)}`", text) for s in shown):
            missing.append(rel)
    assert not missing, f"ARCHITECTURE.md does not name: {missing}"


def test_architecture_names_no_module_that_is_gone():
    text = (config.PROJECT_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Modules", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"\*\*`([\w/]+\.py|[\w]+/)`\*\*", section))
    known = {p.relative_to(PACKAGE).as_posix() for p in modules().values()}
    known |= {k.split("/", 1)[1] for k in known if "/" in k}
    known |= {p.name + "/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}  # registry/, templates/
    assert named and named <= known, f"ARCHITECTURE.md names modules that do not exist: {sorted(named - known)}"
