"""Navigation from the data and the content (issue 9): every report year, content pages placed by
their front matter, internal pages only in the internal edition under "Intern", nothing in
mkdocs.yml to edit, and no page orphaned."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from sikkerby_build import engine, pipeline, settings, urls
from sikkerby_build.load import ContentPage
from sikkerby_build.render.pages.content import nav_place
from sikkerby_build.validate import validate
from tests.conftest import scratch

ROOT = Path(__file__).resolve().parent.parent


def _page(path: str, meta: dict, audience: str = "public") -> ContentPage:
    return ContentPage(path, meta, "Tekst.", audience)


@pytest.mark.parametrize(
    ("path", "meta", "audience", "expected"),
    [
        ("nyheder.md", {"title": "Nyheder"}, "public", urls.NavPage("nyheder.md", "Nyheder", "om", 100)),
        ("presse.md", {"title": "Presse", "section": "resultater", "nav_title": "Til pressen", "nav_order": 5}, "public",
         urls.NavPage("presse.md", "Til pressen", "resultater", 5)),
        ("intern/medarbejdere.md", {"title": "Medarbejdere"}, "internal", urls.NavPage("intern/medarbejdere.md", "Medarbejdere", "intern", 100)),
        # an internal page always stands under "Intern", whatever its section says
        ("intern/medarbejdere.md", {"title": "Medarbejdere", "section": "om"}, "internal",
         urls.NavPage("intern/medarbejdere.md", "Medarbejdere", "intern", 100)),
        ("uden-titel.md", {}, "public", urls.NavPage("uden-titel.md", "Uden titel", "om", 100)),
    ],
)  # fmt: skip
def test_a_content_page_places_itself(path, meta, audience, expected):
    assert nav_place(_page(path, meta, audience), path) == expected


def test_site_nav_lists_every_report_year_newest_first():
    nav = urls.site_nav([2019, 2021, 2020], [], internal=False)
    results = next(item for item in nav if item.title == "Resultater")
    assert [(c.title, c.path) for c in results.children if c.title and c.title.startswith("Effektopfølgning")] == [
        (f"Effektopfølgning {y}", urls.annual_report(y)) for y in (2021, 2020, 2019)
    ]
    assert not any(item.title == "Intern" for item in nav)


def _write(content: Path, relative: str, text: str) -> None:
    path = content / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def add_editor_pages(content: Path) -> None:
    _write(content, "presse.md", "---\ntitle: Presse\nsection: resultater\nnav_order: 1\n---\n\nTil pressen.\n")
    _write(content, "tal-og-fakta.md", "Uden front matter.\n")
    _write(
        content,
        "intern/medarbejdere.md",
        "---\ntitle: Medarbejdere\naudience: internal\nnav_title: Vores folk\n---\n\nKun internt.\n",
    )


def _nav_paths(items) -> list[tuple[str | None, str | None]]:
    out = []
    for item in items:
        out.append((item.title, item.path))
        out.extend((f"{item.title}/{t}", p) for t, p in _nav_paths(item.children))
    return out


@pytest.mark.slow  # renders a whole edition of its own (seconds): the full suite runs it
def test_editor_pages_reach_the_nav_without_mkdocs_yml(data_copy):
    content = data_copy / "content"
    add_editor_pages(content)
    config = settings.resolve(ROOT, data_copy, content)
    report = validate(config.data_dir, config.content_dir)
    assert report.ok, report.render()
    navs = {}
    for edition in ("public", "internal"):
        staging = scratch("nav-")
        try:
            _, result = pipeline.stage(edition, config, staging, report)
            navs[edition] = _nav_paths(urls.site_nav(result.report_years, result.nav_pages, internal=edition == "internal"))
            mkdocs = engine.material.mkdocs_nav(
                urls.site_nav(result.report_years, result.nav_pages, internal=edition == "internal")
            )
            assert "presse.md" in repr(mkdocs)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    for edition in ("public", "internal"):
        assert ("Resultater/Presse", "presse.md") in navs[edition]
        assert ("Om/Tal og fakta", "tal-og-fakta.md") in navs[edition]
    assert ("Intern/Vores folk", "intern/medarbejdere.md") in navs["internal"]
    assert ("Intern/Redaktørguide", "intern/redaktoerguide.md") in navs["internal"]
    assert not any(p and p.startswith("intern/") for _, p in navs["public"])
    import yaml

    assert "nav" not in yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_a_misspelt_section_is_one_located_danish_error(data_copy):
    _write(data_copy / "content", "presse.md", "---\ntitle: Presse\nsection: resultatter\n---\n\nTekst.\n")
    report = validate(data_copy, data_copy / "content")
    errors = [p for p in report.errors if p.kind == "nav-section"]
    assert [p.line() for p in errors] == [
        "content/presse.md:3:section: FEJL [nav-section] section 'resultatter' findes ikke; brug en af: "
        "program, resultater, om, intern. Mente du 'resultater'?"
    ]


def test_section_intern_on_a_public_page_is_refused(data_copy):
    _write(data_copy / "content", "hemmelig.md", "---\ntitle: Hemmelig\nsection: intern\n---\n\nTekst.\n")
    report = validate(data_copy, data_copy / "content")
    assert [(p.kind, p.row) for p in report.errors] == [("nav-section", 3)]
    assert "audience: internal" in report.errors[0].message


# ---------------------------------------------------------------- a real build: no page orphaned

_HREF = re.compile(r'<a\b[^>]*\bhref="([^"#?]*)', re.I)
_NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', re.S)


def _pages(site: Path) -> set[str]:
    """Every HTML page of a built site, as its served address ('' = the home page)."""
    out = set()
    for path in site.rglob("index.html"):
        rel = path.parent.relative_to(site).as_posix()
        out.add("" if rel == "." else rel + "/")
    out.discard("404/")
    return out


def _links(site: Path, page: str, only_nav: bool = False) -> set[str]:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    if only_nav:
        match = re.search(r'<nav class="md-nav md-nav--primary"[\s\S]*?</nav>\n', html)
        html = html[html.find('<nav class="md-nav md-nav--primary"') :] if match else html
        html = html[: html.find('<div class="md-content"')] if '<div class="md-content"' in html else html
    out = set()
    for href in _HREF.findall(html):
        if not href or urlparse(href).scheme:
            continue
        target = urlparse(urljoin("http://x/" + page, href)).path.lstrip("/")
        if target.endswith("index.html"):
            target = target[: -len("index.html")]
        if (site / target / "index.html").exists():
            out.add(target)
    return out


def orphans(site: Path) -> set[str]:
    """Pages reachable neither from the navigation nor by links from a page that is."""
    pages = _pages(site)
    reached = {""} | _links(site, "", only_nav=True)
    frontier = list(reached)
    while frontier:
        page = frontier.pop()
        for target in _links(site, page) - reached:
            reached.add(target)
            frontier.append(target)
    return pages - reached


@pytest.mark.slow
def test_no_page_is_orphaned_in_either_edition():
    from tests import planted

    out = planted.site()  # with a 2020 follow-up and the editor pages (add_editor_pages)
    for edition in ("public", "internal"):
        site = out / edition
        nav_html = (site / "index.html").read_text(encoding="utf-8")
        for year in (2019, 2020):
            assert f"Effektopfølgning {year}" in nav_html
        assert "presse/" in _links(site, "", only_nav=True)
        assert orphans(site) == set(), edition
    assert "intern/medarbejdere/" in _links(out / "internal", "", only_nav=True)
    assert not (out / "public" / "intern" / "medarbejdere").exists()
