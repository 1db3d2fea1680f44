"""A mypy plugin (``[tool.mypy] plugins`` in pyproject.toml): a string-key lookup such as
``row["year"]`` or ``row.get("year")`` on a ``dict``/``Mapping`` whose values are ``Any`` is one
mypy cannot check — a misspelt key or a wrong type goes unnoticed. It is an error in every module
of the package but the document readers listed below; everywhere it is recorded, for
``benchmarks/unchecked_lookups.py``.

The rows those stages read are typed instead: the generated ``records.py`` rows, compute's
TypedDicts (``Activity``, ``Followup`` …) and the page contexts' TypedDicts.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.errorcodes import ErrorCode
from mypy.nodes import StrExpr
from mypy.plugin import MethodContext, Plugin
from mypy.plugins.default import DefaultPlugin
from mypy.types import AnyType, Instance, Type, get_proper_type

# Modules that read documents whose shape is checked by hand, not typed: the data package's
# descriptor (JSON), front matter and labels (YAML), plotly's figure JSON, the live figures'
# values, and the stages that work on every table by the schema (validate, edition). Every other
# module of the package — a new one too — may not look up a key mypy cannot check.
DOCUMENT_READERS = {
    "sikkerby_build.charts", "sikkerby_build.citations", "sikkerby_build.disclosure", "sikkerby_build.downloads",
    "sikkerby_build.editing", "sikkerby_build.edition", "sikkerby_build.engine.material", "sikkerby_build.engine.page_cache",
    "sikkerby_build.excel_csv", "sikkerby_build.live_figures", "sikkerby_build.load", "sikkerby_build.news_rules",
    "sikkerby_build.rename", "sikkerby_build.render", "sikkerby_build.render.pages.content",
    "sikkerby_build.render.pages.news", "sikkerby_build.render.pages.programme",
    "sikkerby_build.render.pages.reference", "sikkerby_build.render.pages.stories",
    "sikkerby_build.render.site", "sikkerby_build.schema_records", "sikkerby_build.synth", "sikkerby_build.validate",
}  # fmt: skip


def is_strict(module: str) -> bool:
    return module.startswith("sikkerby_build") and module not in DOCUMENT_READERS


LOOKUPS = {
    f"{cls}.{method}" for cls in ("builtins.dict", "typing.Mapping", "typing.MutableMapping") for method in ("__getitem__", "get")
}
UNCHECKED_LOOKUP = ErrorCode("unchecked-lookup", "String-key lookup on a mapping of Any values", "General")
FOUND: set[tuple[str, int, int]] = set()  # (file, line, column) of every unchecked lookup seen


def is_unchecked(ctx: MethodContext) -> bool:
    base = get_proper_type(ctx.type)
    key = ctx.args[0][0] if ctx.args and ctx.args[0] else None
    return (
        isinstance(base, Instance)
        and len(base.args) == 2
        and isinstance(key, StrExpr)
        and isinstance(get_proper_type(base.args[1]), AnyType)
    )


def _record(ctx: MethodContext) -> None:
    if is_unchecked(ctx):
        checker = ctx.api  # mypy's TypeChecker: knows the module it checks
        FOUND.add((checker.path, ctx.context.line, ctx.context.column))  # type: ignore[attr-defined]
        if is_strict(checker.tree.fullname):  # type: ignore[attr-defined]
            ctx.api.fail(
                "Unchecked lookup: the mapping's values are Any; type the row (records.py, compute's or the contexts' TypedDicts)",
                ctx.context,
                code=UNCHECKED_LOOKUP,
            )


class UncheckedLookups(Plugin):
    """Records each lookup, then hands it to mypy's own hook (a plugin's hook replaces the
    default plugin's, which types ``.get`` on a TypedDict)."""

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        if fullname not in LOOKUPS:
            return None
        default = DefaultPlugin(self.options).get_method_hook(fullname)

        def hook(ctx: MethodContext) -> Type:
            _record(ctx)
            return default(ctx) if default else ctx.default_return_type

        return hook


def plugin(version: str) -> type[Plugin]:
    return UncheckedLookups
