"""Regressions from the adversarial pass on issue 12 (trustworthy public edition).

Tests marked ``xfail(strict=True)`` document attacks that still succeed against the committed
code; each one's reason says what a fix must make true (remove the marker when it is fixed).
The others pin attack variants the existing tests did not try.
"""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from sikkerby_build import audit, disclosure, live_figures
from sikkerby_build.edition import EditionData
from sikkerby_build.engine.material import abbreviation_line
from sikkerby_build.load import ContentPage, FrontMatterError, parse_front_matter
from sikkerby_build.render.jinja import environment
from sikkerby_build.sanitize import markdown_to_safe_html
from tests.conftest import ROOT, _serve, rewrite_csv

TEMPLATES = ROOT / "overrides" / "pages"
SCRIPT = "<img src=x onerror=alert(7171)>"


class _Titles(HTMLParser):
    """Every title attribute as the browser's DOM holds it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.titles += [value or "" for name, value in attrs if name == "title"]


def _titles(fragment: str) -> list[str]:
    parser = _Titles()
    parser.feed(fragment)
    return parser.titles


# ------------------------------------------------------------------ 1. script from data

# Material's ``content.tooltips`` (mkdocs.yml) renders an element's ``title`` with innerHTML
# (its JSX helper appends strings via ``innerHTML +=``). A title that *decodes* to markup runs
# on hover, however carefully the attribute itself was escaped.


def test_link_title_from_data_cannot_carry_markup():
    fragment = markdown_to_safe_html(f'Læs [mere](https://www.kk.dk/ "{SCRIPT}").')
    assert "<a " in fragment
    assert all("<" not in title for title in _titles(fragment)), fragment


def test_template_attribute_text_cannot_carry_markup():
    env = environment(TEMPLATES)
    # Title attributes take data through the tooltip filter; the audit fails any page whose title
    # still decodes to markup (tests/test_audit.py), so a template that forgets it cannot publish.
    rendered = env.from_string('<abbr title="{{ name|tooltip }}">SOF</abbr>').render(name=f"Socialforvaltningen {SCRIPT}")
    assert all("<" not in title for title in _titles(rendered)), rendered


def plant_titles(data: Path) -> None:
    def name(rows):
        for row in rows:
            row["name"] = f"{row['name']} {SCRIPT}"

    def link(rows):
        for row in rows:
            if row["id"] == "sjakket":
                row["description"] += f' Læs [mere](https://www.kk.dk/ "{SCRIPT}").'

    rewrite_csv(data / "administrations.csv", name)
    rewrite_csv(data / "activities.csv", link)


@pytest.mark.slow
@pytest.mark.browser
def test_hovering_titles_runs_no_script(browser):
    from playwright.sync_api import Error as PlaywrightError

    from tests import planted

    out = planted.site()
    assert SCRIPT in (planted.data_dir() / "administrations.csv").read_text(encoding="utf-8")
    served = _serve(out / "public")
    base = next(served)
    dialogs: list[str] = []
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "aktiviteter/sjakket/", wait_until="load")
        titled = page.query_selector_all("abbr[title], a[title]")
        assert titled
        seen: set[str] = set()
        for element in titled:  # each distinct title once, on its first visible element: the tooltip is the title
            title = element.get_attribute("title") or ""
            if title in seen or not element.is_visible():
                continue
            seen.add(title)
            with contextlib.suppress(PlaywrightError):  # an element outside the viewport
                element.hover(timeout=500)
            page.wait_for_timeout(30)
        assert any(t.startswith("Socialforvaltningen") for t in seen), seen  # SOF's title: the planted name, cleaned
        page.close()
    finally:
        next(served, None)
    assert dialogs == []


@pytest.mark.parametrize(
    "term",
    [
        "SSP\r<b>x</b>",
        "SSP\x85<b>",
        "SSP\u2028<b>",
        "SSP\x0c<b>",
        "SSP\x0b<b>",
        "SSP\x1c<b>",
        "SSP&lt;b&gt;",
    ],
)
def test_glossary_terms_with_any_line_break_or_entity_are_refused(term: str):
    assert abbreviation_line(term, "x") is None


def test_glossary_definition_cannot_add_a_line_or_markup():
    line = abbreviation_line("SSP", "a\r<script>alert(1)</script>\u2028*[X]: y\x85z")
    assert line is not None and "\n" not in line and "\r" not in line and "<" not in line


MARKDOWN_ATTACKS = [
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[j](javascript&#58;alert(1))",
    "[J](JaVaScRiPt:alert(1))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[r][ref]\n\n[ref]: javascript:alert(1)\n",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "- a\n    - <img src=x onerror=alert(1)>\n    - *b*{: onclick=alert(1)}",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | *c*{: onclick=alert(1)} |",
    '<a href="javascript:alert(1)">a</a>',
    "<iframe src=https://evil.example/></iframe><form action=https://evil.example/><button>x</button></form>",
    '<https://a.example/" onmouseover="alert(1)>',
    "<!-- x --><script>alert(1)</script>",
]


class _Live(HTMLParser):
    """Markup that would act: dangerous elements, event handlers, script-capable URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {
            "script",
            "svg",
            "iframe",
            "img",
            "form",
            "button",
            "style",
            "object",
            "embed",
            "base",
            "meta",
        }:
            self.hits.append(tag)
        for name, value in attrs:
            if name.startswith("on") or re.match(r"\s*(javascript|data|vbscript):", value or "", re.IGNORECASE):
                self.hits.append(f"{tag} {name}={value}")


@pytest.mark.parametrize("text", MARKDOWN_ATTACKS)
def test_markdown_from_data_yields_no_live_markup(text: str):
    fragment = markdown_to_safe_html(text)
    live = _Live()
    live.feed(fragment)
    assert live.hits == [], fragment
    assert "{" not in fragment and "[" not in fragment  # no Markdown a later pass could revive


# ------------------------------------------------------------------ 2. front matter variants

FRONT_MATTER = {
    "nbsp after marker": "---\u00a0\ntitle: X\naudience: internal\n---\n\nTekst\n",
    "tab after markers": "---\t\ntitle: X\naudience: internal\n---\t\n\nTekst\n",
    "old Mac line ends": "---\rtitle: X\raudience: internal\r---\r\rTekst\r",
    "bom crlf trailing space dots": "\ufeff--- \r\ntitle: X\r\naudience: internal\r\n...\r\n\r\nTekst\r\n",
    "two blank lines first": "\n\n---\ntitle: X\naudience: internal\n---\n\nTekst\n",
}


@pytest.mark.parametrize("form", sorted(FRONT_MATTER))
def test_front_matter_variants_are_read_or_refused(form: str):
    try:
        parsed = parse_front_matter(FRONT_MATTER[form])
    except FrontMatterError:
        return  # refused with a located error: never a public page
    assert parsed.present and parsed.meta.get("audience") == "internal"


# ------------------------------------------------------------------ 5. small numbers in free text

# Each form once left a small count of persons readable and gave the editor no warning.
LEAKING_FORMS = [
    "4-5 unge startede i forløbet.",
    "3/4 unge blev i forløbet.",
    "Af de 12 unge startede 4 af dem på en uddannelse.",
    "Forløbet havde 4 særligt udsatte, kriminalitetstruede unge.",
    "3 ud af 4 gennemførte forløbet.",
    "Af de 4 unge gennemførte 3 forløbet.",
]


@pytest.mark.parametrize("text", LEAKING_FORMS)
def test_small_counts_in_free_text_are_hidden_or_reported(text: str):
    out, findings = disclosure.analyse_text(text)
    small = [n for n in re.findall(r"(?<![\d.,])(\d+)(?![\d.,])", out) if 0 < int(n) < disclosure.DEFAULT_THRESHOLD]
    assert not small or findings, f"{text!r} -> {out!r}"


# ------------------------------------------------------------------ 6. audit blindness

LONG_SECRET = (
    "Intern vurdering: samarbejdet med skolen om den unge fra Tingbjerg har været vanskeligt, "
    "og lederen overvejer at stoppe forløbet, fordi familien ikke møder op til de aftalte samtaler "
    "og sagsbehandleren har meldt bekymring til politiet om broderens kontakter."
)


def test_audit_finds_a_long_internal_value(tmp_path: Path):
    assert len(LONG_SECRET) > 200 and LONG_SECRET[199].isalpha() and LONG_SECRET[200].isalpha()
    site = tmp_path / "site"
    (site / "side").mkdir(parents=True)
    (site / "index.html").write_text("<p>Offentlig</p>", encoding="utf-8")
    (site / "side" / "index.html").write_text(f"<p>{LONG_SECRET}</p>", encoding="utf-8")
    data = EditionData(
        edition="public", tables={}, pages=[], descriptor={"resources": []}, threshold=5,
        internal_values=[LONG_SECRET], internal_pages=[],
    )  # fmt: skip
    assert [p.file for p in audit.audit(site, data) if p.kind == "internal-leak"] == ["side/index.html"]


# ------------------------------------------------------------------ 8. third party


def test_chart_config_turns_off_every_cloud_link():
    script = (ROOT / "overrides" / "theme" / "assets" / "javascripts" / "sikkerby.js").read_text(encoding="utf-8")
    for setting in (
        "displayModeBar: false",
        "showLink: false",
        "showSendToCloud: false",
        "showEditInChartStudio: false",
    ):
        assert setting in script


@pytest.mark.slow
@pytest.mark.browser
def test_no_chart_toolbar_in_the_browser(public_url: str, browser):
    page = browser.new_page()
    page.goto(public_url + "resultater/", wait_until="load")
    page.mouse.move(20, 20)  # plotly.js loads on the first interaction (or after a few idle seconds)
    page.locator("[data-sb-chart]").first.scroll_into_view_if_needed()  # charts draw when near the viewport
    page.wait_for_selector(".js-plotly-plot", state="attached", timeout=30000)
    found = page.evaluate("""() => ({plots: document.querySelectorAll('.js-plotly-plot').length,
        modebars: document.querySelectorAll('.modebar, .modebar-btn').length,
        cloud: [...document.querySelectorAll('a[href]')].filter(a => /plotly|chart-studio/i.test(a.href)).length})""")
    page.close()
    assert found["plots"] >= 1 and found["modebars"] == 0 and found["cloud"] == 0


# ------------------------------------------------------------------ 10. template code in editorial pages

MODEL = SimpleNamespace(figures=SimpleNamespace(by_year={}))


def test_template_code_in_front_matter_title_is_a_located_error():
    page = ContentPage(
        path="figur.md",
        meta={
            "title": "Tal {{ lipsum.__globals__.os.getcwd() }}",
            "render_macros": True,
        },
        body="Antal aktiviteter: {{ figures.aktiviteter }}.\n",
        meta_lines={"title": 2, "render_macros": 3},
        body_line=5,
    )
    problems = live_figures.check_page(page, MODEL)
    assert [(p.kind, p.row) for p in problems if "title" in p.message or p.row == 2], problems


def test_body_template_code_is_refused_in_every_spelling():
    body = "{{- config -}} {{figures.aktiviteter|attr('x')}} {%- raw %}x{% endraw %} {# c #} {{ figures['aktiviteter'] }}"
    page = ContentPage(path="figur.md", meta={"render_macros": True}, body=body)
    kinds = [p.kind for p in live_figures.check_page(page, MODEL)]
    assert len(kinds) == 6 and "live-figure-expression" in kinds
