"""Issue 13 in the browser: tables that fit at every width, the key columns in view, our own chart menu.

Debian's headless Chromium (never a downloaded browser), on the session's real build.
"""

from __future__ import annotations

import pytest

from tests.conftest import kept_tab
from tests.page_types import PAGE_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (375, 768, 1280)

# Every element of the page's content that reaches past the content area (.md-content; Material's
# own table scroller bleeds into its padding by design), unless an ancestor between it and the
# content area scrolls horizontally (then that ancestor is checked instead).
# Ignored: plotly's drawing (it sizes itself), the build-time sketch (an SVG scaled by viewBox),
# visually hidden elements (1 px, clipped) and elements that are not displayed.
CLIPPED_JS = """
() => {
  const column = document.querySelector('.md-content');
  const limit = column.getBoundingClientRect();
  const out = [];
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  for (const el of column.querySelectorAll('*')) {
    if (el.closest('svg, .js-plotly-plot, .sb-search-forms, [hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    let box = limit, p = el.parentElement, inScroller = false;
    while (p && p !== column) {
      if (scrolls(p)) { inScroller = true; break; }
      p = p.parentElement;
    }
    if (inScroller) continue;  // the scroller itself is an element checked against the column
    if (r.right > box.right + 1 || r.left < box.left - 1) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
      out.push(`${name} ${Math.round(r.left)}–${Math.round(r.right)} > ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
  }
  return out.slice(0, 8);
}
"""

# Where a key column is, relative to the visible part of its table's scroll container.
KEY_COLUMN_JS = """
selector => {
  const cells = Array.from(document.querySelectorAll(selector)).filter(c => c.getBoundingClientRect().height > 0);
  return cells.map(c => {
    let p = c.parentElement;
    while (p && !['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) p = p.parentElement;
    const box = (p || document.querySelector('.md-content')).getBoundingClientRect();
    const r = c.getBoundingClientRect();
    return {inside: r.left >= box.left - 1 && r.right <= box.right + 1, scrollLeft: p ? p.scrollLeft : 0};
  });
}
"""


def _context(browser, width: int):
    phone = width < 500
    return browser.new_context(
        viewport={"width": width, "height": 900}, locale="da-DK", is_mobile=phone, has_touch=phone,
        accept_downloads=True,
    )  # fmt: skip


@pytest.fixture(scope="module", params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def sized_page(request, browser):
    context = _context(browser, request.param)
    page = context.new_page()
    page.sb_width = request.param
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_no_element_wider_than_its_column(sized_page, public_url, path):
    sized_page.goto(public_url + path)
    sized_page.wait_for_load_state("load")
    clipped = sized_page.evaluate(CLIPPED_JS)
    assert clipped == [], f"{path} at {sized_page.sb_width}px: {clipped}"
    width = sized_page.evaluate("document.documentElement.scrollWidth")
    assert width <= sized_page.sb_width + 1, f"{path}: the page scrolls sideways ({width}px)"


@pytest.mark.parametrize("width", (375, 1280))
@pytest.mark.parametrize(
    "path,selector,label",
    [
        ("aktiviteter/sjakket/", "table.sb-measurements td[data-label='Opfyldt']", "Opfyldt"),
        ("aktiviteter/eki-exit/", "table.sb-measurements td[data-label='Opfyldt']", "Opfyldt"),
        ("aktiviteter/den-korte-snor/", "table.sb-measurements td[data-label='Opfyldt']", "Opfyldt"),
        ("aktiviteter/", "table.sb-explorer td.sb-cell-score", "Effektscore"),
        ("aktiviteter/", "table.sb-explorer td.sb-cell-opfyldelse", "Målopfyldelse"),
    ],
)
def test_key_columns_visible_without_scrolling(browser, public_url, width, path, selector, label):
    page = kept_tab(browser, width)  # reads the page only
    page.goto(public_url + path)
    page.wait_for_load_state("load")
    cells = page.evaluate(KEY_COLUMN_JS, selector)
    assert cells, f"{path}: no '{label}' cells found"
    hidden = [i for i, c in enumerate(cells) if not c["inside"] or c["scrollLeft"] != 0]
    assert hidden == [], f"{path} at {width}px: '{label}' is out of view in rows {hidden[:5]}"


def test_measurement_table_is_blocks_on_a_phone(browser, public_url):
    context = _context(browser, 375)
    page = context.new_page()
    page.goto(public_url + "aktiviteter/sjakket/")
    page.wait_for_load_state("load")
    cell = page.locator("table.sb-measurements td[data-label='Opfyldt']").first
    assert cell.evaluate("c => getComputedStyle(c).display") == "block"
    assert cell.evaluate("c => getComputedStyle(c, '::before').content").strip('"') == "Opfyldt"
    page.goto(public_url + "aktiviteter/")
    page.wait_for_load_state("load")
    score = page.locator("table.sb-explorer td.sb-cell-score").first
    assert score.evaluate("c => getComputedStyle(c, '::before').content").strip('"') == "Effektscore"
    context.close()


def test_chart_menu_downloads_png_svg_csv_and_stays_on_the_site(browser, public_url, tmp_path):
    context = _context(browser, 1280)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((public_url, "data:", "blob:")) else outside.append(r.url))
    page.goto(public_url + "resultater/")
    page.wait_for_load_state("load")
    menu = page.locator("#chart-maalopfyldelse").locator("xpath=ancestor::figure").locator(".sb-chart__menu")
    png = menu.get_by_role("button", name="Hent som billede (PNG)")
    svg = menu.get_by_role("button", name="Hent som vektorgrafik (SVG)")
    csv_link = menu.get_by_role("link", name="Hent tallene (CSV)")
    assert png.is_visible() and svg.is_visible() and csv_link.is_visible()
    files = {}
    for name, control in (("png", png), ("svg", svg), ("csv", csv_link)):
        control.focus()  # keyboard: the buttons are real buttons
        with page.expect_download(timeout=20000) as info:
            page.keyboard.press("Enter")
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        files[name] = target
    context.close()
    assert files["png"].suffix == ".png" and files["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert files["svg"].suffix == ".svg" and b"<svg" in files["svg"].read_bytes()[:500]
    assert files["csv"].read_text(encoding="utf-8").startswith("Målopfyldelse,")
    assert outside == []


def test_chart_citation_names_title_source_period_and_address(browser, public_url):
    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(public_url + "resultater/")
    page.wait_for_load_state("load")
    cite = page.locator("#chart-maalopfyldelse-cite").inner_text()
    context.close()
    assert "Målopfyldelse i effektopfølgningen" in cite
    assert "Kilde: Effektopfølgning" in cite and "Periode:" in cite
    assert public_url + "resultater/" in cite


def test_static_sketch_is_the_first_paint_and_plotly_replaces_it(browser, public_url):
    context = _context(browser, 375)
    page = context.new_page()
    page.goto(public_url + "resultater/")
    page.wait_for_load_state("load")
    chart = page.locator("#chart-maalopfyldelse")
    assert chart.locator("svg.sb-sketch rect").count() >= 2  # bars drawn at build time
    page.mouse.wheel(0, 200)  # the reader interacts: plotly loads
    chart.scroll_into_view_if_needed()
    page.wait_for_selector("#chart-maalopfyldelse[data-drawn] svg.main-svg", timeout=15000)
    assert chart.locator("svg.sb-sketch").count() == 0
    # y ticks: a handful, not one per integer
    ticks = page.locator("#chart-maalopfyldelse .ytick").count()
    context.close()
    assert 2 <= ticks <= 8
