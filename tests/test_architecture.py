"""The package's import graph, read from the source (every import, also those inside functions):
no cycles, and the stages depend only downwards (issue 21)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sikkerby_build"


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at the top or inside a function.
    ``from pkg import sub`` depends on ``pkg.sub`` when that is a module, else on ``pkg``."""
    modules = {_module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    deps.add(sub if sub in modules else target)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for w in graph[todo.pop()] - seen:
            seen.add(w)
            todo.append(w)
    return seen


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_package_has_no_import_cycles(graph):
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from . import b\n")
    (package / "b.py").write_text("from .a import f\n")
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


@pytest.mark.parametrize("stage", ["load", "validate", "edition", "compute", "audit", "publish", "urls"])
def test_stages_before_render_and_the_audit_do_not_reach_render_or_the_engine(graph, stage):
    reached = reaches(graph, f"sikkerby_build.{stage}")
    assert not {m for m in reached if m.startswith("sikkerby_build.render")}, sorted(reached)
    assert "sikkerby_build.engine" not in reached and "sikkerby_build.pipeline" not in reached


def test_urls_is_a_module_of_its_own_that_depends_on_no_stage(graph):
    assert graph["sikkerby_build.urls"] <= set(), graph["sikkerby_build.urls"]


def third_party_imports(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the top-level names of the outside packages it imports (anywhere in the file)."""
    out: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
        out[_module_name(path, package)] = names
    return out


ENGINE_PACKAGES = {"mkdocs", "material", "mkdocs_macros", "pymdownx"}


def test_only_the_engine_package_imports_mkdocs_or_material():
    outside = {
        m: sorted(names & ENGINE_PACKAGES)
        for m, names in third_party_imports().items()
        if names & ENGINE_PACKAGES and not m.startswith("sikkerby_build.engine")
    }
    assert outside == {}
    assert third_party_imports()["sikkerby_build.engine.material"] >= {"mkdocs"}  # the check looks where MkDocs is


def test_the_material_engine_implements_the_engine_protocol():
    import inspect

    from sikkerby_build import engine

    members = [n for n, v in vars(engine.Engine).items() if callable(v) and not n.startswith("_")] + ["name"]
    assert set(members) >= {"adapt_meta", "write_engine_files", "build_site", "serve", "name"}
    for name in members:
        assert hasattr(engine.ENGINE, name), name
        if name != "name":
            expected = list(inspect.signature(getattr(engine.Engine, name)).parameters)[1:]  # without self
            assert list(inspect.signature(getattr(engine.ENGINE, name)).parameters) == expected, name
