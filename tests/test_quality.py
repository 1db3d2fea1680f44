"""Quality gates on the built sites: valid HTML (W3C Nu checker) and no broken internal links."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGE_TYPES = [
    "index.html", "404.html", "aktiviteter/index.html", "aktiviteter/sjakket/index.html", "aktiviteter/tryghedsundersoegelse/index.html",
    "maal/index.html", "maal/effektmaal-2/index.html", "program/index.html", "program/unge-over-18/index.html",
    "program/princip-1/index.html", "resultater/index.html", "resultater/aarsrapport-2019/index.html",
    "resultater/sammenfatning/index.html", "resultater/budget-og-effekt/index.html", "resultater/status/index.html",
    "fortaellinger/index.html", "fortaellinger/mikkel/index.html", "ordliste/index.html", "vision/index.html",
    "om/index.html", "om/metode/index.html", "om/data/index.html", "om/kommunikation/index.html", "om/tilgaengelighed/index.html",
]  # fmt: skip


def test_w3c_html_checker_finds_no_errors(built_site):
    if not shutil.which("java"):
        pytest.fail("java is missing: run scripts/setup.sh --test")
    files = [str(built_site / "public" / p) for p in PAGE_TYPES]
    files += [str(built_site / "internal" / p) for p in PAGE_TYPES + ["intern/datakvalitet/index.html"]]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files], capture_output=True, text=True
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [f"{m['url'].split('/site')[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert problems == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if values.get("name") and tag == "a":
            self.ids.add(values["name"])
        for attr in ("href", "src"):
            if values.get(attr) and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(values[attr])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_no_broken_internal_links_or_anchors(built_site, edition):
    site = built_site / edition
    pages = {p: _parse(p) for p in site.rglob("*.html")}
    broken = []
    checked = 0
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlparse(link)
            if parts.scheme or link.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            target_url, fragment = urldefrag(link)
            if target_url.startswith("/"):  # 404.html links from the site root (site_url's path is /)
                target = (site / unquote(target_url).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(target_url)).resolve() if target_url else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(site)} -> {link} (anchor)")
    assert checked > 1000
    assert broken == []
