"""Editorial pages from content/ that are published as they are (vision, about, …).

A page goes to its fixed place (``urls.CONTENT_TARGETS``) or, for any other file, to the same
path; pages other than the fixed ones place themselves in the navigation with front matter
``section`` (program, resultater, om, intern) — internal pages default to "intern", others to
"om" — and optionally ``nav_title`` and ``nav_order``.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import urls
from ..page import Page
from ..site import Site

PASSED_META = ("title", "description")


def generate(site: Site) -> Iterator[Page]:
    for page in site.data.pages:
        if urls.is_story(page.path):
            continue
        target = urls.content_page(page.path)
        if target is None:
            continue
        meta = {k: v for k, v in page.meta.items() if k in PASSED_META}
        yield Page(target, None, meta, body=page.body, live_figures=bool(page.meta.get("render_macros")))
