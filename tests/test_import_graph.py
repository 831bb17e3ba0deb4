"""The import graph: no cycle among modules and no arrow pointing up the package stack.

Packages stack `solver` <- `generators` <- `trace_env` <- `agents` <- `training`, `train_sft.py`,
`train_grpo.py`: a module may import from its own layer or from layers below it, wherever the
import statement stands (a function-level import pointing up is still an upward arrow). Cycles are
looked for among the imports that run when a module is imported (module level, `if TYPE_CHECKING:`
blocks and class bodies), and then among all imports, so that no cycle is merely dodged by an
import inside a function. The graph is read from the source with the standard library's `ast`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS: dict[str, int] = {
    "solver": 0, "generators": 1, "trace_env": 2, "agents": 3, "training": 4, "train_sft": 4, "train_grpo": 4,
    "gsmtrace": 2,  # the verifiers environment id: a top-level re-export of trace_env.verifiers_env
}

Graph = Mapping[str, set[str]]


def module_files(root: Path, tops: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for the given top-level packages and single-file modules."""
    found: dict[str, Path] = {}
    for top in tops:
        single = root / f"{top}.py"
        if single.is_file():
            found[top] = single
            continue
        for path in sorted((root / top).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _import_nodes(tree: ast.Module, *, in_functions: bool) -> Iterable[ast.Import | ast.ImportFrom]:
    """Import statements of a module; only those that run on import unless `in_functions`."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif in_functions or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, known: Iterable[str], *, in_functions: bool = False) -> set[str]:
    """The project modules `name` (at `path`) imports, as dotted names (see `_import_nodes`)."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in _import_nodes(tree, in_functions=in_functions):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base_parts = package.split(".") if package else []
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from pkg import sub` imports the submodule pkg.sub when there is one
            subs = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
            targets = subs if subs and len(subs) == len(node.names) else [base, *subs]
        for target in targets:
            # `import a.b.c` needs a.b.c; keep the longest prefix that is a project module
            parts = target.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts and ".".join(parts) != name:
                out.add(".".join(parts))
    return out


def import_graph(root: Path, tops: Iterable[str], *, in_functions: bool = False) -> dict[str, set[str]]:
    files = module_files(root, tops)
    return {name: imports_of(name, path, files, in_functions=in_functions) for name, path in files.items()}


def find_cycle(graph: Graph) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None when the graph is acyclic."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def upward_edges(graph: Graph) -> list[tuple[str, str]]:
    """Imports from a lower layer to a higher one (`solver` importing `generators`, ...)."""
    return sorted((a, b) for a, deps in graph.items() for b in deps if layer(b) > layer(a))


@pytest.fixture(scope="module")
def project_graph() -> dict[str, set[str]]:
    return import_graph(ROOT, LAYERS)


@pytest.fixture(scope="module")
def every_import() -> dict[str, set[str]]:
    return import_graph(ROOT, LAYERS, in_functions=True)


def test_the_graph_covers_every_package(project_graph) -> None:
    tops = {name.split(".")[0] for name in project_graph}
    assert tops == set(LAYERS)
    # spot checks that imports are resolved, relative ones included
    assert "generators.core" in project_graph["generators"]
    assert "solver" in project_graph["generators.core"]
    assert "trace_env.evaluate" in project_graph["agents.evaluate"]


def test_no_import_cycle(project_graph) -> None:
    assert find_cycle(project_graph) is None, f"import cycle: {' -> '.join(find_cycle(project_graph))}"


def test_no_cycle_is_hidden_behind_an_import_inside_a_function(every_import) -> None:
    # A lazy import may save start-up time, but must not be what keeps two modules from a cycle.
    assert find_cycle(every_import) is None, f"import cycle: {' -> '.join(find_cycle(every_import))}"


def test_no_import_points_up_the_stack(every_import) -> None:
    assert upward_edges(every_import) == []


# ---- the checks themselves catch real violations -------------------------------------------

def test_find_cycle_and_upward_edges_on_synthetic_graphs() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"y"}, "y": {"y"}}) == ["y", "y"]
    diamond = {"solver.a": set(), "generators.b": {"solver.a"}, "agents.c": {"generators.b", "solver.a"}}
    assert upward_edges(diamond) == []
    assert upward_edges({**diamond, "trace_env.d": {"agents.c"}}) == [("trace_env.d", "agents.c")]


def test_the_parser_sees_cycles_and_upward_imports_in_real_files(tmp_path: Path) -> None:
    def write(rel: str, text: str) -> None:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)

    write("solver/__init__.py", "from .core import run\n")
    write("solver/core.py", "from . import helpers\n\ndef run():\n    from generators import make  # lazy: ignored\n")
    write("solver/helpers.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .core import run\n")
    write("generators/__init__.py", "import solver.core\n")
    graph = import_graph(tmp_path, ["solver", "generators"])
    assert import_graph(tmp_path, ["solver", "generators"], in_functions=True)["solver.core"] == {
        "solver.helpers", "generators"}  # the lazy import still points up
    assert graph == {
        "solver": {"solver.core"}, "solver.core": {"solver.helpers"}, "solver.helpers": {"solver.core"},
        "generators": {"solver.core"},
    }
    assert find_cycle(graph) == ["solver.core", "solver.helpers", "solver.core"]
    assert upward_edges(graph) == []
    write("solver/helpers.py", "class Late:\n    from generators import make\n")  # class bodies run on import
    graph = import_graph(tmp_path, ["solver", "generators"])
    assert upward_edges(graph) == [("solver.helpers", "generators")]
    assert find_cycle(graph) == ["generators", "solver.core", "solver.helpers", "generators"]
