"""News: ASCII post addresses, located front-matter errors, the Atom feed, the built blog."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sikkerby_build import compute, edition, live_figures, news_rules, urls
from sikkerby_build.load import ContentPage, load_content, load_data
from sikkerby_build.render.pages import news
from sikkerby_build.render.site import make_site

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"


def _page(path: str, meta: dict, body: str = "Tekst.") -> ContentPage:
    return ContentPage(
        path=path,
        meta=meta,
        body=body,
        audience=meta.get("audience", "public"),
        meta_lines={k: i + 2 for i, k in enumerate(meta)},
        body_line=10,
    )


def test_slugs_are_ascii_with_danish_transliteration() -> None:
    assert urls.slugify("Sikker By uge på Nørrebro: Æbler & Åer") == "sikker-by-uge-paa-noerrebro-aebler-aaer"
    assert urls.news_slug("nyheder/Effektopfølgning 2019.md") == "effektopfoelgning-2019"
    assert urls.news_url("effektopfoelgning-2019") == "nyheder/effektopfoelgning-2019/"


def test_post_problems_are_located_and_danish() -> None:
    pages = [
        _page("nyheder/uden-dato.md", {"title": "Uden dato", "description": "x", "categories": ["A"]}),
        _page("nyheder/forkert.md", {"title": "T", "date": "22-11-2026", "description": "x", "categories": "A"}),
        _page("nyheder/ok.md", {"title": "T", "date": dt.date(2026, 11, 22), "description": "x", "categories": ["A"]}),
        _page("om.md", {"title": "Ikke en nyhed"}),
    ]
    problems = news_rules.check_posts(pages)
    by_file = {(p.file, p.field) for p in problems}
    assert ("content/nyheder/uden-dato.md", "date") in by_file
    assert ("content/nyheder/forkert.md", "date") in by_file
    assert ("content/nyheder/forkert.md", "categories") in by_file
    assert not any(p.file in {"content/nyheder/ok.md", "content/om.md"} for p in problems)
    wrong_date = next(p for p in problems if p.file == "content/nyheder/forkert.md" and p.field == "date")
    assert wrong_date.row == 3 and "år-måned-dag" in wrong_date.message


def test_the_two_posts_use_only_known_live_figures() -> None:
    pages = [p for p in load_content(ROOT / "content") if urls.is_news(p.path)]
    assert {urls.news_slug(p.path) for p in pages} >= {"effektopfoelgningen-2019", "sikker-by-ugen"}
    model = compute.build_model(edition.select(load_data(ROOT / "data"), list(load_content(ROOT / "content")), "public").tables)
    assert live_figures.check_pages(pages, model) == []
    assert not news_rules.check_posts(pages)


def _feed(edition_name: str, site_url: str | None) -> ET.Element:
    dataset, pages = load_data(ROOT / "data"), list(load_content(ROOT / "content"))
    pages.append(
        _page(
            "nyheder/intern.md",
            {"title": "Intern nyhed", "date": dt.date(2026, 1, 2), "description": "Hemmelig", "audience": "internal"},
        )
    )
    data = edition.select(dataset, pages, edition_name)
    site = make_site(data, compute.build_model(data.tables), [])
    return ET.fromstring(news.feed(site, site_url))


def test_feed_is_atom_xml_with_every_post_of_the_edition() -> None:
    public = _feed("public", "https://example.org/sikkerby/")
    titles = [e.findtext(f"{ATOM}title") for e in public.iter(f"{ATOM}entry")]
    assert "Intern nyhed" not in titles and len(titles) >= 2
    for entry in public.iter(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}summary")
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated").replace("Z", "+00:00"))
        href = entry.find(f"{ATOM}link").get("href")
        assert re.fullmatch(r"https://example\.org/sikkerby/nyheder/[a-z0-9-]+/", href)
    internal = _feed("internal", None)
    assert "Intern nyhed" in [e.findtext(f"{ATOM}title") for e in internal.iter(f"{ATOM}entry")]
    assert all(not e.find(f"{ATOM}link").get("href").startswith("http") for e in internal.iter(f"{ATOM}entry"))


@pytest.mark.slow
def test_built_blog_posts_feed_and_live_figures() -> None:
    import issue10_build

    site = issue10_build.site()
    public = site / "public"
    for slug in ("effektopfoelgningen-2019", "sikker-by-ugen"):
        html = (public / urls.news_url(slug) / "index.html").read_text(encoding="utf-8")
        assert "{{" not in html and 'property="og:type" content="article"' in html
    post = (public / urls.news_url("effektopfoelgningen-2019") / "index.html").read_text(encoding="utf-8")
    assert re.search(r"I alt <strong>\d+ aktiviteter</strong>", post)
    listing = (public / urls.page_url(urls.NEWS) / "index.html").read_text(encoding="utf-8")
    assert "Sikker By uge: fokus på trygheden i bydelene" in listing
    assert issue10_build.INTERNAL_POST_TITLE not in listing
    every_file = [p for p in public.rglob("*") if p.is_file()]
    assert all(p.relative_to(public).as_posix().isascii() for p in every_file if "nyheder" in p.parts)
    for name in ("public", "internal"):
        feed = ET.parse(site / name / urls.NEWS_FEED).getroot()
        titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
        assert (issue10_build.INTERNAL_POST_TITLE in titles) == (name == "internal")
