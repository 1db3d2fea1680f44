"""Render without the engine: a tiny synthetic package rendered into tmp_path, asserted on the
staged files and on each page's context (as datasette tests its page contexts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sikkerby_build import compute, edition, render, settings, urls
from sikkerby_build.load import load_content, load_data
from sikkerby_build.render.contexts import ActivityContext
from sikkerby_build.render.pages import GENERATORS
from sikkerby_build.render.site import make_site
from sikkerby_build.synth import write_package


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("tiny") / "data"
    write_package(package, activities=3, years=2, seed=11)
    return package


def _view(tiny: Path, name: str = "public") -> tuple[edition.EditionData, compute.Model]:
    data = edition.select(load_data(tiny), list(load_content(tiny / "content").pages), name)
    return data, compute.build_model(data.tables)


def _render(tiny: Path, staging: Path, name: str = "public") -> render.RenderResult:
    data, model = _view(tiny, name)
    config = settings.resolve(settings.TOOL_ROOT, tiny, tiny / "content")
    return render.render(data, model, staging, [], config)


def test_every_generated_page_is_written_at_the_address_urls_gives(tiny, tmp_path):
    result = _render(tiny, tmp_path)
    docs = tmp_path / "docs"
    data, model = _view(tiny)
    for activity in model.activities:
        assert urls.activity(activity["id"]) in result.pages
        text = (docs / urls.activity(activity["id"])).read_text(encoding="utf-8")
        assert text.startswith("---\n") and "title: Syntetisk" in text
    for year in model.figures.followup_years:
        assert urls.annual_report(year) in result.pages
    assert result.report_years == model.figures.followup_years and len(result.report_years) == 2
    assert urls.DATA_QUALITY not in result.pages  # internal page, public edition
    assert all((docs / page).is_file() for page in result.pages)


def test_chart_data_downloads_and_engine_inputs_are_returned(tiny, tmp_path):
    result = _render(tiny, tmp_path)
    docs = tmp_path / "docs"
    assert result.charts > 0
    assert len(list((docs / "data" / "diagrammer").glob("*.csv"))) == result.charts
    assert (docs / "data" / "datapackage.json").is_file() and (docs / "data" / "scores.json").is_file()
    assert (docs / urls.PLOTLY_BUNDLE).is_file()
    assert result.abbreviations and result.figures["aktiviteter"] == 3
    assert urls.HOME in result.landing_pages
    # render knows nothing about the engine: no engine files and no engine-specific front matter
    assert not (tmp_path / "includes").exists() and not (tmp_path / "figures.yml").exists()
    assert "hide:" not in (docs / urls.HOME).read_text(encoding="utf-8")


def test_a_second_render_removes_pages_of_removed_records(tiny, tmp_path):
    _render(tiny, tmp_path)
    stale = tmp_path / "docs" / "aktiviteter" / "fjernet-aktivitet.md"
    stale.write_text("old", encoding="utf-8")
    untouched = tmp_path / "docs" / urls.GLOSSARY
    before = untouched.stat().st_mtime_ns
    _render(tiny, tmp_path)
    assert not stale.exists()
    assert untouched.stat().st_mtime_ns == before  # unchanged files are not rewritten (fast preview)


def test_activity_page_context(tiny):
    data, model = _view(tiny)
    site = make_site(data, model, [])
    site.labels = {"categories": {}, "markings": {}, "progress": {}}
    pages = {p.path: p for generate in GENERATORS[:1] for p in generate(site)}
    activity = model.activities[0]
    page = pages[urls.activity(activity["id"])]
    assert page.template == "activity.md.j2"
    assert page.meta["title"] == activity["name"]
    context = page.context
    assert isinstance(context, ActivityContext) and context.a is activity
    assert [f["year"] for f in context.followups] == [f["year"] for f in activity["followups"]]
    assert context.quality == []  # data-quality notes only in the internal edition
    assert {c.id for c in page.charts} >= {c.id for f in context.followups for c in f["charts"]}  # one chart per unit


def test_internal_edition_adds_staff_pages_and_internal_nav(tiny, tmp_path):
    result = _render(tiny, tmp_path, "internal")
    assert urls.DATA_QUALITY in result.pages and urls.FIGURES_REFERENCE in result.pages
    public_nav = urls.site_nav(result.report_years, result.nav_pages, internal=False)
    internal_nav = urls.site_nav(result.report_years, result.nav_pages, internal=True)
    assert "Intern" not in [item.title for item in public_nav]
    assert "Intern" in [item.title for item in internal_nav]
    results_section = next(item for item in public_nav if item.title == "Resultater")
    assert [c.path for c in results_section.children if c.path and "aarsrapport" in c.path] == [
        urls.annual_report(y) for y in sorted(result.report_years, reverse=True)
    ]


@pytest.mark.parametrize(
    ("path", "url"),
    [("index.md", ""), ("aktiviteter/index.md", "aktiviteter/"), ("om/metode.md", "om/metode/"), ("data/x.csv", "data/x.csv")],
)
def test_page_url_and_relative_links(path, url):
    assert urls.page_url(path) == url
    assert urls.rel("aktiviteter/sjakket.md", "om/metode.md") == "../../om/metode/"
    assert urls.rel("index.md", "data/x.csv") == "data/x.csv"
