"""Issue 19 in Debian's headless Chromium: the citizen's phone (district pages, front page, activity
summary, the follow-up and status pages at 375/768/1280 px and 200 % zoom), keyboard tooltips,
the Danish 404, and the journalist's zip, cited exports, embeds and feed link."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PageWatch, axe_violations, kept_tab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (375, 768, 1280)
PAGES = {
    "district": "bydele/noerrebro/",
    "district-without-local": "bydele/amager-oest/",
    "districts": "bydele/",
    "front": "",
    "activity": "aktiviteter/sjakket/",
    "report-document": "resultater/effektopfoelgning-2019/",
    "annual-report": "resultater/aarsrapport-2019/",
    "status": "resultater/status/",
    "open-data": "om/data/",
    "not-found": "404.html",
    "embed": "data/diagrammer/chart-sjakket-2019.html",
}

# Cells of visible tables whose longest word does not fit the cell (a word broken inside a cell),
# measured with the cell's own font. Visually hidden headers (1 px, clipped) are skipped.
SQUEEZED_JS = """
() => {
  const out = [];
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
  document.body.appendChild(probe);
  for (const c of document.querySelectorAll('main td, main th, body > main td, body > main th')) {
    const r = c.getBoundingClientRect();
    if (r.width <= 2 || r.height === 0) continue;
    const head = c.closest('thead');
    if (head && getComputedStyle(head).position === 'absolute') continue;
    const cs = getComputedStyle(c);
    const room = r.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    for (const el of [c, ...c.querySelectorAll('*')]) {
      const words = Array.from(el.childNodes).filter(n => n.nodeType === 3).flatMap(n => n.textContent.split(/\\s+/)).filter(Boolean);
      if (!words.length) continue;
      probe.style.font = getComputedStyle(el).font;
      for (const w of words) {
        probe.textContent = w;
        if (probe.getBoundingClientRect().width > room + 1) out.push(`${w} (${Math.round(room)} px)`);
      }
    }
  }
  probe.remove();
  return out.slice(0, 8);
}
"""

# Table boxes that scroll sideways (something in them is out of view).
SCROLLING_TABLES_JS = """
() => Array.from(document.querySelectorAll('.sb-table-wrap'))
  .filter(w => w.getBoundingClientRect().height > 0 && w.scrollWidth > w.clientWidth + 1)
  .map(w => (w.querySelector('caption') || w).textContent.trim().slice(0, 60))
"""


def _context(browser, width: int, height: int = 900, scale: float = 1):
    phone = width < 500
    return browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, locale="da-DK",
        is_mobile=phone, has_touch=phone, accept_downloads=True,
    )  # fmt: skip


@pytest.fixture(scope="module", params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def sized(request, browser):
    context = _context(browser, request.param)
    page = context.new_page()
    page.sb_width = request.param
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_sideways_scroll_and_no_word_broken_in_a_cell(sized, public_url, path):
    sized.goto(public_url + path)
    sized.wait_for_load_state("load")
    width = sized.evaluate("document.scrollingElement.scrollWidth")
    inner = sized.evaluate("innerWidth")
    assert inner == sized.sb_width and width <= inner, f"{path} at {sized.sb_width}px scrolls sideways ({width}px)"
    assert sized.evaluate(SQUEEZED_JS) == [], f"{path} at {sized.sb_width}px"


@pytest.mark.parametrize("path", ["bydele/noerrebro/", "bydele/", "resultater/status/", "resultater/aarsrapport-2019/"])
def test_phone_tables_are_cards_with_nothing_out_of_view(browser, public_url, path):
    page = kept_tab(browser, 375)  # reads the page only
    page.goto(public_url + path)
    page.wait_for_load_state("load")
    assert page.evaluate(SCROLLING_TABLES_JS) == []
    cell = page.locator("table.sb-stack tbody td[data-label]").first
    label = cell.get_attribute("data-label")
    assert cell.evaluate("c => getComputedStyle(c).display") == "block"
    assert cell.evaluate("c => getComputedStyle(c, '::before').content").strip('"') == label
    assert page.locator("table.sb-stack thead").first.evaluate("h => h.getBoundingClientRect().width") <= 1


def test_district_cards_show_fulfilment_and_score_in_full(browser, public_url):
    page = kept_tab(browser, 375)  # reads the page only
    page.goto(public_url + "bydele/noerrebro/")
    page.wait_for_load_state("load")
    column = page.locator(".md-content").evaluate("c => c.getBoundingClientRect().right")
    for selector in ("td.sb-cell-opfyldelse", "td.sb-cell-score"):
        rights = page.locator(f"table.sb-activity-table {selector}").evaluate_all(
            "cs => cs.map(c => c.getBoundingClientRect().right)"
        )
        assert rights and max(rights) <= column + 1, selector
    widths = page.locator("table.sb-activity-table td[data-label='Forvaltning']").evaluate_all(
        "cs => cs.map(c => c.getBoundingClientRect().width)"
    )
    assert min(widths) >= 120  # half a card each: "SOF" on one line, not a letter per line


@pytest.mark.parametrize("path", ["resultater/effektopfoelgning-2019/", "resultater/status/", "bydele/noerrebro/"])
def test_reflow_at_200_percent_zoom(browser, public_url, path):
    context = _context(browser, 640, 450, scale=2)  # 1280 x 900 at 200 %
    page = context.new_page()
    page.goto(public_url + path)
    page.wait_for_load_state("load")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert page.evaluate(SCROLLING_TABLES_JS) == []
    context.close()


def test_front_page_leads_the_citizen_to_the_districts_on_the_first_screen(browser, public_url):
    context = _context(browser, 375, 667)
    page = context.new_page()
    page.goto(public_url)
    page.wait_for_load_state("load")
    link = page.get_by_role("link", name="Find aktiviteterne i din bydel")
    box = link.bounding_box()
    assert box and box["y"] + box["height"] <= 667
    link.click()
    page.wait_for_url(re.compile(r"/bydele/$"))
    page.goto(public_url)
    citizens = page.get_by_role("link", name="Til borgere")
    assert citizens.get_attribute("href").rstrip("/").endswith("bydele")
    context.close()


def test_activity_result_is_on_the_first_screen(browser, public_url):
    context = _context(browser, 375, 667)
    page = context.new_page()
    page.goto(public_url + "aktiviteter/sjakket/")
    page.wait_for_load_state("load")
    result = page.locator(".sb-brief__result")
    box = result.bounding_box()
    assert box and box["y"] + box["height"] <= 667
    said = " ".join(result.inner_text().split())
    assert re.search(r"\d+ af \d+ succeskriterier opfyldt", said) and re.search(r"Effektscore: \d+ af 20", said)
    for question in ("Hvad", "Hvor", "For hvem", "Hvad koster det"):
        assert page.locator(".sb-brief__facts dt", has_text=re.compile(f"^{question}$")).count() == 1
    page.locator(".sb-brief__result a").click()
    assert page.evaluate("location.hash").startswith("#opfoelgning-")
    context.close()


def test_glossary_terms_are_reached_and_dismissed_by_keyboard(browser, public_url):
    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(public_url + "resultater/status/")
    page.wait_for_load_state("load")
    term = page.locator(".md-content abbr").first
    assert term.get_attribute("tabindex") == "0"
    for _ in range(60):  # Tab until the term has focus
        page.keyboard.press("Tab")
        if term.evaluate("t => t === document.activeElement"):
            break
    else:
        pytest.fail("the glossary term is never reached by Tab")
    tip = page.locator(".md-tooltip2--active")
    tip.wait_for(state="visible", timeout=5000)
    text = " ".join(tip.inner_text().split())
    assert len(text) <= 250 and not text.endswith("…") and "MÅLOPFYLDELSE" not in text
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=5000)
    assert term.evaluate("t => t === document.activeElement")  # dismissed without moving focus
    context.close()


def test_not_found_page_is_danish_with_a_way_on(browser, public_url):
    context = _context(browser, 375)
    page = context.new_page()
    page.goto(public_url + "404.html")  # what a web server sends for an unknown address (the test server has no fallback)
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Siden findes ikke"
    assert "Not found" not in page.content()
    way_on = page.locator("ul.sb-wayon")
    for name, target in (("Forsiden", "/"), ("Min bydel", "/bydele/"), ("Alle aktiviteter", "/aktiviteter/")):
        href = way_on.get_by_role("link", name=name, exact=True).get_attribute("href")
        assert href == target or href == public_url.rstrip("/") + target, href  # from the site's root, never "//bydele/"
    assert page.get_by_role("button", name="Søg på sitet").is_visible()
    way_on.get_by_role("link", name="Min bydel", exact=True).click()
    page.wait_for_url(re.compile(r"/bydele/$"))
    context.close()


_AXE_PAGES = [
    "bydele/noerrebro/",
    "bydele/",
    "resultater/effektopfoelgning-2019/",
    "resultater/status/",
    "om/data/",
    "404.html",
    "data/diagrammer/chart-sjakket-2019.html",
]
_AXE_AT_1280_ELSEWHERE = {"resultater/status/", "om/data/"}  # test_browser.test_public_page_types runs axe there at 1280


@pytest.mark.parametrize(
    ("path", "width"), [(p, w) for p in _AXE_PAGES for w in (375, 1280) if not (w == 1280 and p in _AXE_AT_1280_ELSEWHERE)]
)
def test_axe_finds_nothing(browser, public_url, path, width):
    page = kept_tab(browser, width)
    watch = PageWatch(page, public_url)
    try:
        page.goto(public_url + path)
        page.wait_for_load_state("load")
        assert axe_violations(page) == []
    finally:
        watch.stop()
    assert watch.external == []


def test_open_data_page_and_every_chart_menu_offer_the_zip(browser, public_url, tmp_path):
    import zipfile

    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(public_url + "om/data/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent hele datapakken (ZIP)").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        readme = archive.read("sikkerby-data/README.md").decode("utf-8")
    assert "sikkerby-data/datapackage.json" in names and "sikkerby-data/scores.json" in names
    assert "## Licens" in readme and "## Sådan henviser du" in readme
    page.goto(public_url + "resultater/")
    menus = page.locator(".sb-chart__menu")
    assert menus.count() >= 2
    for i in range(menus.count()):
        assert menus.nth(i).get_by_role("link", name="Hent hele datapakken (ZIP)").count() == 1
        assert menus.nth(i).get_by_role("link", name="Indlejr diagrammet").count() == 1
    context.close()


def test_svg_export_cites_title_unit_period_source_and_address(browser, public_url, tmp_path):
    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(public_url + "aktiviteter/sjakket/")
    page.wait_for_load_state("load")
    menu = page.locator("#chart-sjakket-2019").locator("xpath=ancestor::figure").locator(".sb-chart__menu")
    button = menu.get_by_role("button", name="Hent som vektorgrafik (SVG)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30000) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    svg = target.read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    assert "Før- og eftermåling 2019 (personer)" in text
    assert "Kilde: Effektopfølgning 2019" in text and "Periode: Effektopfølgning 2019" in text
    assert (public_url + "aktiviteter/sjakket/") in text
    context.close()


def test_two_units_never_share_one_chart(browser, public_url):
    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(public_url + "aktiviteter/sjakket/")
    page.wait_for_load_state("load")
    units = page.locator("figure.sb-chart[data-sb-heading^='Før- og eftermåling']").evaluate_all(
        "fs => fs.map(f => JSON.parse(f.querySelector('[data-figure]').dataset.figure).layout.yaxis.title.text)"
    )
    assert sorted(units) == ["Personer", "Procent"]
    context.close()


def test_embed_view_is_the_chart_alone_with_its_citation(browser, public_url):
    context = _context(browser, 600)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((public_url, "data:", "blob:")) else outside.append(r.url))
    page.goto(public_url + "data/diagrammer/chart-sjakket-2019.html")
    page.wait_for_selector("[data-figure][data-drawn] svg.main-svg", timeout=30000)
    cite = page.locator(".sb-cite").inner_text()
    assert "Kilde: Effektopfølgning 2019" in cite and "aktiviteter/sjakket/" in cite
    assert page.locator(".md-header").count() == 0  # no site chrome
    assert outside == []
    context.close()


def test_news_page_announces_its_feed_and_the_feed_links_are_absolute(browser, public_url, built_site):
    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(public_url + "nyheder/")
    link = page.locator("link[type='application/atom+xml']")
    assert link.count() == 1 and "alternate" in link.get_attribute("rel").split()
    assert page.evaluate("document.querySelectorAll('link[rel=alternate]').length") == 0  # Material's sitemap lookup stays off
    context.close()
    feed = (built_site / "public" / "nyheder" / "feed.xml").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', feed)
    assert hrefs and all(h.startswith(public_url) for h in hrefs)
