"""Stage: render. Model -> pages, chart data and downloads in a staging folder.

Entry point: ``render(data, model, staging, warnings, settings, adapt_meta) -> RenderResult``.

As Pelican's generators: every page family has a generator (``pages/``) that yields ``Page``s
with their template and context; only then are the pages rendered and written by one writer,
which also removes files a previous render wrote but this one did not. Paths come from
``urls``. What the engine needs besides the docs folder (glossary abbreviations, live figures,
navigation, landing pages) is returned in the ``RenderResult``; the engine writes its own files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .. import compute, downloads, live_figures
from ..edition import EditionData
from ..problems import Problem
from ..sanitize import attribute_text, markdown_to_safe_html, unescaped_text
from ..settings import Settings
from . import card, jinja, text, urls
from .page import Abbreviation, Page, RenderResult
from .pages import GENERATORS, news
from .site import Site, make_site
from .writer import Writer

MetaAdapter = Callable[[dict[str, Any], Page], dict[str, Any]]


def _neutral_meta(meta: dict[str, Any], page: Page) -> dict[str, Any]:
    return meta


def render(
    data: EditionData,
    model: compute.Model,
    staging: Path,
    warnings: list[Problem],
    settings: Settings,
    adapt_meta: MetaAdapter = _neutral_meta,
) -> RenderResult:
    site = make_site(data, model, warnings)
    env = jinja.environment(settings.templates)
    site.labels = env.globals["labels"]
    writer = Writer(staging / "docs")
    result = RenderResult(report_years=list(model.figures["followup_years"]))
    pages = [page for generate in GENERATORS for page in generate(site)]  # every context first, then write
    base = {**site.base_context(), "pdfs": settings.pdfs}
    with jinja.bound_documents(data.tables.get("documents", [])):  # the templates' |cite filter
        for page in pages:
            writer.write(page.path, front_matter(adapt_meta(page.meta, page)) + _body(env, page, base))
            _record(result, page)
            for chart in page.charts:
                writer.write(urls.chart_csv(chart.id), chart.csv)
    for path in downloads.write(writer.docs / urls.DOWNLOADS, data, model):
        writer.keep(path)
    writer.keep(writer.write(urls.PLOTLY_BUNDLE, plotly_bundle(settings.plotly_bundle)))
    writer.write(urls.NEWS_FEED, news.feed(site, settings.site_url))
    writer.keep(card.write(writer.docs / urls.SHARE_IMAGE, data.edition))
    writer.remove_stale()
    result.abbreviations = abbreviations(model.reference.glossary, site.labels.get("tooltips") or {})
    result.figures = live_figures.values(model)
    return result


def _body(env: Any, page: Page, base: dict[str, Any]) -> str:
    if page.template is None:
        return page.body or ""
    return env.get_template(page.template).render(**base, **page.context, page_path=page.path)


def _record(result: RenderResult, page: Page) -> None:
    result.pages.append(page.path)
    result.charts += len(page.charts)
    if page.layout == "landing":
        result.landing_pages.append(page.path)
    if page.live_figures:
        result.live_figure_pages.append(page.path)
    if page.nav is not None:
        result.nav_pages.append(page.nav)


def _meta_value(value: Any) -> Any:
    if isinstance(value, str):
        return attribute_text(value)
    if isinstance(value, list):
        return [_meta_value(v) for v in value]
    return value


def front_matter(meta: dict[str, Any]) -> str:
    """Front matter for the engine: strings as attribute-safe text (the theme does not escape them)."""
    clean = {k: _meta_value(v) for k, v in meta.items()}
    return "---\n" + yaml.safe_dump(clean, allow_unicode=True, sort_keys=True) + "---\n\n"


def plotly_bundle(path: Path) -> str:
    if not path.exists():
        raise FileNotFoundError(f"{path} mangler: kør 'npm ci' i projektets rod (se README).")
    # The only third-party URL in the bundle is the default topojson location for geo maps,
    # which the basic bundle cannot draw; point it at the site so no file names a CDN.
    return path.read_text(encoding="utf-8").replace('"https://cdn.plot.ly/un/"', '"topojson/"')


TOOLTIP_LIMIT = 250


def tooltip(entry: dict[str, Any], short: dict[str, str]) -> str:
    """A glossary term's tooltip: its short explanation (templates' labels.yml) or the whole
    sentences of its definition that fit in ``TOOLTIP_LIMIT`` characters; never cut mid-word."""
    if entry.get("id") in short:
        return " ".join(str(short[entry["id"]]).split())
    definition = " ".join(unescaped_text(markdown_to_safe_html(entry["definition"])).split())
    return text.first_sentences(definition, TOOLTIP_LIMIT)


def abbreviations(glossary: list[dict[str, Any]], short: dict[str, str] | None = None) -> list[Abbreviation]:
    """Glossary terms and aliases with a short plain-text explanation, for tooltips."""
    out = []
    for g in glossary:
        definition = tooltip(g, short or {})
        for term in [g["term"], *(g.get("aliases") or "").split("|")]:
            if term.strip():
                out.append(Abbreviation(term.strip(), definition))
    return out


__all__ = ["render", "RenderResult", "Page", "Site", "urls"]
