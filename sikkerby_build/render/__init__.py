"""Stage: render. Model -> pages, chart data and downloads in a staging folder.

Entry point: ``render(data, model, staging, warnings, settings, adapt_meta) -> RenderResult``.

As Pelican's generators: every page family has a generator (``pages/``) that yields ``Page``s
with their template and context; only then are the pages rendered and written by one writer,
which also removes files a previous render wrote but this one did not. Paths come from
``urls``. What the engine needs besides the docs folder (glossary abbreviations, live figures,
navigation, landing pages) is returned in the ``RenderResult``; the engine writes its own files.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .. import cachekey, compute, downloads, live_figures, municipal, records, urls
from ..edition import EditionData
from ..problems import Problem
from ..sanitize import attribute_text, markdown_to_safe_html, unescaped_text
from ..settings import Settings
from . import card, jinja, text
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
    site.labels = env.globals["labels"]  # type: ignore[assignment]  # jinja2 infers Environment.globals as dict[str, object]
    writer = Writer(staging / "docs")
    result = RenderResult(report_years=list(model.figures.followup_years))
    pages = [page for generate in GENERATORS for page in generate(site)]  # every context first, then write
    base = site.base_context(pdfs=settings.pdfs, municipal=municipal.as_context(municipal.load(settings.content_dir))).variables()
    placed: list[tuple[Any, str]] = []  # (chart, page path) for embeds and the zip
    caches = cachekey.cache_root(settings.project)
    cards = card.CardCache(caches / "cards") if caches is not None else None
    with jinja.bound_documents(data.records.get("documents", [])):  # the templates' |cite filter
        for page in pages:
            meta = page.meta
            if page.card is not None:
                meta = {**meta, "share_image": urls.share_image(page.path)}
                writer.keep(card.write_page_image(writer.docs / urls.share_image(page.path), meta.get("title", ""), page.card, data.edition, cards))
            writer.write(page.path, front_matter(adapt_meta(meta, page)) + _body(env, page, base))
            _record(result, page)
            for chart in page.charts:
                writer.write(urls.chart_csv(chart.id), chart.csv)
                writer.write(urls.chart_embed(chart.id), embed_page(env, chart, page.path, settings.site_url))
                placed.append((chart, page.path))
    package = downloads.write(writer.docs / urls.DOWNLOADS, data, model)
    for path in package:
        writer.keep(path)
    writer.keep(_write_zip(writer.docs, package, placed, data, model, settings.site_url))
    writer.keep(writer.write(urls.PLOTLY_BUNDLE, plotly_bundle(settings.plotly_bundle)))
    writer.write(urls.NEWS_FEED, news.feed(site, settings.site_url))
    for address, html in redirect_pages(data.records.get("activity_aliases", []), model, settings.site_url):
        writer.write(address, html)
    writer.keep(card.write(writer.docs / urls.SHARE_IMAGE, data.edition))
    writer.remove_stale()
    result.abbreviations = abbreviations(model.reference.glossary, site.labels["tooltips"], _staged_text(writer))
    result.figures = live_figures.values(model)
    return result


REDIRECT_HTML = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Siden er flyttet: {name}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{canonical}">
</head>
<body>
<p>Siden er flyttet til <a href="{target}">{name}</a>.</p>
</body>
</html>
"""


def redirect_pages(aliases: list[records.ActivityAliasesRow], model: compute.Model, site_url: str | None) -> list[tuple[str, str]]:
    """A static page at every old activity address (``activity_aliases``) that sends the reader on.

    HTML meta refresh and a canonical link, no script. Only aliases of activities in this
    edition (an internal activity's aliases never reach the public edition: the foreign key
    cascade in ``edition``).
    """
    from markupsafe import escape

    names = {a["id"]: a["name"] for a in model.activities}
    out = []
    for alias in sorted(aliases, key=lambda a: a["old_id"]):
        if alias["activity_id"] not in names or alias["old_id"] in names:
            continue
        old_url = urls.page_url(urls.activity(alias["old_id"]))
        new_url = urls.page_url(urls.activity(alias["activity_id"]))
        target = "../" * old_url.count("/") + new_url
        canonical = (site_url.rstrip("/") + "/" + new_url) if site_url else target
        out.append((f"{old_url}index.html", REDIRECT_HTML.format(name=escape(names[alias["activity_id"]]), target=escape(target), canonical=escape(canonical))))
    return out


def _staged_text(writer: Writer) -> str:
    """The Markdown of every staged page, where glossary terms can occur."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(writer.written) if p.suffix == ".md" and p.is_file())
def address(path: str, site_url: str | None, current: str) -> str:
    """A page's address as a citation gives it: absolute with a site address, else relative to ``current``."""
    if site_url:
        return site_url.rstrip("/") + "/" + urls.page_url(path)
    return urls.rel(current, path)


def embed_page(env: Any, chart: Any, page_path: str, site_url: str | None) -> str:
    """The chart alone, with its citation, for an iframe elsewhere (everything from this site)."""
    here = urls.chart_embed(chart.id)
    return env.get_template("embed.html.j2").render(
        c=chart,
        page_address=address(page_path, site_url, here),
        embed_address=address(here, site_url, here),
        plotly_src=urls.rel(here, urls.PLOTLY_BUNDLE),
        image_address=address(urls.SHARE_IMAGE, site_url, here),
        description=text.cut_at_word(chart.summary, 200),
    )


def _write_zip(docs: Path, package: list[Path], placed: list[tuple[Any, str]], data: EditionData, model: compute.Model, site_url: str | None) -> Path:
    """The whole open-data package in one zip: every CSV (tables and charts), datapackage.json,
    scores.json and a Danish README."""
    folder = docs / urls.DOWNLOADS
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in package}
    charts_in_zip = []
    for chart, page_path in sorted(placed, key=lambda cp: cp[0].id):
        name = posixpath.relpath(urls.chart_csv(chart.id), urls.DOWNLOADS)
        files[name] = chart.csv.encode("utf-8")
        charts_in_zip.append((name, chart.title, address(page_path, site_url, urls.HOME) or "forsiden"))
    files["README.md"] = downloads.readme(data, model, charts_in_zip, urls.DATA_ZIP, site_url).encode("utf-8")
    return downloads.write_zip(docs / urls.DATA_ZIP, files)


def _body(env: Any, page: Page, base: dict[str, Any]) -> str:
    if page.template is None:
        return page.body or ""
    context = page.context.variables() if page.context is not None else {}
    return env.get_template(page.template).render(**base, **context, page_path=page.path)


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


_WORDS = re.compile(r"[^\W_]+")
TOOLTIP_LIMIT = 250


def tooltip(entry: records.GlossaryRow, short: dict[str, str]) -> str:
    """A glossary term's tooltip: its short explanation (templates' labels.yml) or the whole
    sentences of its definition that fit in ``TOOLTIP_LIMIT`` characters; never cut mid-word."""
    if entry.get("id") in short:
        return " ".join(str(short[entry["id"]]).split())
    definition = " ".join(unescaped_text(markdown_to_safe_html(entry["definition"])).split())
    return text.first_sentences(definition, TOOLTIP_LIMIT)


def abbreviations(glossary: list[records.GlossaryRow], short: dict[str, str] | None = None, staged: str | None = None) -> list[Abbreviation]:
    """Glossary terms and aliases with a short plain-text explanation, for tooltips.

    Each term is also recognised in any case and its regular inflections (``term_forms``).
    Python-Markdown's abbr extension costs time per abbreviation on every page, so with the
    site's ``staged`` text only the forms that actually occur in it are listed.
    """
    from ..search_forms import term_forms

    words = set(_WORDS.findall(staged)) if staged is not None else None
    out, seen = [], set()
    for g in glossary:
        definition = tooltip(g, short or {})
        for term in [g["term"], *(g.get("aliases") or "").split("|")]:
            for form in term_forms(term):  # any case, regular inflections (issue 20)
                if form in seen or (words is not None and not _occurs(form, words, staged or "")):
                    continue
                seen.add(form)
                out.append(Abbreviation(form, definition))
    return out


def _occurs(form: str, words: set[str], text: str) -> bool:
    """Whether ``form`` can get a tooltip: abbr matches whole words only (``\\bform\\b``), so
    every word of a phrase is a word of the text; only then is the text searched for the phrase."""
    if " " not in form:
        return form in words
    return all(word in words for word in _WORDS.findall(form)) and form in text


__all__ = ["render", "RenderResult", "Page", "Site"]
