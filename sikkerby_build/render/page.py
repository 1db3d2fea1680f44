"""What the page generators produce and what render hands to the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..charts import Chart
from ..urls import NavPage
from .contexts import CONTEXTS, PageContext


@dataclass
class Page:
    """One page to write: a template and its context, or ready-made Markdown (``body``).

    ``meta`` becomes the page's front matter (title, description, …); engine-specific keys
    (e.g. hiding the table of contents) are set by the engine, not here. ``context`` is the
    template's own context class (``contexts.CONTEXTS``).
    """

    path: str
    template: str | None
    meta: dict[str, Any]
    context: PageContext | None = None
    charts: list[Chart] = field(default_factory=list)
    body: str | None = None
    layout: str = "default"  # "landing": no table of contents
    live_figures: bool = False  # editorial page with {{ figures.* }} placeholders
    nav: NavPage | None = None  # a content page that places itself in the navigation
    card: list[str] | None = None  # lines under the title on the page's own share image (None: the site's card)

    def __post_init__(self) -> None:
        if self.template is None:
            return
        expected = CONTEXTS.get(self.template)
        if expected is None or type(self.context) is not expected:
            raise TypeError(f"{self.path}: {self.template} takes a {expected.__name__ if expected else '(no context class)'}, not {type(self.context).__name__}")


@dataclass
class Abbreviation:
    term: str
    definition: str


@dataclass
class RenderResult:
    """What render hands to the engine besides the staged docs folder."""

    pages: list[str] = field(default_factory=list)
    charts: int = 0
    abbreviations: list[Abbreviation] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    report_years: list[int] = field(default_factory=list)
    nav_pages: list[NavPage] = field(default_factory=list)
    landing_pages: list[str] = field(default_factory=list)
    live_figure_pages: list[str] = field(default_factory=list)
