"""Stage: engine. The staging folder + mkdocs.yml -> a site, via MkDocs Material.

Entry point: ``build_site(staging, edition, site_dir, rendered, settings)``. This is the only
module that knows MkDocs and Material: it turns render's neutral results into MkDocs' files
(``includes/abbreviations.md`` for Material's tooltips, ``figures.yml`` for mkdocs-macros, the
``nav`` of the per-edition config) and page metadata (``hide``, ``render_macros``). Replacing the
site engine means replacing this file.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from .. import cachekey, urls
from ..render.page import Page, RenderResult
from ..sanitize import tooltip_text
from ..settings import TOOL_ROOT, Settings
from . import page_cache


class EngineFailed(Exception):
    pass


def source_date_epoch() -> str:
    """Pin dates in the output (sitemap lastmod) to the last commit, for byte-identical builds."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "-C", str(TOOL_ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


class _Collector(logging.Handler):
    """Keeps MkDocs' warnings: in strict mode it aborts with only "Aborted with N warnings"."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def engine_failure_message(edition: str, reason: str, warnings: list[str]) -> str:
    """The warnings that made MkDocs stop, each with the page it names (a staged path = the site path)."""
    lines = [f"MkDocs kunne ikke bygge {edition}-udgaven: {reason}"]
    lines += [f"  - {' '.join(w.split())}" for w in warnings[:30]]
    if len(warnings) > 30:
        lines.append(f"  … og {len(warnings) - 30} flere.")
    return "\n".join(lines)


def adapt_meta(meta: dict[str, Any], page: Page) -> dict[str, Any]:
    """Render's neutral page metadata -> Material's and mkdocs-macros' front matter keys."""
    adapted = dict(meta)
    if page.layout == "landing":
        adapted["hide"] = ["toc"]
    if page.layout == "print":  # documents (fact sheets, reports): no side navigation, not in search
        adapted["hide"] = ["navigation", "toc"]
        adapted["search"] = {"exclude": True}
    if page.live_figures:
        adapted["render_macros"] = True
    return adapted


def mkdocs_nav(items: list[urls.NavItem], existing: set[str] | None = None) -> list[Any]:
    """The site's navigation in mkdocs.yml's format (a section's index page as a bare path).

    Entries for pages this build did not produce (e.g. a project without an about page) are left out.
    """
    out: list[Any] = []
    for item in items:
        if item.children:
            children = mkdocs_nav(list(item.children), existing)
            if children:
                out.append({item.title: children})
        elif existing is not None and item.path not in existing:
            continue
        elif item.title is None:
            out.append(item.path)
        else:
            out.append({item.title: item.path})
    return out


# A glossary term becomes a line "*[term]: definition" appended to every page: a term with a
# line break, a bracket or markup would turn that line into page content. Terms are validated
# by the data package's pattern; here anything else is left out rather than trusted.
_SAFE_TERM = re.compile(r"^[\w][\w .,'’/+&–-]*$")


def abbreviation_line(term: str, definition: str) -> str | None:
    """One line of Python-Markdown's abbr syntax, or None when the term is not plain text."""
    if not _SAFE_TERM.match(term) or len(term) > 80:
        return None
    plain = tooltip_text(definition)
    return f"*[{term}]: {plain}"


class PythonName(str):
    """A Python callable named in mkdocs.yml (``!!python/name:``), e.g. the blog's slugify."""


class _ConfigDumper(yaml.SafeDumper):
    pass


_ConfigDumper.add_representer(PythonName, lambda dumper, name: dumper.represent_scalar(f"tag:yaml.org,2002:python/name:{name}", ""))


def dump_config(config: dict[str, Any]) -> str:
    return yaml.dump(config, Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False)


def _blog_addresses(config: dict[str, Any]) -> None:
    """Blog post and category addresses in ASCII (æ→ae, ø→oe, å→aa), as ``urls.news_url`` expects."""
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and isinstance(plugin.get("blog"), dict):
            plugin["blog"]["post_slugify"] = PythonName("sikkerby_build.urls.slugify")
            plugin["blog"]["categories_slugify"] = PythonName("sikkerby_build.urls.slugify")


def write_engine_files(staging: Path, rendered: RenderResult) -> None:
    """Glossary tooltips (Material's abbr via snippets auto-append) and live figures (macros)."""
    lines = [line for a in rendered.abbreviations if (line := abbreviation_line(a.term, a.definition))]
    (staging / "includes").mkdir(exist_ok=True)
    # One definition per block: Python-Markdown re-tests every block processor on the rest of a
    # block after each definition, so one block of N lines costs N² (0.12 s on every page).
    (staging / "includes" / "abbreviations.md").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    figures = yaml.safe_dump({"figures": rendered.figures}, allow_unicode=True, sort_keys=True)
    (staging / "figures.yml").write_text(figures, encoding="utf-8")


def edition_config(
    staging: Path, edition: str, site_dir: Path, rendered: RenderResult, settings: Settings
) -> dict[str, Any]:
    """The base mkdocs.yml with the edition's overlay (extra.editions.<edition>) and the nav merged in."""
    config = yaml.safe_load(settings.mkdocs_config.read_text(encoding="utf-8"))
    overlay = copy.deepcopy(config["extra"]["editions"][edition])
    config["extra"]["edition"] = edition
    config["site_name"] = overlay.pop("site_name", config["site_name"])
    nav = urls.site_nav(rendered.report_years, rendered.nav_pages, internal=edition == "internal")
    config["nav"] = mkdocs_nav(nav, set(rendered.pages))
    if settings.site_url is not None:
        config["site_url"] = settings.site_url
    config["docs_dir"] = str(staging / "docs")
    config["site_dir"] = str(site_dir)
    config["theme"]["custom_dir"] = str(settings.theme)
    _blog_addresses(config)
    config["extra"]["share_image"] = urls.SHARE_IMAGE  # the theme's og:image and feed link
    config["extra"]["news_feed"] = urls.NEWS_FEED
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(staging / "includes")]
    return config


@contextmanager
def _temporary_files_in(folder: Path) -> Iterator[None]:
    """Python's temporary files inside ``folder`` while the engine runs.

    Material's blog plugin makes a temporary folder for its category pages when MkDocs loads the
    configuration and removes it only on shutdown: a build that is killed would leave it in /tmp.
    Inside the staging folder it goes when the staging folder goes (or with the next sweep)."""
    folder.mkdir(parents=True, exist_ok=True)
    previous = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = previous


@contextmanager
def _plugins_of_this_build() -> Iterator[None]:
    """New plugin instances for this build, forgotten after it.

    MkDocs keeps one instance per process of every plugin with ``on_startup``/``on_shutdown``
    (Material's blog) and hands it to each later ``load_config``: the blog plugin's temporary
    folder, made once inside the first build's staging folder, then received every later
    build's category pages, and its state carried from one build (or edition) to the next."""
    from mkdocs.config.config_options import Plugins
    from mkdocs.config.defaults import MkDocsConfig

    option = dict(MkDocsConfig._schema)["plugins"]
    cache = option.plugin_cache if isinstance(option, Plugins) else {}
    cache.clear()
    try:
        yield
    finally:
        cache.clear()


def build_site(staging: Path, edition: str, site_dir: Path, rendered: RenderResult, settings: Settings, quiet: bool = True) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    write_engine_files(staging, rendered)
    config_file = staging / "mkdocs.yml"
    config_file.write_text(
        dump_config(edition_config(staging, edition, site_dir, rendered, settings)),
        encoding="utf-8",
    )
    logger = logging.getLogger("mkdocs")
    previous = logger.level
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    warnings = _Collector()
    logger.addHandler(warnings)
    root = cachekey.cache_root(settings.project)
    converted = page_cache.RenderedPages(root / "pages" / f"{edition}.json" if root is not None else None, staging / "includes")
    try:
        with _temporary_files_in(staging / ".engine-tmp"), converted.installed(), _plugins_of_this_build():
            config = load_config(config_file=str(config_file))
            config.plugins.on_startup(command="build", dirty=False)  # as ``mkdocs build`` does
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()  # the blog plugin removes its temporary folder
        converted.save()  # only after a build that succeeded
    except (Abort, ConfigurationError) as exc:
        raise EngineFailed(engine_failure_message(edition, str(exc), warnings.messages)) from exc
    finally:
        logger.removeHandler(warnings)
        logger.setLevel(previous)
    _neutralise_third_party_loaders(site_dir)
    if edition == "internal":
        # Staff pages are not for search engines: the sitemap lists no page (Material's instant
        # navigation requests the file, so it stays, empty) and robots.txt disallows everything.
        (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
        (site_dir / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n',
            encoding="utf-8",
        )
        (site_dir / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")


# Material's bundle can load two scripts from unpkg.com: a ResizeObserver polyfill (only in
# browsers from before 2020) and mermaid (only on pages with mermaid diagrams, which we never
# have). Neither is ever requested by our pages, but no output file may name a third-party
# host, so both URLs are replaced by an empty inline script.
_UNPKG_LOADERS = ("https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@11/dist/mermaid.min.js")


def _neutralise_third_party_loaders(site_dir: Path) -> None:
    for bundle in (site_dir / "assets" / "javascripts").glob("bundle.*.min.js"):
        text = bundle.read_text(encoding="utf-8")
        for url in _UNPKG_LOADERS:
            text = text.replace(url, "data:text/javascript,")
        bundle.write_text(text, encoding="utf-8")
    # Material's base.html puts autocomplete="off" on its two checkbox toggles, which the W3C
    # checker rejects (autocomplete is not allowed on checkboxes).
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text.replace('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"').replace(
            'type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"'
        )
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    # Source maps are for theme developers; they quote the original URLs and weigh ~1 MB.
    for source_map in site_dir.rglob("*.map"):
        source_map.unlink()
    for asset in list(site_dir.rglob("*.js")) + list(site_dir.rglob("*.css")):
        text = asset.read_text(encoding="utf-8")
        stripped = re.sub(r"\n?/[/*]# sourceMappingURL=[^\n]*", "", text)
        if stripped != text:
            asset.write_text(stripped, encoding="utf-8")


class PreviewLog(logging.Handler):
    """The preview's console: our own short Danish lines; MkDocs' messages only when it reports a
    problem, errors before warnings, once per rebuild. Its routine lines are dropped."""

    NOISE = ("A 'dirty' build is being performed",)

    def __init__(self, write: Any = None) -> None:
        super().__init__(logging.INFO)
        self.write = write or (lambda line: print(line, file=sys.stderr, flush=True))
        self.pending: list[logging.LogRecord] = []
        self.builds = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", record.getMessage())  # the dev server's time stamps
        if record.levelno >= logging.WARNING:
            if not message.startswith(self.NOISE):
                self.pending.append(record)
            if record.levelno >= logging.ERROR and " built in " not in message:
                self.flush_problems()
            return
        if message.startswith("Documentation built in"):
            self.flush_problems()
            seconds = message.rsplit(" in ", 1)[-1].replace(" seconds", " s")
            self.builds += 1
            self.write(f"sikkerby: forhåndsvisningen er {'bygget' if self.builds == 1 else 'opdateret'} ({seconds}).")
        elif message.startswith("Serving on "):
            url = message.split()[2]
            self.write(f"sikkerby: forhåndsvisning på {url} – ændringer i content/ og data/ vises automatisk. Stop med Ctrl-C.")

    def flush_problems(self) -> None:
        records, self.pending = self.pending, []
        if not records:
            return
        errors = [r for r in records if r.levelno >= logging.ERROR]
        warnings = [r for r in records if r.levelno < logging.ERROR]
        self.write(f"sikkerby: MkDocs meldte {len(errors)} fejl og {len(warnings)} advarsler:")
        for r in errors + warnings:
            kind = "FEJL" if r.levelno >= logging.ERROR else "ADVARSEL"
            lines = r.getMessage().strip().splitlines() or [""]
            self.write(f"  {kind}: {lines[0]}")
            for line in lines[1:]:
                self.write(f"    {line}")
            if r.exc_info and r.exc_info[1] is not None:
                self.write(f"    {type(r.exc_info[1]).__name__}: {r.exc_info[1]}")


def serve(staging: Path, edition: str, port: int, rendered: RenderResult, settings: Settings) -> None:
    """Live-reloading preview of an edition (MkDocs' dev server on the staging folder)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.serve import serve as mkdocs_serve

    write_engine_files(staging, rendered)
    config = edition_config(staging, edition, staging / "site", rendered, settings)
    # A preview must survive warnings (MkDocs warns about every dirty rebuild); the real build is strict.
    config["strict"] = False
    config["hooks"] = [str(Path(__file__).with_name("serve_hooks.py"))]  # titles in dirty rebuilds
    config_file = staging / "mkdocs.yml"
    config_file.write_text(dump_config(config), encoding="utf-8")
    logger = logging.getLogger("mkdocs")
    console = PreviewLog()
    logger.addHandler(console)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        # "dirty": rebuild only the pages whose staged files changed (render leaves the rest untouched)
        with _temporary_files_in(staging / ".engine-tmp"), _plugins_of_this_build():
            mkdocs_serve(config_file=str(config_file), dev_addr=f"127.0.0.1:{port}", livereload=True, build_type="dirty")
    finally:
        logger.removeHandler(console)
        logger.propagate = True


class _Material:
    """MkDocs Material as an ``engine.Engine``."""

    name = "MkDocs Material"
    adapt_meta = staticmethod(adapt_meta)
    write_engine_files = staticmethod(write_engine_files)
    build_site = staticmethod(build_site)
    serve = staticmethod(serve)


MATERIAL = _Material()
