"""Stage: printing. The built site -> PDFs of its documents (fact sheets, annual reports).

Entry point: ``print_pdfs(site_dir, jobs, progress) -> list[Path]``; runs after the engine and
before the audit, so the audit reads the PDFs' text too.

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

import concurrent.futures
import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path(os.environ.get("SIKKERBY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# A4 at 96 px/in is 794 px wide; minus the page margins (13 mm each side) the text column is
# ~700 px. Drawing the page at that width makes the charts exactly as wide as the printed column.
PRINT_VIEWPORT = {"width": 700, "height": 1000}
PDF_OPTIONS = {
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


def print_pdfs(site_dir: Path, jobs: list[tuple[str, str]], progress: Progress = _quiet) -> list[Path]:
    """Print each ``(page address, pdf path)`` of the built site in ``site_dir``; returns the PDFs.

    Page addresses and PDF paths are relative to the site root (``urls.print_jobs``).
    """
    if not jobs:
        return []
    if switched_off():
        progress("PDF'er springes over (SIKKERBY_PDF=off).")
        return []
    reason = unavailable_reason()
    if reason:
        if required():
            raise PdfUnavailable(f"PDF'erne kan ikke laves: {reason}. SIKKERBY_REQUIRE_PDF er sat, så bygningen stopper.")
        progress(f"PDF'er springes over: {reason}. Sitet bygges uden faktaark og rapporter som PDF.")
        return []
    # Playwright's sync API refuses to run where an asyncio loop is running (e.g. a test session
    # that already drives a browser): the printing gets a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        written = worker.submit(_print_all, site_dir, jobs).result()
    progress(f"{len(written)} PDF'er skrevet.")
    return written


def _print_all(site_dir: Path, jobs: list[tuple[str, str]]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PRINT_VIEWPORT, locale="da-DK", service_workers="block")
            # Nothing but the site itself: a request to any other host is refused.
            context.route(lambda url: not url.startswith(base), lambda route: route.abort())
            page = context.new_page()
            for address, pdf in jobs:
                target = site_dir / pdf
                target.parent.mkdir(parents=True, exist_ok=True)
                page.goto(base + address, wait_until="load")
                page.emulate_media(media="print")
                page.evaluate("() => window.sikkerbyDrawAllCharts ? window.sikkerbyDrawAllCharts() : null")
                page.wait_for_function(
                    "() => [...document.querySelectorAll('[data-sb-chart]')].every(el => el.hasAttribute('data-drawn'))",
                    timeout=CHART_TIMEOUT_MS,
                )
                # The PDF's title is the document's own heading, not the browser tab title.
                page.evaluate("() => { const h = document.querySelector('article h1, .md-content h1'); if (h) document.title = h.textContent.trim(); }")
                page.pdf(path=str(target), tagged=True, outline=True, **PDF_OPTIONS)
                written.append(target)
        finally:
            browser.close()
    return written
