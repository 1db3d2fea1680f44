"""The problem catalogue: every kind the package emits is catalogued, and the README agrees.

The scan reads the package's source (no import, no build): every call of ``Problem(...)``,
``FrontMatterError(...)`` and of any helper that forwards its ``kind`` parameter to them
(``problem``, ``refuse``, ``warn`` = ``functools.partial(_followup_warning, …)``, …) must pass a
kind the scan can trace to string literals: a literal, the helper's own ``kind`` parameter, the
literals a ``kind, message = f(...)`` function returns, the values of a ``KINDS[...]`` dict, or
the ``kind`` of a caught ``FrontMatterError``. Anything else is reported as untraceable.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sikkerby_build import problems
from sikkerby_build.problems import CATALOGUE, GROUPS, KINDS, Problem, UnknownProblemKind

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sikkerby_build"
BASE_SINKS = {"Problem": 0, "FrontMatterError": 0}


@dataclass
class Scan:
    kinds: dict[str, set[str]] = field(default_factory=dict)  # kind -> "file:line" where emitted
    untraceable: list[str] = field(default_factory=list)

    def add(self, kind: str, where: str) -> None:
        self.kinds.setdefault(kind, set()).add(where)


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _kind_argument(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    return call.args[position] if position < len(call.args) else None


def _functions(tree: ast.AST) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _parameters(function: ast.FunctionDef) -> list[str]:
    names = [a.arg for a in function.args.posonlyargs + function.args.args]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _sinks(trees: dict[str, ast.Module]) -> dict[str, int]:
    """Problem, FrontMatterError and every function or partial that forwards ``kind`` to one of them."""
    sinks = dict(BASE_SINKS)
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for function in _functions(tree):
                params = _parameters(function)
                if "kind" not in params or function.name in sinks:
                    continue
                for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                    name = _callee(call)
                    argument = _kind_argument(call, sinks[name]) if name in sinks else None
                    if isinstance(argument, ast.Name) and argument.id == "kind":
                        sinks[function.name] = params.index("kind")
                        changed = True
                        break
            for node in ast.walk(tree):  # warn = functools.partial(_followup_warning, a, b, c, d)
                if (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Call)
                    and _callee(node.value) == "partial"
                    and node.value.args
                    and isinstance(node.value.args[0], ast.Name)
                    and node.value.args[0].id in sinks
                    and node.targets[0].id not in sinks
                ):
                    sinks[node.targets[0].id] = sinks[node.value.args[0].id] - (len(node.value.args) - 1)
                    changed = True
    return sinks


def _enclosing(tree: ast.Module, target: ast.AST) -> ast.FunctionDef | None:
    best = None
    for function in _functions(tree):
        if any(n is target for n in ast.walk(function)):
            if best is None or function.lineno >= best.lineno:
                best = function
    return best


def _returned_kinds(trees: dict[str, ast.Module], name: str, scan: Scan, where: str) -> None:
    """The first elements of the tuples that function ``name`` returns must be string literals."""
    found = False
    for file, tree in trees.items():
        for function in (f for f in _functions(tree) if f.name == name):
            found = True
            for node in (n for n in ast.walk(function) if isinstance(n, ast.Return)):
                value = node.value
                head = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else None
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    scan.add(head.value, f"{file}:{node.lineno}")
                else:
                    scan.untraceable.append(f"{file}:{node.lineno}: {name} returns a kind that is not a string literal")
    if not found:
        scan.untraceable.append(f"{where}: kind comes from {name}(), which the scan cannot find")


def _dict_values(tree: ast.Module, name: str) -> list[ast.expr] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(node.value, ast.Dict):
                return list(node.value.values)
    return None


def _trace(
    argument: ast.expr,
    call: ast.Call,
    tree: ast.Module,
    trees: dict[str, ast.Module],
    sinks: dict[str, int],
    file: str,
    scan: Scan,
) -> None:
    where = f"{file}:{call.lineno}"
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        scan.add(argument.value, where)
        return
    function = _enclosing(tree, call)
    if isinstance(argument, ast.Name) and function is not None:
        if argument.id == "kind" and function.name in sinks and "kind" in _parameters(function):
            return  # forwarded: the helper's callers are scanned
        assignments = [
            n for n in ast.walk(function)
            if isinstance(n, ast.Assign) and n.lineno <= call.lineno
            and any(argument.id in {e.id for e in ast.walk(t) if isinstance(e, ast.Name)} for t in n.targets)
        ]  # fmt: skip
        latest = max(assignments, key=lambda n: n.lineno, default=None)
        if latest is not None and isinstance(latest.value, ast.Call) and isinstance(latest.targets[0], ast.Tuple):
            source = _callee(latest.value)
            if source:
                _returned_kinds(trees, source, scan, where)
                return
    if isinstance(argument, ast.Subscript) and isinstance(argument.value, ast.Name):
        values = _dict_values(tree, argument.value.id)
        if values is not None:
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    scan.add(value.value, f"{file}:{value.lineno}")
                else:
                    scan.untraceable.append(f"{file}:{value.lineno}: a value of {argument.value.id} is not a string literal")
            return
    if (
        isinstance(argument, ast.Attribute)
        and argument.attr == "kind"
        and isinstance(argument.value, ast.Name)
        and function is not None
    ):
        for handler in (n for n in ast.walk(function) if isinstance(n, ast.ExceptHandler)):
            caught = handler.type
            if handler.name == argument.value.id and isinstance(caught, ast.Name) and caught.id in sinks:
                return  # the kind of a caught FrontMatterError: its raises are scanned
    scan.untraceable.append(f"{where}: cannot trace the kind {ast.unparse(argument)!r} to a string literal")


def scan_sources(sources: dict[str, str]) -> Scan:
    """Every problem kind emitted by the given modules (file name -> source text)."""
    trees = {file: ast.parse(text, file) for file, text in sources.items()}
    sinks = _sinks(trees)
    scan = Scan()
    for file, tree in trees.items():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _callee(call)
            if name not in sinks or (name == "Problem" and file.endswith("problems.py")):
                continue
            argument = _kind_argument(call, sinks[name])
            if argument is None:
                if call.args or call.keywords:
                    scan.untraceable.append(f"{file}:{call.lineno}: {name}(…) without a kind argument")
                continue
            _trace(argument, call, tree, trees, sinks, file, scan)
    return scan


# ---------------------------------------------------------------- messages against their templates

VARIES, MESSAGE = "\x00", "\x01"  # a value the message is built from; where a helper puts its caller's message


def _constants(trees: dict[str, ast.Module]) -> dict[str, str]:
    """Module-level string constants (EXCEL_HINT, SKELETON, …): messages spell them out."""
    out = {}
    for tree in trees.values():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                out.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return out


def _skeleton(node: ast.expr | None, constants: dict[str, str]) -> str:
    """A message expression as text: literal parts kept, computed parts VARIES, a helper's ``message`` MESSAGE."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return MESSAGE if node.id == "message" else constants.get(node.id, VARIES)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else _skeleton(v.value, constants) if isinstance(v, ast.FormattedValue) and v.format_spec is None and v.conversion == -1 else VARIES
            for v in node.values
        )  # fmt: skip
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _skeleton(node.left, constants) + _skeleton(node.right, constants)
    return VARIES


def _message_argument(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "message":
            return keyword.value
    return call.args[position] if position < len(call.args) else None


def _message_sinks(trees: dict[str, ast.Module], constants: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Position of the message argument of each sink, and the text the sink wraps it in (``f"{who}: {message}"``)."""
    sinks = {"Problem": (2, MESSAGE), "FrontMatterError": (2, MESSAGE)}
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for function in _functions(tree):
                params = _parameters(function)
                if "message" not in params or "kind" not in params or function.name in sinks:
                    continue
                for call in (n for n in ast.walk(function) if isinstance(n, ast.Call) and _callee(n) in sinks):
                    position, wrap = sinks[_callee(call)]
                    inner = _skeleton(_message_argument(call, position), constants)
                    if MESSAGE in inner:
                        sinks[function.name] = (params.index("message"), wrap.replace(MESSAGE, inner))
                        changed = True
                        break
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _callee(node.value) == "partial"
                    and node.value.args and isinstance(node.value.args[0], ast.Name) and node.value.args[0].id in sinks
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id not in sinks
                ):  # fmt: skip
                    position, wrap = sinks[node.value.args[0].id]
                    sinks[node.targets[0].id] = (position - (len(node.value.args) - 1), wrap)
                    changed = True
    return sinks


def message_skeletons(sources: dict[str, str]) -> list[tuple[str, str, str]]:
    """(kind, message as text, file:line) for every problem whose kind and message are written at the call."""
    trees = {file: ast.parse(text, file) for file, text in sources.items()}
    constants = _constants(trees)
    kind_sinks = _sinks(trees)
    out = []
    for file, tree in trees.items():
        message_sinks = _message_sinks({file: tree}, constants)  # helpers are local ("problem" differs per module)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _callee(call)
            if name not in kind_sinks or name not in message_sinks:
                continue
            kind = _kind_argument(call, kind_sinks[name])
            position, wrap = message_sinks[name]
            message = _message_argument(call, position)
            if isinstance(kind, ast.Constant) and isinstance(kind.value, str) and message is not None:
                text = _skeleton(message, constants).replace(MESSAGE, VARIES)  # a variable named message: computed
                out.append((kind.value, wrap.replace(MESSAGE, text), f"{file}:{call.lineno}"))
    return out


def template_pattern(template: str) -> re.Pattern[str]:
    """{placeholder} and … stand for anything."""
    return re.compile(re.sub(r"\\\{.*?\\\}", lambda _: ".*?", re.escape(template)).replace("…", ".*"), re.DOTALL)


@pytest.fixture(scope="module")
def package_scan() -> Scan:
    sources = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))}
    return scan_sources(sources)


# ---------------------------------------------------------------- the package against the catalogue


def test_every_emitted_kind_is_catalogued(package_scan):
    assert package_scan.untraceable == []
    missing = {k: sorted(w) for k, w in package_scan.kinds.items() if k not in KINDS}
    assert missing == {}, "kinds emitted but not in problems.CATALOGUE: " + ", ".join(missing)


def test_every_catalogued_kind_is_emitted(package_scan):
    stale = sorted(set(KINDS) - set(package_scan.kinds))
    assert stale == [], f"catalogue entries nothing emits (remove them or emit them): {stale}"


def test_scan_reaches_every_stage(package_scan):
    """The scan follows helpers, partials, returned tuples, dicts and exceptions, in every module that emits."""
    files = {w.split(":")[0] for where in package_scan.kinds.values() for w in where}
    assert {
        "sikkerby_build/validate.py", "sikkerby_build/load.py", "sikkerby_build/editing.py", "sikkerby_build/audit.py",
        "sikkerby_build/live_figures.py", "sikkerby_build/disclosure.py", "sikkerby_build/news_rules.py",
    } <= files  # fmt: skip
    for kind in ("out-of-range", "fulfilment-mismatch", "small-number-text", "front-matter-yaml", "news-title",
                 "content-symlink", "live-figure-unknown", "internal-leak"):  # fmt: skip
        assert kind in package_scan.kinds, kind


# ---------------------------------------------------------------- the scan itself can fail


def test_scan_finds_a_new_kind_in_every_form():
    source = """
import functools
from .problems import Problem
KIND_TITLES = {"a": "dict-kind"}
def helper(into, kind, message):
    into.append(Problem(kind, "f", message))
def message_of(error):
    if error:
        return "returned-kind", "x"
    return "other-returned-kind", "y"
def run(error, finding):
    out = []
    Problem("literal-kind", "f", "m")
    helper(out, "helper-kind", "m")
    warn = functools.partial(helper, out)
    warn("partial-kind", "m")
    kind, message = message_of(error)
    Problem(kind, "f", message)
    Problem(KIND_TITLES[finding], "f", "m")
    Problem(kind=f"computed-{error}", file="f", message="m")
"""
    scan = scan_sources({"m.py": source})
    assert set(scan.kinds) == {"literal-kind", "helper-kind", "partial-kind", "returned-kind", "other-returned-kind", "dict-kind"}
    assert len(scan.untraceable) == 1 and "computed-" in scan.untraceable[0]


def test_scan_refuses_a_function_that_returns_a_variable_kind():
    source = """
from .problems import Problem
def message_of(error):
    return error.type, "x"
def run(error):
    kind, message = message_of(error)
    Problem(kind, "f", message)
"""
    scan = scan_sources({"m.py": source})
    assert scan.kinds == {} and len(scan.untraceable) == 1


def test_messages_have_the_shape_of_their_templates():
    """Each message written at its call matches its kind's template or one of its variants, and no variant is stale."""
    sources = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))}
    found = message_skeletons(sources)
    assert len(found) >= 50
    wrong, used = [], set()
    for kind, skeleton, where in found:
        if not skeleton.replace(VARIES, "").strip():
            continue  # the whole message is computed elsewhere (e.g. the YAML parser's explanation)
        templates = (KINDS[kind].template, *KINDS[kind].variants)
        matches = [t for t in templates if template_pattern(t).fullmatch(skeleton.replace(VARIES, "X"))]
        used.update(matches)
        if not matches:
            wrong.append(f"{where} [{kind}] {skeleton.replace(VARIES, '{…}')!r}")
    assert wrong == []
    checked = {kind for kind, skeleton, _ in found if skeleton.replace(VARIES, "").strip()}
    stale = [(k, t) for k in sorted(checked) for t in (KINDS[k].template, *KINDS[k].variants) if t not in used]
    assert stale == []


def test_template_check_can_fail():
    assert template_pattern("Tallet '{navn}' findes ikke.{ Mente du …?}").fullmatch("Tallet 'X' findes ikke.X")
    assert not template_pattern("Tallet '{navn}' findes ikke.").fullmatch("Tallet 'X' findes ikke længere.")
    source = """
from .problems import Problem
HINT = "Gem som UTF-8."
def _warn(into, who, kind, message):
    into.append(Problem(kind, "f", f"{who}: {message}", severity="warning"))
def run(out, n):
    _warn(out, "Sjakket 2019", "budget-unreadable", f"{n} kan ikke læses. {HINT}")
"""
    assert message_skeletons({"m.py": source}) == [("budget-unreadable", "\x00: \x00 kan ikke læses. Gem som UTF-8.", "m.py:7")]


# ---------------------------------------------------------------- Problem and the catalogue


def test_problem_refuses_an_unknown_kind():
    with pytest.raises(UnknownProblemKind, match="no-such-kind"):
        Problem("no-such-kind", "x.csv", "…")


def test_problem_refuses_the_wrong_severity():
    with pytest.raises(UnknownProblemKind, match="warning"):
        Problem("budget-unreadable", "activities.csv", "…")  # a warning, never an error
    assert Problem("budget-unreadable", "activities.csv", "…", severity="warning").entry.title


def test_catalogue_entries_are_complete():
    assert len(CATALOGUE) == len(KINDS)  # codes are unique
    for kind in CATALOGUE:
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", kind.code), kind.code
        assert kind.group in GROUPS, kind.code
        assert kind.severity in ("error", "warning"), kind.code
        for text in (kind.title, kind.template, kind.description):
            assert text.strip() and text == text.strip(), kind.code
        assert kind.description.endswith((".", ")")), kind.code  # a sentence an editor can act on
    assert all(any(k.group == g for k in CATALOGUE) for g in GROUPS)  # no empty group


def test_warnings_are_exactly_the_quality_and_small_number_kinds():
    warnings = {k.code for k in CATALOGUE if k.severity == "warning"}
    assert warnings == {k.code for k in CATALOGUE if k.group in ("quality", "disclosure")}


# ---------------------------------------------------------------- the README's list


def test_readme_list_is_generated_from_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert problems.readme_section(readme) == problems.markdown_table(), (
        "README.md's list of problem kinds is out of date: run .venv/bin/python -m sikkerby_build.problems --update README.md"
    )
    for kind in CATALOGUE:
        assert readme.count(f"| `{kind.code}` |") == 1, kind.code


def test_update_readme_replaces_only_the_generated_part():
    stale = f"intro\n{problems.README_START}\n| `old-kind` | … |\n{problems.README_END}\noutro\n"
    updated = problems.update_readme(stale)
    assert updated.startswith("intro\n") and updated.endswith(f"{problems.README_END}\noutro\n")
    assert "old-kind" not in updated and problems.readme_section(updated) == problems.markdown_table()
    with pytest.raises(ValueError):
        problems.readme_section("no markers here")


def test_module_prints_the_table(capsys):
    assert problems.main([]) == 0
    assert capsys.readouterr().out == problems.markdown_table()
    assert problems.main(["--bogus"]) == 2
