"""The Jinja environment of the page templates: filters, globals, Danish number formatting.

Templates are autoescaped. Text that arrives in data is Markdown and reaches a page only
through the ``md`` filter (rendered and sanitized once, here); plain data values are escaped
by autoescape.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .. import compute
from ..charts import fmt_number
from ..citations import cite
from ..sanitize import markdown_to_safe_html, neutralize_text, plain_text, tooltip_text
from . import urls


def fmt_dkk(value: float | None) -> str:
    if value is None:
        return "Ikke oplyst"
    if value >= 1_000_000:
        return f"{fmt_number(value / 1e6, 1)} mio. kr."
    return f"{fmt_number(value)} kr."


def fmt_share(value: float | None) -> str:
    return "–" if value is None else f"{fmt_number(value * 100)} %"


def noun(count: object, singular: str, plural: str) -> str:
    """Danish number agreement: ``1 aktivitet``, ``0 aktiviteter``, ``23 aktiviteter``."""
    return singular if count == 1 else plural


def finalize(value: object) -> object:
    """Every ``{{ value }}``: plain strings become HTML text that no Markdown pass reinterprets.

    Markup (the ``md`` filter, macros, ``attr``) and objects with ``__html__`` pass unchanged;
    numbers are escaped by autoescape as usual.
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(neutralize_text(value))
    return value


def trusted_markdown(text: str | None) -> Markup:
    """Editorial Markdown from content/ (trusted authors): HTML escaped, Markdown kept for the engine."""
    return Markup(escape(text or ""))


def attribute(value: object) -> Markup:
    """A value for an HTML attribute in a raw HTML block (e.g. chart JSON): HTML escaping only."""
    return Markup(escape(str(value)))


# The edition's ``documents`` table for the ``cite`` filter, bound for the duration of one render
# (macros imported without context see only globals, so the table cannot travel in the context).
_DOCUMENTS: ContextVar[Sequence[dict[str, Any]]] = ContextVar("sikkerby_documents", default=())


@contextmanager
def bound_documents(documents: Sequence[dict[str, Any]]) -> Iterator[None]:
    """Every ``|cite`` inside the block reads ``documents`` (the data package's documents table)."""
    token = _DOCUMENTS.set(documents)
    try:
        yield
    finally:
        _DOCUMENTS.reset(token)


def cite_source(source: str | None) -> str:
    """A row's ``source`` as a reader cites it: "Effektopfølgning 2019, afsnit Sjakket (SOF)"."""
    return cite(str(source or ""), _DOCUMENTS.get())


def load_labels(templates: Path) -> dict[str, Any]:
    return yaml.safe_load((templates / "labels.yml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=4)
def environment(templates: Path) -> Environment:
    """One environment per templates folder and process: compiled templates are reused."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    env.filters["md"] = lambda text: Markup(markdown_to_safe_html(text))
    env.filters["plain"] = plain_text
    env.filters["trusted_markdown"] = trusted_markdown
    env.filters["attr"] = attribute
    env.filters["tooltip"] = tooltip_text
    env.filters["dkk"] = fmt_dkk
    env.filters["share"] = fmt_share
    env.filters["num"] = fmt_number
    env.filters["noun"] = noun
    env.filters["fulfilment"] = compute.format_fulfilment
    env.filters["oneline"] = lambda text: " ".join(str(text or "").split())
    env.filters["cite"] = cite_source
    env.filters["rel"] = lambda target, current: urls.href(target, current)
    env.globals.update(urls=urls, labels=load_labels(templates), CRITERIA=compute.CRITERIA, SCORE_MAX=compute.EFFECT_SCORE_MAX)
    return env
