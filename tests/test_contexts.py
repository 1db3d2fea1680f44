"""Every page template's context is a documented dataclass (render/contexts.py), as datasette
documents the context of each of its templates: the template reads only its context's fields
(and the base context's), reads every one of them, and each field is documented."""

from __future__ import annotations

import dataclasses
import re
import typing

import pytest
from jinja2 import meta

from sikkerby_build import settings
from sikkerby_build.render import jinja
from sikkerby_build.render.contexts import CONTEXTS, BaseContext, PageContext
from sikkerby_build.render.page import Page

TEMPLATES = settings.TOOL_ROOT / "overrides" / "pages"
PAGE_TEMPLATES = sorted(p.name for p in TEMPLATES.glob("*.md.j2"))
RENDER_ADDS = {"page_path"}  # render/__init__.py: the page's own path


def _field_names(cls: type[PageContext]) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def _reads(template: str) -> set[str]:
    env = jinja.environment(TEMPLATES)
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    return meta.find_undeclared_variables(env.parse(source)) - set(env.globals)


def test_every_page_template_has_one_context_class_and_no_class_is_without_its_template():
    assert PAGE_TEMPLATES and sorted(CONTEXTS) == PAGE_TEMPLATES


@pytest.mark.parametrize("template", PAGE_TEMPLATES)
def test_template_reads_exactly_its_context(template: str):
    fields = _field_names(CONTEXTS[template])
    reads = _reads(template)
    assert reads - fields - _field_names(BaseContext) - RENDER_ADDS == set(), "read but in no context"
    assert fields - reads == set(), "in the context but never read by the template"


@pytest.mark.parametrize("cls", [BaseContext, *CONTEXTS.values()], ids=lambda c: c.__name__)
def test_every_field_is_documented(cls: type[PageContext]):
    documented = set(re.findall(r"``(\w+)``", cls.__doc__ or ""))
    assert _field_names(cls) - documented == set()


def test_a_page_refuses_a_context_of_another_template():
    goals = CONTEXTS["goals.md.j2"](goals=[])
    Page("maal/index.md", "goals.md.j2", {"title": "Effektmål"}, goals)
    with pytest.raises(TypeError, match="goal.md.j2 takes a GoalContext"):
        Page("maal/x.md", "goal.md.j2", {"title": "x"}, goals)
    with pytest.raises(TypeError):
        Page("maal/x.md", "goal.md.j2", {"title": "x"})  # no context at all
    with pytest.raises(dataclasses.FrozenInstanceError):
        goals.goals = [1]  # type: ignore[misc]


UNTYPED_ON_PURPOSE = {
    ("BaseContext", "municipal"),  # one entry per municipal setting, as shown (municipal.as_context)
    ("OpenDataContext", "resources"),  # the published descriptor's JSON
}


def _has_any(hint: object) -> bool:
    return hint is typing.Any or any(_has_any(arg) for arg in typing.get_args(hint))


@pytest.mark.parametrize("cls", [BaseContext, *CONTEXTS.values()], ids=lambda c: c.__name__)
def test_every_field_has_a_type_a_checker_can_check(cls: type[PageContext]):
    """No field is Any (or a mapping to Any) but the two listed: the rows a template reads are
    the generated records, compute's TypedDicts or a TypedDict of the generator."""
    hints = typing.get_type_hints(cls)
    untyped = [
        f.name for f in dataclasses.fields(cls) if _has_any(hints[f.name]) and (cls.__name__, f.name) not in UNTYPED_ON_PURPOSE
    ]
    assert not untyped, untyped


def test_the_type_check_finds_an_untyped_field():
    @dataclasses.dataclass(frozen=True)
    class Loose:
        rows: typing.Sequence[typing.Mapping[str, typing.Any]]

    assert _has_any(typing.get_type_hints(Loose)["rows"])
