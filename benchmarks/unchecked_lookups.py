"""How many string-key lookups in ``sikkerby_build/`` a type checker cannot check (issue 21).

A lookup such as ``row["year"]`` or ``row.get("year")`` is checked when ``row`` is a TypedDict
(the generated ``records.py`` rows, compute's ``Activity``, ``Followup`` …): mypy knows the key
and the value's type. It is unchecked when ``row`` is a ``dict``/``Mapping`` whose values are
``Any`` — a misspelt key or a wrong type goes unnoticed. This script runs mypy with a small
plugin that records every unchecked one, and prints the count per module.

    .venv/bin/python benchmarks/unchecked_lookups.py [package]
"""

from __future__ import annotations

import collections
import sys
import tempfile
from pathlib import Path

from mypy import api
from mypy.nodes import StrExpr
from mypy.plugin import MethodContext, Plugin
from mypy.types import AnyType, Instance, Type, get_proper_type

LOOKUPS = {f"{cls}.{method}" for cls in ("builtins.dict", "typing.Mapping", "typing.MutableMapping") for method in ("__getitem__", "get")}
FOUND: set[tuple[str, int, int]] = set()


def _record(ctx: MethodContext) -> Type:
    base = get_proper_type(ctx.type)
    key = ctx.args[0][0] if ctx.args and ctx.args[0] else None
    if isinstance(base, Instance) and len(base.args) == 2 and isinstance(key, StrExpr):
        if isinstance(get_proper_type(base.args[1]), AnyType):
            FOUND.add((ctx.api.path, ctx.context.line, ctx.context.column))  # type: ignore[attr-defined]
    return ctx.default_return_type


class UncheckedLookups(Plugin):
    def get_method_hook(self, fullname: str):  # noqa: ANN201 (mypy's plugin interface)
        return _record if fullname in LOOKUPS else None


def plugin(version: str) -> type[Plugin]:
    return UncheckedLookups


def count(package: Path) -> collections.Counter[str]:
    FOUND.clear()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "mypy.ini"
        config.write_text(f"[mypy]\nplugins = {Path(__file__).resolve()}\nignore_missing_imports = True\n", encoding="utf-8")
        api.run([str(package), "--config-file", str(config), "--no-incremental", "--cache-dir", str(Path(tmp) / "cache"), "--python-version", "3.11"])
    # mypy imports the plugin by its path, as a module of its own: read what that copy recorded
    loaded = [m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == __file__ and m is not sys.modules[__name__]]
    found = set().union(FOUND, *(m.FOUND for m in loaded))
    mine = [Path(path).resolve() for path, _, _ in found if Path(path).resolve().is_relative_to(package)]
    return collections.Counter(str(path.relative_to(package.parent)) for path in mine)


if __name__ == "__main__":
    package = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "sikkerby_build").resolve()
    counts = count(package)
    for module, n in counts.most_common():
        print(f"{n:5d}  {module}")
    print(f"{sum(counts.values()):5d}  unchecked string-key lookups in {package.name}/")
