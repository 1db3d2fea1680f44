"""Stage: printing. The built site -> PDFs of its documents (fact sheets, annual reports).

Entry point: ``print_pdfs(site_dir, jobs, progress, cache, date) -> list[Path]`` (or
``print_documents`` for the counts); runs after the engine and before the audit, so the audit
reads the PDFs' text too.

**Only what changed is printed** (``PdfCache``): a printed PDF is kept in a content-addressed
cache (the project's ``.cache/pdf/``, or ``$XDG_CACHE_HOME/sikkerby/pdf`` when the project folder
is not writable; ``SIKKERBY_CACHE_DIR`` sets it, ``SIKKERBY_CACHE=off`` switches it off). Each
entry is signed with this machine's key (``cachekey.py``): entries that arrive with the project
are not trusted. An
entry is found by the page's HTML, its address and the print settings (options, viewport,
scripts, Chromium and Playwright versions) and holds the list of every file the page loaded
while it was printed (style sheets, scripts, plotly, images) with their SHA-256: it is reused
only when each of those files is still the same. Entries are shared by builds and editions.

**In parallel**: what is not in the cache is printed by one Chromium with several tabs at once
(``workers``: the cores, at most 4; ``SIKKERBY_PDF_WORKERS`` overrides), for both editions
together (``print_sites``); each tab prints document after document, its storage cleared between.

**Reproducible**: Chromium writes the clock into ``/CreationDate`` and ``/ModDate`` and numbers
the tagged structure's ``/ID``s from a counter its renderer shares between tabs. Both are
rewritten in place with strings of the same length (no offset moves): the IDs by rank (the same
document gets the same IDs whichever tab printed it, in whatever order), the dates from the data
(``data_date``: ``SOURCE_DATE_EPOCH``, else the last commit that changed the data folder). A
build from cold and one from the cache write the same bytes.

The site is served on a loopback port and each page is printed with Chromium's print-to-PDF via
Playwright (Debian's ``/usr/bin/chromium``; a browser is never downloaded): A4, tagged (PDF/UA
structure), with an outline, the document's title and language set. Charts are drawn by the
site's own script before printing (``window.sikkerbyDrawAllCharts``), so the PDF holds vector
charts, not the "JavaScript" placeholder.

Optional step: when Playwright or Chromium is missing, a Danish message says so and the build
continues without PDFs, unless ``SIKKERBY_REQUIRE_PDF=1`` (CI sets it), which makes it an error.
``SIKKERBY_PDF=off`` skips the step on purpose (tests that print a few documents themselves).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import functools
import hashlib
import http.server
import json
import os
import re
import subprocess
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from . import cachekey
from .settings import available_cores, count_from_env

if TYPE_CHECKING:
    from playwright.async_api import PdfMargins, ProxySettings, Request, ViewportSize


class _PdfOptions(TypedDict):
    """The keyword arguments of ``PDF_OPTIONS`` for Playwright's ``page.pdf``."""

    format: str
    print_background: bool
    prefer_css_page_size: bool
    display_header_footer: bool
    header_template: str
    footer_template: str
    margin: PdfMargins


CHROMIUM = Path(os.environ.get("SIKKERBY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Nothing but the loopback servers: every other address goes to a proxy on a closed loopback port
# (the discard port) and fails there, IP literals and WebSockets included. Unlike request
# interception (Playwright's route), this keeps the browser's cache, so the theme's scripts and
# plotly are compiled once per tab, not once per document (measured: 18 % less time per batch of
# fact sheets). Chromium never sends loopback addresses through a proxy.
NO_NETWORK_PROXY: ProxySettings = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}
# A4 at 96 px/in is 794 px wide; minus the page margins (13 mm each side) the text column is
# ~700 px. Drawing the page at that width makes the charts exactly as wide as the printed column.
PRINT_VIEWPORT: ViewportSize = {"width": 700, "height": 1000}
PDF_OPTIONS: _PdfOptions = {
    "format": "A4",
    "print_background": True,
    "prefer_css_page_size": True,
    "display_header_footer": True,
    "header_template": "<span></span>",
    "footer_template": (
        '<div style="font-size:8px;width:100%;text-align:center;color:#444;font-family:sans-serif">'
        'Side <span class="pageNumber"></span> af <span class="totalPages"></span></div>'
    ),
    "margin": {"top": "14mm", "bottom": "16mm", "left": "13mm", "right": "13mm"},
}
CHART_TIMEOUT_MS = 30_000
# Scripts run in the page before printing (part of the cache key).
DRAW_CHARTS = "() => window.sikkerbyDrawAllCharts ? window.sikkerbyDrawAllCharts() : null"
CHARTS_DRAWN = "() => [...document.querySelectorAll('[data-sb-chart]')].every(el => el.hasAttribute('data-drawn'))"
# The PDF's title is the document's own heading, not the browser tab title.
TITLE_FROM_HEADING = "() => { const h = document.querySelector('article h1, .md-content h1'); if (h) document.title = h.textContent.trim(); }"
# Bump when anything else about printing changes what a PDF looks like: old cache entries then miss.
PRINT_FORMAT = 3  # 3: one tab prints document after document
MAX_WORKERS = 4

Progress = Callable[[str], None]


class PdfUnavailable(Exception):
    """The PDF tool is missing and PDFs are required (SIKKERBY_REQUIRE_PDF=1)."""


def switched_off() -> bool:
    """``SIKKERBY_PDF=off``: build without PDFs on purpose (tests that print only a few themselves)."""
    return os.environ.get("SIKKERBY_PDF", "").strip().lower() in {"0", "off", "false", "no", "nej"}


def required() -> bool:
    return os.environ.get("SIKKERBY_REQUIRE_PDF", "").strip().lower() in {"1", "true", "yes", "ja"}


def unavailable_reason() -> str | None:
    """Why PDFs cannot be made here (Danish), or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python-pakken playwright er ikke installeret (pip install playwright)"
    if not CHROMIUM.exists():
        return f"Chromium findes ikke på {CHROMIUM} (apt-get install chromium)"
    return None


def will_print() -> bool:
    """Whether this build makes PDFs (pages then link them); a required but missing tool is an error."""
    if switched_off():
        return False
    reason = unavailable_reason()
    if reason and required():
        raise PdfUnavailable(f"PDF'erne kan ikke laves: {reason}. SIKKERBY_REQUIRE_PDF er sat, så bygningen stopper.")
    return reason is None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(site_dir: Path, port: int = 0) -> Iterator[str]:
    """The built site on a loopback port (a free one by default), for as long as the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _quiet(_: str) -> None:
    pass


# ---------------------------------------------------------------- reproducible bytes

_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
_NODE_ID = re.compile(rb"\(node(\d+)\)")
PLACEHOLDER_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def canonical_ids(pdf: bytes) -> bytes:
    """Chromium's structure ``/ID (node00000576)`` numbers renumbered by rank, at the same width."""
    ids = sorted({m.group(1) for m in _NODE_ID.finditer(pdf)}, key=int)
    rank = {old: b"%0*d" % (len(old), n) for n, old in enumerate(ids, 1)}
    return _NODE_ID.sub(lambda m: b"(node" + rank[m.group(1)] + b")", pdf)


def stamp_dates(pdf: bytes, when: dt.datetime) -> bytes:
    """``/CreationDate`` and ``/ModDate`` set to ``when`` (UTC), written at the same length."""
    digits = when.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S").encode()

    def replace(m: re.Match[bytes]) -> bytes:
        zone = m.group(3)
        fixed = b"+00'00'" if len(zone) == 7 else (b"Z" + b" " * (len(zone) - 1) if zone else b"")
        return b"/" + m.group(1) + b" (D:" + digits + fixed + b")"

    return _DATE.sub(replace, pdf)


def data_date(data_dir: Path) -> dt.datetime:
    """The PDFs' date, from the data: ``SOURCE_DATE_EPOCH`` if set, else the time of the last commit
    that changed the data folder, else the epoch. Never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        try:
            epoch = subprocess.run(
                ["git", "-C", str(data_dir), "log", "-1", "--format=%ct", "--", "."],
                capture_output=True, text=True, check=True, timeout=30,
            ).stdout.strip()  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    try:
        return dt.datetime.fromtimestamp(int(epoch or 0), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return PLACEHOLDER_DATE


# ---------------------------------------------------------------- the cache


def cache_dir(project: Path) -> Path | None:
    """Where printed PDFs are kept: ``pdf`` in the build's cache folder (``cachekey.cache_root``)."""
    root = cachekey.cache_root(project)
    return root / "pdf" if root is not None else None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def _tool_identity() -> str:
    """Chromium's binary (path, size, time) and Playwright's version: a browser update misses the cache."""
    binaries = (CHROMIUM, CHROMIUM.resolve(), Path("/usr/lib/chromium/chromium"))
    return "|".join([*cachekey.file_identity(*binaries), *cachekey.distribution_identity("playwright")])


def print_settings() -> str:
    """Everything besides the page that decides what a PDF looks like."""
    return json.dumps(
        {
            "format": PRINT_FORMAT, "viewport": PRINT_VIEWPORT, "pdf": PDF_OPTIONS, "locale": "da-DK",
            "scripts": [DRAW_CHARTS, CHARTS_DRAWN, TITLE_FROM_HEADING], "tools": _tool_identity(),
        },
        sort_keys=True,
    )  # fmt: skip


class SiteFiles:
    """The built site's files by address, each hashed at most once per build."""

    def __init__(self, site_dir: Path):
        self.root = site_dir
        self._hashes: dict[str, str] = {}

    def file(self, address: str) -> Path:
        path = urllib.parse.unquote(urllib.parse.urlsplit(address).path).lstrip("/")
        target = self.root / path
        if path == "" or path.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target

    def digest(self, address: str) -> str:
        if address not in self._hashes:
            try:
                self._hashes[address] = _sha256(self.file(address).read_bytes())
            except OSError:
                self._hashes[address] = "missing"
        return self._hashes[address]


def _manifest_bytes(pdf_digest: str, deps: dict[str, str]) -> bytes:
    return json.dumps({"pdf": pdf_digest, "deps": deps}, sort_keys=True).encode()


@dataclass
class PdfCache:
    """Printed PDFs by what their page depends on (see the module docstring)."""

    root: Path

    def key(self, address: str, html: bytes) -> str:
        return _sha256(b"\0".join([print_settings().encode(), address.encode(), html]))

    def _entry(self, key: str) -> Path:
        return self.root / key[:2] / key

    def lookup(self, key: str, files: SiteFiles) -> bytes | None:
        entry = self._entry(key)
        try:
            manifest = json.loads((entry / "deps.json").read_text(encoding="utf-8"))
            if not cachekey.verify(manifest.get("mac"), key.encode(), _manifest_bytes(manifest["pdf"], manifest["deps"])):
                return None  # not written by a build on this machine (e.g. a committed .cache/)
            if any(files.digest(address) != digest for address, digest in manifest["deps"].items()):
                return None
            pdf = (entry / "document.pdf").read_bytes()
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            return None
        return pdf if _sha256(pdf) == manifest.get("pdf") else None

    def store(self, key: str, pdf: bytes, deps: dict[str, str]) -> None:
        """Best effort: a cache that cannot be written only means printing again next time."""
        entry = self._entry(key)
        digest = _sha256(pdf)
        mac = cachekey.sign(key.encode(), _manifest_bytes(digest, deps))
        if mac is None:
            return
        manifest = json.dumps({"pdf": digest, "deps": deps, "mac": mac}, sort_keys=True, indent=0).encode()
        try:
            for name, data in (("document.pdf", pdf), ("deps.json", manifest)):
                cachekey.write_file(entry / name, data)
        except OSError:
            pass


# ---------------------------------------------------------------- printing


@dataclass
class PrintResult:
    written: list[Path] = field(default_factory=list)
    printed: int = 0  # by Chromium in this build
    reused: int = 0  # from the cache


def workers() -> int:
    """Tabs printing at once: the cores (at most ``MAX_WORKERS``), or ``SIKKERBY_PDF_WORKERS``."""
    wanted = count_from_env("SIKKERBY_PDF_WORKERS")
    if wanted is not None:
        return wanted
    return max(1, min(MAX_WORKERS, available_cores()))


def print_pdfs(
    site_dir: Path,
    jobs: list[tuple[str, str]],
    progress: Progress = _quiet,
    cache: PdfCache | None = None,
    date: dt.datetime | None = None,
    tabs: int | None = None,
) -> list[Path]:
    """Print each ``(page address, pdf path)`` of the built site in ``site_dir``; returns the PDFs.

    Page addresses and PDF paths are relative to the site root (``urls.print_jobs``).
    """
    return print_documents(site_dir, jobs, progress, cache, date, tabs).written


def print_documents(
    site_dir: Path,
    jobs: list[tuple[str, str]],
    progress: Progress = _quiet,
    cache: PdfCache | None = None,
    date: dt.datetime | None = None,
    tabs: int | None = None,
) -> PrintResult:
    """``print_pdfs`` with the counts: how many were printed and how many came from the cache."""
    return print_sites([PrintSite(site_dir, jobs, progress)], cache, date, tabs)[0]


@dataclass
class PrintSite:
    """One built site (an edition) and its documents to print, with its own progress lines."""

    site_dir: Path
    jobs: list[tuple[str, str]]
    progress: Progress = _quiet


def _skip_reason() -> str | None:
    """Why nothing is printed (said on every site's progress), or None; raises when PDFs are required."""
    if switched_off():
        return "PDF'er springes over (SIKKERBY_PDF=off)."
    reason = unavailable_reason()
    if reason and required():
        raise PdfUnavailable(f"PDF'erne kan ikke laves: {reason}. SIKKERBY_REQUIRE_PDF er sat, så bygningen stopper.")
    return f"PDF'er springes over: {reason}. Sitet bygges uden faktaark og rapporter som PDF." if reason else None


def print_sites(
    sites: list[PrintSite],
    cache: PdfCache | None = None,
    date: dt.datetime | None = None,
    tabs: int | None = None,
) -> list[PrintResult]:
    """The documents of several sites (both editions) printed by one Chromium: what is not in the
    cache is shared out over ``tabs`` tabs (one browser with two tabs prints twice as fast as two
    browsers with one tab each on two cores; two browsers with two tabs each are slower still)."""
    results = [PrintResult() for _ in sites]
    if not any(site.jobs for site in sites):
        return results
    skip = _skip_reason()
    if skip:
        for site in sites:
            if site.jobs:
                site.progress(skip)
        return results
    when = date or PLACEHOLDER_DATE
    files = [SiteFiles(site.site_dir) for site in sites]
    todo: list[tuple[int, str, str, str]] = []  # (site, address, pdf, cache key)
    for index, site in enumerate(sites):
        for address, pdf in site.jobs:
            key = cache.key(address, files[index].file(address).read_bytes()) if cache else ""
            cached = cache.lookup(key, files[index]) if cache else None
            if cached is not None:
                _write(site.site_dir / pdf, stamp_dates(cached, when))
                results[index].reused += 1
            else:
                todo.append((index, address, pdf, key))
    if todo:
        # Playwright refuses to run where an asyncio loop is already running (e.g. a test session
        # that drives a browser): the printing gets a thread and an event loop of its own.
        count = min(len(todo), tabs or workers())
        site_dirs = [site.site_dir for site in sites]
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
            printed = thread.submit(asyncio.run, _print_all(site_dirs, [(i, a, p) for i, a, p, _ in todo], count)).result()
        for index, address, pdf, key in todo:
            raw, requested = printed[(index, pdf)]
            canonical = stamp_dates(canonical_ids(raw), PLACEHOLDER_DATE)
            if cache:
                deps = {r: files[index].digest(r) for r in sorted(requested | {address})}
                cache.store(key, canonical, deps)
            _write(sites[index].site_dir / pdf, stamp_dates(canonical, when))
            results[index].printed += 1
    for site, result in zip(sites, results, strict=True):
        result.written = [site.site_dir / pdf for _, pdf in site.jobs]
        if site.jobs:
            reused = f", {result.reused} genbrugt fra cachen" if cache else ""
            site.progress(f"{len(result.written)} PDF'er: {result.printed} printet{reused}.")
    return results


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


# Between two documents in the same tab: the previous one's storage goes (the DOM and scripts go
# with the navigation itself).
FORGET_DOCUMENT = "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"


async def _print_all(site_dirs: list[Path], jobs: list[tuple[int, str, str]], tabs: int) -> dict[tuple[int, str], tuple[bytes, set[str]]]:
    """Print ``jobs`` (site index, address, pdf) with ``tabs`` tabs at once, each site on its own
    loopback port; per (site, pdf) its bytes and the site addresses it loaded.

    Each tab prints one document after another (a new tab per document costs three times as
    much: 0.65 s against 0.23 s per fact sheet, measured)."""
    from playwright.async_api import async_playwright

    results: dict[tuple[int, str], tuple[bytes, set[str]]] = {}
    queue = list(jobs)
    with contextlib.ExitStack() as servers:
        bases = [servers.enter_context(serve(site_dir)) for site_dir in site_dirs]
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, proxy=NO_NETWORK_PROXY)
            try:
                context = await browser.new_context(viewport=PRINT_VIEWPORT, locale="da-DK", service_workers="block")

                async def tab() -> None:
                    page = await context.new_page()
                    await page.emulate_media(media="print")
                    requested: set[str] = set()
                    base = ""

                    def note(r: Request) -> None:
                        if base and r.url.startswith(base):
                            requested.add(r.url[len(base) :])

                    page.on("request", note)
                    try:
                        while queue:
                            index, address, pdf = queue.pop(0)
                            requested = set()
                            base = bases[index]
                            await page.goto(base + address, wait_until="load")
                            await page.evaluate(DRAW_CHARTS)
                            await page.wait_for_function(CHARTS_DRAWN, timeout=CHART_TIMEOUT_MS)
                            await page.evaluate(TITLE_FROM_HEADING)
                            data = await page.pdf(tagged=True, outline=True, **PDF_OPTIONS)
                            results[(index, pdf)] = (data, requested)
                            await page.evaluate(FORGET_DOCUMENT)
                    finally:
                        await page.close()

                await asyncio.gather(*(tab() for _ in range(tabs)))
            finally:
                await browser.close()
    return results
