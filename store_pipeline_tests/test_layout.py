"""The package's layers point one way: ``lib`` is plain Python (no Dagster, nothing of the
other layers), ``internals`` and ``instance`` build on ``lib`` alone, ``defs`` never reaches the
command line, and no two packages import each other."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "store_pipeline"
# layer -> the store_pipeline layers it may import (itself always)
ALLOWED = {
    "lib": set(),
    "internals": {"lib", "instance"},
    "instance": {"lib"},
    "defs": {"lib", "internals"},
    "cli": {"lib", "internals", "instance", "defs", "definitions"},
    "definitions": {"lib", "internals", "defs"},
}
DAGSTER = ("dagster", "dagster_dbt", "dagster_postgres")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at top level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from a.b import c``: a.b.c when c is a module of ours, else a.b (by _ours)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {_module(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _ours(name: str) -> str | None:
    """The module of ours ``name`` names (a module, or a name inside one), else None."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "package"


def _package(module: str) -> str:
    """The package a module belongs to (a package's ``__init__`` belongs to itself)."""
    return module if any(m.startswith(module + ".") for m in MODULES) else \
        module.rpartition(".")[0]


def _edges() -> dict[str, set[str]]:
    return {m: {o for name in names if (o := _ours(name)) and o != m}
            for m, names in MODULES.items()}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    wrong = sorted(f"{m} -> {o}" for m, deps in _edges().items() if _layer(m) == layer
                   for o in deps if _layer(o) not in ALLOWED[layer] | {layer, "package"})
    assert not wrong, "\n".join(wrong)


def test_the_library_does_not_use_dagster():
    wrong = sorted(f"{m} imports {name}" for m, names in MODULES.items()
                   if _layer(m) == "lib" for name in names if name.split(".")[0] in DAGSTER)
    assert not wrong, "\n".join(wrong)


def test_private_dagster_and_dbt_apis_only_in_internals():
    wrong = sorted(f"{m} imports {name}" for m, names in MODULES.items()
                   if _layer(m) != "internals" for name in names
                   if any(name.startswith(f"{p}._") for p in DAGSTER))
    assert not wrong, "\n".join(wrong)


def test_no_two_packages_import_each_other():
    uses: dict[str, set[str]] = defaultdict(set)
    for module, deps in _edges().items():
        for dep in deps:
            if _package(module) != _package(dep):
                uses[_package(module)].add(_package(dep))
    pairs = sorted({tuple(sorted((a, b))) for a, used in uses.items() for b in used
                    if a in uses.get(b, set())})
    assert not pairs, pairs


def test_no_import_cycles_between_modules():
    edges = _edges()
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(edges[module]):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep):], dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)
