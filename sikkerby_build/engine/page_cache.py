"""Markdown that MkDocs converted before, reused when nothing it depends on changed.

MkDocs converts the Markdown of every page on every build: half of an edition's engine run
(≈1.2 s of 2.4 s for 175 pages), though a one-line edit changes one page. ``RenderedPages``
replaces MkDocs' ``Page.render`` for the length of one build: a page whose converted HTML, table of
contents, title and anchors are in the cache under the same key gets them from there, any other
page is converted as MkDocs does it (the same steps as ``mkdocs.structure.pages.Page.render``) and
stored. The key is everything the conversion reads: the page's Markdown after the macros, its
source and target paths, every file of the site (links are resolved against them), the Markdown
extensions and their settings, the snippets they append (the glossary's abbreviations), the
link-validation settings and the versions of MkDocs, Markdown, pymdown-extensions and Material.

The cache is one JSON file per edition in the build's cache folder (``.cache/pages``), written only
after a build that succeeded, holding only that build's pages. Its HTML goes into the site as it
is, so the file is used only when it carries a valid signature made with this machine's key
(``cachekey``): a cache that arrives with the project is ignored. Only plain MkDocs pages are
cached (blog posts and excerpts are not); with an MkDocs version other than the one these steps
were written for, nothing is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import cachekey

FORMAT = "sikkerby-pages-1"
MKDOCS_RENDER_WRITTEN_FOR = "1.6."
_TOOLS = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class RenderedPages:
    def __init__(self, path: Path | None, includes: Path) -> None:
        self.path = path
        self.includes = includes
        self.stored: dict[str, Any] = self._load() if path is not None else {}
        self.used: dict[str, Any] = {}
        self.hits = 0
        self._files_key: tuple[int, str] | None = None

    def _load(self) -> dict[str, Any]:
        assert self.path is not None
        raw = cachekey.read_signed(self.path, FORMAT.encode())
        if raw is None:
            return {}
        try:
            found = json.loads(raw)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}

    def save(self) -> None:
        """Best effort, after a successful build: a cache that cannot be written only costs time."""
        if self.path is None:
            return
        cachekey.write_signed(self.path, json.dumps(self.used, sort_keys=True, ensure_ascii=False).encode(), FORMAT.encode())

    # ------------------------------------------------------------------ the key

    def _build_key(self, config: Any, files: Any) -> str:
        """What every page of this build shares: tools, extensions, snippets and the site's files."""
        if self._files_key is not None and self._files_key[0] == id(files):
            return self._files_key[1]
        mdx = json.loads(json.dumps(config["mdx_configs"] or {}, default=str))
        mdx.get("pymdownx.snippets", {}).pop("base_path", None)  # the staging folder: new every build
        snippets = sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in self.includes.glob("*") if p.is_file())
        site_files = sorted((str(f.src_uri), str(f.dest_uri), str(f.url)) for f in files)
        key = _digest(
            FORMAT,
            *cachekey.distribution_identity(*_TOOLS),
            json.dumps([str(e) for e in config["markdown_extensions"]]),
            json.dumps(mdx, sort_keys=True),
            json.dumps(dict(config["validation"]), sort_keys=True, default=str),
            str(config["use_directory_urls"]),
            json.dumps(snippets),
            json.dumps(site_files),
        )
        self._files_key = (id(files), key)
        return key

    def key(self, page: Any, config: Any, files: Any) -> str:
        return _digest(self._build_key(config, files), page.file.src_uri, page.file.dest_uri, page.url, page.markdown or "")

    # ------------------------------------------------------------------ MkDocs' render, cached

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """MkDocs' ``Page.render`` replaced by the cached one while the block runs."""
        import mkdocs
        from mkdocs.structure.pages import Page

        if not mkdocs.__version__.startswith(MKDOCS_RENDER_WRITTEN_FOR):
            yield
            return
        original = Page.render
        cache = self

        def render(page: Any, config: Any, files: Any) -> None:
            if type(page) is not Page or page.markdown is None:
                original(page, config, files)
                return
            cache._render(page, config, files)

        Page.render = render  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            Page.render = original  # type: ignore[method-assign]

    def _render(self, page: Any, config: Any, files: Any) -> None:
        key = self.key(page, config, files)
        entry = self.stored.get(key)
        if entry is not None and _restore(page, files, entry):
            self.hits += 1
        else:
            entry = _convert(page, config, files)
        self.used[key] = entry


def _convert(page: Any, config: Any, files: Any) -> dict[str, Any]:
    """``mkdocs.structure.pages.Page.render`` of MkDocs 1.6, step by step, keeping what it makes."""
    import markdown
    from mkdocs.structure.pages import (
        _ExtractAnchorsTreeprocessor,
        _ExtractTitleTreeprocessor,
        _RawHTMLPreprocessor,
        _RelativePathTreeprocessor,
        log,
    )
    from mkdocs.structure.toc import get_toc

    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {})
    raw_html_ext = _RawHTMLPreprocessor()
    raw_html_ext._register(md)
    extract_anchors_ext = _ExtractAnchorsTreeprocessor(page.file, files, config)
    extract_anchors_ext._register(md)
    relative_path_ext = _RelativePathTreeprocessor(page.file, files, config)
    relative_path_ext._register(md)
    extract_title_ext = _ExtractTitleTreeprocessor()
    extract_title_ext._register(md)
    page.content = md.convert(page.markdown)
    tokens = getattr(md, "toc_tokens", [])
    page.toc = get_toc(tokens)
    page._title_from_render = extract_title_ext.title
    page.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
    links = None
    if log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = relative_path_ext.links_to_anchors
        links = {f.src_uri: dict(anchors) for f, anchors in relative_path_ext.links_to_anchors.items()}
    return {
        "content": page.content,
        "toc": json.loads(json.dumps(tokens, default=str)),
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids, key=lambda a: (a is None, a or "")),  # None is among them
        "links": links,
    }


def _restore(page: Any, files: Any, entry: dict[str, Any]) -> bool:
    from mkdocs.structure.pages import log
    from mkdocs.structure.toc import get_toc

    try:
        links = entry["links"]
        linked = {files.get_file_from_path(src): dict(anchors) for src, anchors in links.items()} if links is not None else None
        if linked is not None and None in linked:
            return False  # a file it links to is gone (the key has every file: not expected)
        page.content = str(entry["content"])
        page.toc = get_toc(entry["toc"])
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        if log.getEffectiveLevel() > logging.DEBUG:
            if linked is None:
                return False  # stored by a build that logged at debug level
            page.links_to_anchors = linked
        return True
    except (KeyError, TypeError, AttributeError, ValueError):
        return False
