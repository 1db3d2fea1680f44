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
from typing import TypedDict, cast

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .. import compute, danish, records, urls
from ..citations import cite
from ..sanitize import markdown_to_safe_html, neutralize_text, plain_text, tooltip_text


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


MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december")


def fmt_date(value: object) -> str:
    """An ISO date (or date) in Danish: "2. december 2026"."""
    import datetime as dt

    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def fmt_as_given(value: float, most: int = 2) -> str:
    """A number with the decimals it has (at most ``most``), no trailing zeros: 93.7 -> "93,7"
    (the source's "93,7 %", never "93,70"), 88.0 -> "88", 64.29 -> "64,29"."""
    decimals = len(f"{value:.{most}f}".rstrip("0").split(".")[1])
    return danish.number(value, decimals)


def trusted_markdown(text: str | None) -> Markup:
    """Editorial Markdown from content/ (trusted authors): HTML escaped, Markdown kept for the engine."""
    return Markup(escape(text or ""))


def attribute(value: object) -> Markup:
    """A value for an HTML attribute in a raw HTML block (e.g. chart JSON): HTML escaping only."""
    return Markup(escape(str(value)))


# The edition's ``documents`` table for the ``cite`` filter, bound for the duration of one render
# (macros imported without context see only globals, so the table cannot travel in the context).
_DOCUMENTS: ContextVar[Sequence[records.DocumentsRow]] = ContextVar("sikkerby_documents", default=())


@contextmanager
def bound_documents(documents: Sequence[records.DocumentsRow]) -> Iterator[None]:
    """Every ``|cite`` inside the block reads ``documents`` (the data package's documents table)."""
    token = _DOCUMENTS.set(documents)
    try:
        yield
    finally:
        _DOCUMENTS.reset(token)


def cite_source(source: str | None) -> str:
    """A row's ``source`` as a reader cites it: "Effektopfølgning 2019, afsnit Sjakket (SOF)"."""
    return cite(str(source or ""), _DOCUMENTS.get())


class MarkingLabel(TypedDict):
    label: str
    css: str


class Labels(TypedDict):
    """The templates' ``labels.yml``: what a reader sees for compute's keys (tests/test_records.py
    holds the file to this shape)."""

    markings: dict[str, MarkingLabel]  # fulfilment markings (compute.fulfilment_marking)
    categories: dict[str, str]  # prevention categories
    met: dict[str, str]  # a measurement row's "met"
    progress: dict[str, str]  # progress statuses (progress.PROGRESS_STATUSES)
    eligibility: dict[str, str]
    tooltips: dict[str, str]  # glossary id -> a short tooltip


def load_labels(templates: Path) -> Labels:
    return cast(Labels, yaml.safe_load((templates / "labels.yml").read_text(encoding="utf-8")))


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
    env.filters["dkk"] = danish.kroner  # every number on a page is written by danish.py
    env.filters["share"] = danish.percent
    env.filters["num"] = danish.number
    env.filters["num_as_given"] = fmt_as_given
    env.filters["date_da"] = fmt_date
    env.filters["noun"] = noun
    env.filters["fulfilment"] = compute.format_fulfilment
    env.filters["oneline"] = lambda text: " ".join(str(text or "").split())
    env.filters["cite"] = cite_source
    env.filters["rel"] = lambda target, current: urls.href(target, current)
    env.globals.update(urls=urls, labels=load_labels(templates), CRITERIA=compute.CRITERIA, SCORE_MAX=compute.EFFECT_SCORE_MAX)
    return env
