"""What only a browser shows, in Debian's headless Chromium (never a downloaded browser)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import DATA, PageWatch, axe_violations, kept_tab
from tests.page_types import INTERNAL_ONLY, PAGE_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    p = context.new_page()
    yield p
    context.close()


@pytest.fixture
def kept_page(browser):
    """The worker's kept 1280 px tab (conftest.kept_tab), for tests that load a page and read it."""
    return kept_tab(browser, 1280)


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_public_page_types(kept_page, public_url, path):
    page = kept_page
    watch = PageWatch(page, public_url)
    try:
        page.goto(public_url + path)
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "da"
        assert page.locator("h1").count() == 1
        charts = page.locator("[data-sb-chart]")
        for i in range(charts.count()):  # charts are drawn when scrolled near the viewport
            charts.nth(i).scroll_into_view_if_needed()
            page.wait_for_selector(f"#{charts.nth(i).get_attribute('id')}[data-drawn] svg", timeout=15000)
        assert axe_violations(page) == []
    finally:
        watch.stop()
    assert watch.errors == []
    assert watch.external == []


def _article(site: Path, path: str) -> str | None:
    file = site / path / "index.html"
    if not file.is_file():
        return None
    found = re.search(r"<article\b.*?</article>", file.read_text(encoding="utf-8"), re.S)
    return found.group(0) if found else None


def _internal_differs(built_site: Path, path: str) -> bool:
    """The internal page's article is not the public one's (internal fields, an internal-only
    page), or it is the front page (the internal header and banner): then axe checks it. The
    other internal pages are the public article in the same chrome, which axe checks already
    (``test_public_page_types`` and the internal front page)."""
    internal = _article(built_site / "internal", path)
    return path == "" or internal is None or internal != _article(built_site / "public", path)


@pytest.mark.parametrize("path", {**PAGE_TYPES, **INTERNAL_ONLY}.values(), ids={**PAGE_TYPES, **INTERNAL_ONLY}.keys())
def test_internal_page_types(kept_page, internal_url, built_site, path):
    page = kept_page
    watch = PageWatch(page, internal_url)
    try:
        page.goto(internal_url + path)
        page.wait_for_load_state("load")
        assert page.get_by_text("Intern udgave").count() >= 1
        if _internal_differs(built_site, path):
            assert axe_violations(page) == []
    finally:
        watch.stop()
    assert watch.errors == [] and watch.external == []


def test_internal_pages_that_differ_are_the_ones_axe_checks(built_site):
    """The shortcut above holds only while it picks the pages with internal content."""
    checked = {name for name, path in {**PAGE_TYPES, **INTERNAL_ONLY}.items() if _internal_differs(built_site, path)}
    assert {"front", "activity", "open-data", "data-quality"} <= checked
    assert "glossary" not in checked  # the same article in both editions


def test_phone_width_has_no_horizontal_scroll(browser, public_url):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    for path in ("", "aktiviteter/sjakket/", "maal/effektmaal-1/"):
        page.goto(public_url + path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 376, f"{path}: page is {width}px wide on a 375px phone"
    context.close()


def test_charts_draw_after_instant_navigation(page, public_url):
    watch = PageWatch(page, public_url)
    # Material intercepts clicks only once it has read the sitemap: wait for it, or under load the
    # click is an ordinary navigation and the test fails for the wrong reason.
    with page.expect_response(lambda r: r.url.endswith("/sitemap.xml")):
        page.goto(public_url)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.Plotly") == "undefined"  # no plotly on a page without charts
    page.evaluate("() => { window.__marker = 'same document' }")
    page.get_by_role("link", name="Resultater", exact=True).first.click()
    page.wait_for_selector("#chart-maalopfyldelse", state="attached")
    page.locator("#chart-maalopfyldelse").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-maalopfyldelse[data-drawn] svg", timeout=15000)
    page.locator("#chart-effektscorer").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-effektscorer[data-drawn] svg", timeout=15000)
    assert page.evaluate("window.__marker") == "same document", "instant navigation did not happen"
    assert page.locator(".sb-chart__plot svg.main-svg").count() >= 2
    assert watch.errors == []


def _activity_rows(admin: str | None = None) -> set[str]:
    admins: dict[str, set[str]] = {}
    for row in csv.DictReader(open(DATA / "activity_administrations.csv", encoding="utf-8")):
        admins.setdefault(row["activity_id"], set()).add(row["administration"])
    for row in csv.DictReader(open(DATA / "activities.csv", encoding="utf-8")):
        if row["lead_administration"]:
            admins.setdefault(row["id"], set()).add(row["lead_administration"])
    ids = {r["id"] for r in csv.DictReader(open(DATA / "activities.csv", encoding="utf-8"))}
    return {i for i in ids if admin is None or admin in admins.get(i, set())}


def _visible_rows(page) -> int:
    return page.locator("#sb-explorer tbody tr:not([hidden])").count()


def test_explorer_filters_sorts_and_restores_from_url(page, public_url):
    page.goto(public_url + "aktiviteter/")
    total = len(_activity_rows())
    assert _visible_rows(page) == total
    page.select_option("#f-forvaltning", "BIF")
    assert _visible_rows(page) == len(_activity_rows("BIF")) < total
    page.select_option("#f-kategori", "tertiær")
    query = parse_qs(urlparse(page.url).query)
    assert query == {"forvaltning": ["BIF"], "kategori": ["tertiær"]}
    narrowed = _visible_rows(page)
    assert 0 < narrowed < len(_activity_rows("BIF"))
    shared = page.url
    page.goto(public_url)
    page.goto(shared)
    assert page.input_value("#f-forvaltning") == "BIF"
    assert _visible_rows(page) == narrowed
    page.click("#f-reset")
    page.wait_for_function(f"document.querySelectorAll('#sb-explorer tbody tr:not([hidden])').length === {total}")
    page.click("th[data-sort='score'] button")
    first = page.locator("#sb-explorer tbody tr").first
    assert first.get_attribute("data-score") == "20"
    assert "sort=score" in page.url
    page.select_option("#f-score", "18")
    assert all(
        int(s) >= 18
        for s in page.locator("#sb-explorer tbody tr:not([hidden])").evaluate_all("rs => rs.map(r => r.dataset.score)")
    )
    page.fill("#f-q", "findes-ikke-xyz")
    assert _visible_rows(page) == 0 and page.locator("#sb-empty").is_visible()


def test_explorer_table_works_without_javascript(browser, public_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(public_url + "aktiviteter/")
    assert page.locator("#sb-explorer tbody tr").count() == len(_activity_rows())
    assert not page.locator("#sb-filters").is_visible()
    context.close()


def test_keyboard_walk_through_filters_and_chart_tabs(page, public_url):
    page.goto(public_url + "aktiviteter/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-forvaltning":
            break
    else:
        pytest.fail("the administration filter cannot be reached with Tab")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#f-forvaltning") != ""
    assert _visible_rows(page) < len(_activity_rows())

    page.goto(public_url + "maal/effektmaal-2/")
    page.locator("[data-sb-chart]").scroll_into_view_if_needed()
    page.wait_for_selector("[data-sb-chart][data-drawn]")
    page.focus("#chart-effektmaal-2-tab-1")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#chart-effektmaal-2-tab-2")
    table = page.locator("#chart-effektmaal-2").locator("xpath=ancestor::div[contains(@class,'tabbed-set')]").locator("table")
    assert table.is_visible()
    assert "1,24" in table.inner_text()


def _search(page, query: str) -> list[str]:
    page.locator(".md-search__input").first.click()
    # Wait until the search worker has built the index ("Initialiserer søgning" is gone).
    page.wait_for_function("!/Initial/i.test(document.querySelector('.md-search-result__meta').textContent)", timeout=20000)
    page.locator(".md-search__input").press_sequentially(query, delay=20)
    page.wait_for_function(
        "q => document.querySelector('.md-search__input').value === q && "
        "(document.querySelectorAll('.md-search-result__item').length > 0 || /Ingen/i.test(document.querySelector('.md-search-result__meta').textContent))",
        arg=query,
        timeout=10000,
    )
    return page.locator(".md-search-result__item a").evaluate_all("as => as.map(a => a.href)")


@pytest.mark.parametrize(
    ("query", "activity"),
    [
        ("ungdomsbrandkorps", "ungdomsbrandkorps"),  # the word as it stands in the name
        ("ungdomsbrandkorpsene", "ungdomsbrandkorps"),  # definite plural
        ("fritidsjob", "green-teams-beskaeftigelse"),
        ("fritidsjobbene", "green-teams-beskaeftigelse"),  # definite plural
    ],
)
def test_danish_search_finds_activity_by_word_and_inflection(page, public_url, built_site, query, activity):
    page.goto(public_url)
    page.wait_for_load_state("load")
    hrefs = _search(page, query)
    assert any(f"/aktiviteter/{activity}/" in h for h in hrefs), hrefs


@pytest.mark.parametrize(
    ("form", "activity"), [("ungdomsbrandkorpsene", "ungdomsbrandkorps"), ("fritidsjobbene", "green-teams-beskaeftigelse")]
)
def test_inflected_forms_are_not_in_the_visible_text(page, public_url, form, activity):
    """So the search tests above prove the inflection aid, not a lucky word in the text."""
    page.goto(public_url + f"aktiviteter/{activity}/")
    assert form not in page.locator("article").inner_text().lower()


def test_axe_by_address_reports_a_planted_violation_in_a_kept_tab(browser, tmp_path):
    """The axe helper the page-type tests use can fail: an image without a text alternative, in
    the same kept tab (and so the same cached axe) that has just checked a clean page."""
    from tests.conftest import _serving

    (tmp_path / "clean.html").write_text(
        '<!doctype html><html lang="da"><title>Ren</title><main><h1>Ren</h1></main></html>', encoding="utf-8"
    )
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="da"><title>Fejl</title><main><h1>Fejl</h1><img src="x.png"></main></html>', encoding="utf-8"
    )
    page = kept_tab(browser, 1280)
    with _serving(tmp_path) as base:
        page.goto(base + "clean.html")
        assert axe_violations(page) == []
        page.goto(base + "bad.html")
        assert "image-alt" in {v["id"] for v in axe_violations(page)}
