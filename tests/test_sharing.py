"""Sharing: Open Graph and Twitter card metadata on every page, escaped; titles name the site once;
the card image is made at build time."""

from __future__ import annotations

import html.parser
import struct
from pathlib import Path

import pytest

from sikkerby_build import urls
from sikkerby_build.render import card

pytestmark = pytest.mark.slow

REQUIRED = (
    "og:type",
    "og:title",
    "og:description",
    "og:image",
    "og:url",
    "og:site_name",
    "twitter:card",
    "twitter:title",
    "twitter:image",
)


class _Head(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a.get("name") or "", a.get("content") or "")
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _heads(site: Path) -> dict[str, _Head]:
    out = {}
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue
        parser = _Head()
        parser.feed(page.read_text(encoding="utf-8"))
        out[page.relative_to(site).as_posix()] = parser
    return out


@pytest.fixture(scope="module")
def built() -> Path:
    import issue10_build

    return issue10_build.site()


def test_every_page_has_open_graph_and_twitter_tags(built: Path) -> None:
    for edition in ("public", "internal"):
        heads = _heads(built / edition)
        assert len(heads) > 50
        for rel, head in heads.items():
            missing = [k for k in REQUIRED if not head.meta.get(k)]
            assert not missing, f"{edition}/{rel} mangler {missing}"
            assert head.meta["og:url"].startswith("https://sikkerby.example.org/"), rel
            own = rel.startswith(("aktiviteter/", "bydele/")) and rel.count("/") == 2  # activity and district pages (issue 19)
            image = urls.share_image(rel.removesuffix("/index.html") + ".md") if own else urls.SHARE_IMAGE
            assert head.meta["og:image"] == "https://sikkerby.example.org/" + image, rel
            assert (built / edition / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert len(head.meta["og:description"]) <= 201


def test_meta_values_are_escaped_and_cut_at_a_word(built: Path) -> None:
    import issue10_build

    raw = (built / "public" / "om" / "index.html").read_text(encoding="utf-8")
    head = _heads(built / "public")["om/index.html"]
    shown = head.meta["og:description"]
    assert shown.startswith('Om "Sikker By" & fed tekst – tryghedsord')  # the attribute was not broken by the quotes
    assert head.meta["twitter:description"] == shown
    assert shown.endswith("…") and len(shown) <= 201
    assert set(shown.rstrip("…").split(" – ", 1)[1].split()) == {"tryghedsord"}  # whole words only
    assert 'Om "Sikker By"' not in raw.split("<body", 1)[0]  # never a raw quote inside an attribute
    assert "<b>fed</b>" not in raw and issue10_build.QUOTED_DESCRIPTION not in raw


def test_titles_name_the_site_once(built: Path) -> None:
    for edition, site_name in (("public", "Sikker By"), ("internal", "Sikker By – intern")):
        heads = _heads(built / edition)
        assert heads["index.html"].title.strip() == site_name
        for rel, head in heads.items():
            title = head.title.strip()
            assert title.count("Sikker By") <= 1 or rel.startswith(("aktiviteter/", "faktaark/")), f"{rel}: {title}"
            assert title.count(site_name) <= 1, f"{rel}: {title}"


def test_card_image_is_a_png_made_offline(built: Path) -> None:
    for edition in ("public", "internal"):
        data = (built / edition / urls.SHARE_IMAGE).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (card.WIDTH, card.HEIGHT)
    assert card.image("public") == card.image("public")  # reproducible
    assert card.image("public") != card.image("internal")
