"""Adversarial tests of the escaping discipline (issue: script from data must never run).

Payloads go into every free-text field of every resource (fields without enum, pattern or keys,
so the package still validates) and into content pages and their front matter. The public
edition is then inspected file by file, and its pages are executed in Chromium: no dialog may
open, no event handler or javascript: URL may exist, no request may leave the site.
"""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sikkerby_build import pipeline
from sikkerby_build.engine.material import abbreviation_line
from sikkerby_build.sanitize import markdown_to_safe_html, neutralize_text
from tests.conftest import _serve

PAYLOADS = [
    '<script>alert("xss1")</script>',
    "<img src=x onerror=alert('xss2')>",
    "[klik](javascript:alert('xss3'))",
    "\\[esc\\](javascript:alert('xss4'))",
    "*fremhævet*{: onmouseover=\"alert('xss5')\" }",
    "_kursiv_{: onclick=\"alert('xss6')\" }",
    '" http-equiv="refresh" content="0;url=https://evil.example/',
    "<https://evil.example/autolink>",
    "![billede](https://evil.example/x.png)",
    "\n\n<script>alert('xss7')</script>\n\n!!! danger\n    admonition\n\n| a | b |\n|---|---|\n| c | d |\n",
]
PAYLOAD = " ".join(PAYLOADS)


def _plantable_fields(resource: dict) -> list[str]:
    schema = resource["schema"]
    keys = set(schema.get("primaryKey") or [])
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"]
        keys.update([fields] if isinstance(fields, str) else fields)
    return [
        f["name"]
        for f in schema["fields"]
        if f.get("type", "string") == "string"
        and f["name"] not in keys | {"audience"}
        and not {"enum", "pattern"} & set(f.get("constraints", {}))
    ]


def plant_everywhere(data: Path) -> int:
    """The payload in the first row of every free-text field; returns how many cells were planted."""
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    planted = 0
    for resource in descriptor["resources"]:
        fields = _plantable_fields(resource)
        path = data / resource["path"]
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows or not fields:
            continue
        header = [f["name"] for f in resource["schema"]["fields"]]
        for row in rows[:2]:
            for name in fields:
                row[name] = f"{row[name]} {PAYLOAD}".strip()
                planted += 1
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    story = data / "content" / "stories" / "deniz.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace('title: "Deniz"', "title: 'Deniz \" onmouseover=\"alert(8)'"), encoding="utf-8")
    return planted


class _Markup(HTMLParser):
    """Real markup an attacker wants: handlers, javascript: URLs, scripts with our alerts, refreshes."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").strip().lower()
            loads_or_links = name in {
                "src",
                "srcset",
                "action",
                "formaction",
                "poster",
            }  # a plain link may leave; meta content is text
            if name.startswith("on") or value.startswith("javascript:") or (loads_or_links and "evil.example" in value):
                self.hits.append(f"<{tag} {name}={value[:60]}>")
            if tag == "meta" and name == "http-equiv":
                self.hits.append(f"<meta http-equiv={value}>")
        self._script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and "alert(" in data:
            self.hits.append("script: " + data[:60])


def _attack(root: Path) -> None:
    import shutil

    from tests.conftest import CONTENT, DATA

    data = root / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(CONTENT, data / "content")
    assert plant_everywhere(data) > 100
    pipeline.build("public", data, root / "site", data / "content")


@pytest.fixture(scope="session")
def attacked_site() -> Path:
    """The public edition with the payloads everywhere, built once per run (shared by the workers)."""
    from tests.conftest import shared

    return shared("attacked", _attack) / "site" / "public"


def test_unit_data_text_cannot_become_markdown_syntax():
    text = neutralize_text("*x*{: onmouseover=alert(1)} [a](javascript:x) | <b>")
    for char in "*{}[]()|<>":
        assert char not in text
    html = markdown_to_safe_html("*x*{: onmouseover=alert(1)} \\[a\\](javascript:alert(1))\n\n<script>x</script>")
    assert "<em>x</em>" in html and "onmouseover" in html  # kept as text …
    assert "{" not in html and "[" not in html and "<script" not in html  # … that no Markdown pass can revive


def test_unit_glossary_terms_with_markup_are_never_written_as_abbreviations():
    assert abbreviation_line("SSP", "Samarbejde mellem skole, socialforvaltning og politi") is not None
    assert abbreviation_line("SSP\n<script>alert(1)</script>", "x") is None
    assert abbreviation_line("SSP]: x\n*[y", "x") is None
    assert "<" not in (abbreviation_line("SSP", "a <img src=x onerror=alert(1)> b") or "")


@pytest.mark.slow
def test_no_markup_from_data_in_any_public_file(attacked_site: Path):
    pages = sorted(attacked_site.rglob("*.html"))
    assert len(pages) > 90
    for path in pages:
        finder = _Markup()
        finder.feed(path.read_text(encoding="utf-8"))
        assert finder.hits == [], f"{path.relative_to(attacked_site)}: {finder.hits[:3]}"
    sjakket = (attacked_site / "aktiviteter/sjakket/index.html").read_text(encoding="utf-8")
    assert "onerror" in sjakket  # the payload is on the page, as text
    description = [line for line in sjakket.splitlines() if 'name="description"' in line]
    assert description and 'http-equiv="refresh"' not in description[0]


PAGE_PARTS = 3  # the pages are visited in three tests, so that the workers share them


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("part", range(PAGE_PARTS))
def test_no_payload_runs_and_no_request_leaves_the_site(attacked_site: Path, browser, part: int):
    every = sorted(p.relative_to(attacked_site).as_posix() for p in attacked_site.rglob("index.html"))
    assert len(every) > 90
    pages = every[part::PAGE_PARTS]
    served = _serve(attacked_site)
    base = next(served)
    dialogs: list[str] = []
    outside: list[str] = []
    try:
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
        for rel in pages:
            page.goto(base + rel.removesuffix("index.html"), wait_until="load")
            # Hover and click everything a reader might touch on the page.
            page.evaluate("""() => { for (const el of document.querySelectorAll('em, i, strong, a, abbr, td, dd')) {
                for (const type of ['mouseover', 'focus']) el.dispatchEvent(new Event(type)); } }""")
        context.close()
    finally:
        next(served, None)
    assert dialogs == []
    assert outside == []
