"""MkDocs hook for the preview only (``engine.serve``): dirty rebuilds skip unchanged pages, so a
page whose title comes from its own source (the news index: Material's blog passes no title) had
none and the navigation read "None". Its source is read again, which is all the title needs."""

from __future__ import annotations

from typing import Any


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    for page in nav.pages:
        if page.title is None and page.markdown is None and page.file.abs_src_path:
            page.read_source(config)
    return nav
