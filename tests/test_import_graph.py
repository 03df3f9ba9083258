"""The package's floors, read from the source (ast): no import cycles, and no module importing from a
floor above its own (layers, data, losses -> nets -> models -> training, export, convert -> tools).
Imports inside functions count too, so a deferred import cannot hide a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tf_i2i"

# First name below tf_i2i -> floor; a module may import from its own floor or any lower one.
FLOORS = {
    "config_utils": 0, "errors": 0, "cli": 0, "atomic": 0, "layers": 0, "data": 0, "losses": 0,
    "nets": 1,
    "models": 2,
    "registry": 3,  # finds the papers' specs: above every paper
    "training": 4, "export": 4, "convert": 4, "evaluation": 4,
}


def _module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The tf_i2i modules `path` imports ('from pkg import sub' counts as sub when sub is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = [f"{node.module}.{alias.name}" for alias in node.names]
            targets = [m for m in submodules if m in modules] or [node.module]
        else:
            continue
        for target in targets:
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target.startswith("tf_i2i."):
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _module_names()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _floor(module: str) -> int:
    top = module.split(".")[1]
    if top not in FLOORS:
        raise AssertionError(f"{module}: tf_i2i/{top} has no floor in this test's FLOORS; give it one")
    return FLOORS[top]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_import_from_a_higher_floor():
    upward = sorted(f"{a} imports {b}" for a, targets in import_graph().items() for b in targets
                    if _floor(b) > _floor(a))
    assert not upward, "imports from a higher floor:\n" + "\n".join(upward)


@pytest.mark.parametrize("graph, cycle", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b"}, "b": set(), "c": {"a"}}, None),
])
def test_find_cycle_finds_what_is_there(graph, cycle):
    assert find_cycle(graph) == cycle


def test_deferred_imports_count(tmp_path):
    """An import inside a function is an edge like any other."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from tf_i2i.models.base import GANModel\n    return GANModel\n")
    assert _imports(module, {"tf_i2i.models.base": module}) == {"tf_i2i.models.base"}
