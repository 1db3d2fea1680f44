"""Editorial pages from content/ that are published as they are (vision, about, …).

A page goes to its fixed place (``urls.CONTENT_TARGETS``) or, for any other file, to the same
path; pages other than the fixed ones place themselves in the navigation with front matter
``section`` (program, resultater, om, intern) — internal pages default to "intern", others to
"om" — and optionally ``nav_title`` and ``nav_order``. An internal page is always placed under
"Intern" (which only the internal edition's navigation has, and the public edition never sees the
page): staff must not mistake it for a public page. No page needs an entry in ``mkdocs.yml``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import urls
from ...load import ContentPage
from ..contexts import AccessibilityContext
from ..page import Page
from ..site import Site

PASSED_META = ("title", "description")


def generate(site: Site) -> Iterator[Page]:
    for page in site.data.pages:
        if urls.is_story(page.path) or urls.is_news(page.path):  # stories.py, news.py
            continue
        target = urls.content_page(page.path)
        if target is None:
            continue
        meta = {k: v for k, v in page.meta.items() if k in PASSED_META}
        if target == urls.ACCESSIBILITY:  # the prose plus the municipality's settings (status, date, contact, WAS)
            yield Page(target, "accessibility.md.j2", meta, context=AccessibilityContext(prose=page.body))
            continue
        yield Page(
            target, None, meta, body=page.body, live_figures=bool(page.meta.get("render_macros")),
            nav=None if page.path in urls.CONTENT_TARGETS else nav_place(page, target),
        )  # fmt: skip


DEFAULT_ORDER = 100


def nav_place(page: ContentPage, target: str) -> urls.NavPage:
    """Where a content page stands in the navigation: front matter ``section``/``nav_title``/``nav_order``."""
    internal = page.audience == "internal"
    section = str(page.meta.get("section") or "").strip().lower()
    if internal or section not in urls.SECTIONS:
        section = "intern" if internal else "om"
    title = page.meta.get("nav_title") or page.meta.get("title") or target.rsplit("/", 1)[-1][:-3].replace("-", " ").capitalize()
    order = page.meta.get("nav_order")
    return urls.NavPage(target, str(title), section, order if isinstance(order, int) and not isinstance(order, bool) else DEFAULT_ORDER)
