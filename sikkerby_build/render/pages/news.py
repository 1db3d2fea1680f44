"""News: editorial posts from ``content/nyheder/`` (dated, with categories), their listing and
an Atom feed.

A post's front matter: ``title``, ``date`` (YYYY-MM-DD), ``categories`` (a list), ``description``
(one or two sentences: the listing's and the feed's summary), ``audience`` like every content
page, and ``render_macros: true`` when the post quotes live figures (``{{ figures.* }}``).
Posts are staged at ``urls.news_post(slug)`` with an ASCII slug made from the file name; the
listing, archive and category pages are the engine's (Material's blog plugin). The feed is
written here, from the posts' front matter, so it does not depend on the engine or on git dates.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ... import urls
from ...news_rules import check_posts, post_date
from ...problems import Report, ValidationFailed
from ...sanitize import unescaped_text
from ..page import Page
from ..site import Site

EXCERPT_MARK = "<!-- more -->"
FEED_TITLE = "Sikker By – nyheder"


@dataclass(frozen=True)
class Post:
    path: str  # content path, e.g. nyheder/sikker-by-ugen.md
    slug: str
    title: str
    date: dt.date
    categories: tuple[str, ...]
    description: str
    body: str
    live_figures: bool


def posts(site: Site) -> list[Post]:
    """The edition's posts, newest first (the public edition never sees an internal post)."""
    pages = [p for p in site.data.pages if urls.is_news(p.path)]
    problems = check_posts(pages)
    if problems:
        raise ValidationFailed(Report(problems))
    out = []
    for page in pages:
        meta = page.meta
        date = post_date(meta["date"])
        assert date is not None
        out.append(
            Post(
                path=page.path,
                slug=urls.news_slug(page.path),
                title=meta["title"].strip(),
                date=date,
                categories=tuple(c.strip() for c in meta.get("categories") or []),
                description=" ".join(meta["description"].split()),
                body=page.body,
                live_figures=bool(meta.get("render_macros")),
            )
        )
    return sorted(out, key=lambda p: (p.date, p.slug), reverse=True)


def _with_excerpt(body: str) -> str:
    """The listing shows a post up to the excerpt mark; without one, the first paragraph."""
    if EXCERPT_MARK in body:
        return body
    parts = body.strip().split("\n\n", 1)
    return parts[0] + "\n\n" + EXCERPT_MARK + ("\n\n" + parts[1] if len(parts) > 1 else "") + "\n"


def generate(site: Site) -> Iterator[Page]:
    for post in posts(site):
        meta = {
            "title": post.title,
            "date": post.date,
            "categories": list(post.categories),
            "description": post.description,
            "slug": post.slug,
        }
        yield Page(urls.news_post(post.slug), None, meta, body=_with_excerpt(post.body), live_figures=post.live_figures)
    body = (
        "# Nyheder\n\n"
        "Nyt om Sikker By: indsatser, effekter og arrangementer. "
        f"Abonnér på nyhederne via [nyhedsfeedet (Atom)]({urls.rel(urls.NEWS, urls.NEWS_FEED)}).\n"
    )
    yield Page(urls.NEWS, None, {"title": "Nyheder", "description": "Nyt om Sikker By: indsatser, effekter og arrangementer."}, body=body)


def _iso(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def feed(site: Site, site_url: str | None) -> str:
    """An Atom 1.0 feed of the edition's posts (newest first), summaries from their front matter."""
    items = posts(site)
    base = site_url.rstrip("/") + "/" if site_url else None

    def link(address: str) -> str:
        """An absolute address with a site URL, else relative to the feed's own address."""
        if base:
            return base + address
        return posixpath.relpath(address or ".", posixpath.dirname(urls.NEWS_FEED)) + "/"

    updated = _iso(items[0].date) if items else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="da">',
        f"  <title>{escape(FEED_TITLE)}</title>",
        "  <id>urn:sikkerby:nyheder</id>",
        f"  <updated>{updated}</updated>",
        "  <author><name>Københavns Kommune · Sikker By</name></author>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link(urls.page_url(urls.NEWS)))}/>",
    ]
    if base:
        lines.append(f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + urls.NEWS_FEED)}/>')
    for post in items:
        lines += [
            "  <entry>",
            f"    <title>{escape(unescaped_text(post.title))}</title>",
            f"    <id>urn:sikkerby:nyheder:{post.slug}</id>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link(urls.news_url(post.slug)))}/>",
            f"    <published>{_iso(post.date)}</published>",
            f"    <updated>{_iso(post.date)}</updated>",
            *(f"    <category term={quoteattr(c)}/>" for c in post.categories),
            f"    <summary>{escape(unescaped_text(post.description))}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
