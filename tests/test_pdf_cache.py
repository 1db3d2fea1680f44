"""PDFs printed in parallel and from the cache are the same bytes as cold prints (issue 16 item 1,
issue 17 item 10), in real Chromium on the session's built site."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from sikkerby_build import printing, urls

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DATE = dt.datetime(2020, 3, 1, tzinfo=dt.UTC)
PAGES = ["faktaark/sjakket.md", "faktaark/ssp.md", "faktaark/nexus.md"]


@pytest.fixture
def site(built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SIKKERBY_PDF", raising=False)  # the session builds without PDFs; this prints
    copy = tmp_path / "public"
    shutil.copytree(built_site / "public", copy)
    return copy


def test_cold_parallel_and_cached_prints_are_identical(site: Path, tmp_path: Path) -> None:
    jobs = urls.print_jobs(PAGES)
    one = printing.print_documents(site, jobs, cache=printing.PdfCache(tmp_path / "c1"), date=DATE, tabs=1)
    first = {p.name: p.read_bytes() for p in one.written}
    two = printing.print_documents(site, jobs, cache=printing.PdfCache(tmp_path / "c2"), date=DATE, tabs=3)
    assert (one.printed, two.printed) == (3, 3)
    assert {p.name: p.read_bytes() for p in two.written} == first  # another cold run, three tabs at once
    for p in two.written:
        p.unlink()
    again = printing.print_documents(site, jobs, cache=printing.PdfCache(tmp_path / "c2"), date=DATE)
    assert (again.printed, again.reused) == (0, 3)
    assert {p.name: p.read_bytes() for p in again.written} == first
    assert all(b"(D:20200301000000+00'00')" in pdf for pdf in first.values())


def test_a_changed_style_sheet_prints_again(site: Path, tmp_path: Path) -> None:
    jobs = urls.print_jobs(PAGES[:1])
    cache = printing.PdfCache(tmp_path / "c")
    assert printing.print_documents(site, jobs, cache=cache, date=DATE).printed == 1
    css = site / "assets" / "stylesheets" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.1em; }\n", encoding="utf-8")
    assert printing.print_documents(site, jobs, cache=cache, date=DATE).printed == 1
    assert printing.print_documents(site, jobs, cache=cache, date=DATE).reused == 1


def test_printing_sends_no_request_beyond_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A printed page that asks for an image, a style sheet, a script fetch and a WebSocket on
    another host gets none of them: the print browser's only way out is a proxy on a closed
    port. The "other host" is a name Chromium is told to resolve to a loopback server of the
    test's own, so a request that left would be seen there; the same page in a browser without
    the proxy does reach it (the test can fail)."""
    import http.server
    import threading

    seen: list[str] = []

    class ThirdParty(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ThirdParty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    other = f"http://thirdparty.test:{server.server_address[1]}"
    site = tmp_path / "site"
    site.mkdir()
    (site / "side.html").write_text(
        f'<!doctype html><html lang="da"><head><title>Side</title><link rel="stylesheet" href="{other}/style.css"></head>'
        f'<body><h1>Side</h1><img src="{other}/billede.png" alt="">'
        f'<script>fetch("{other}/fetch").catch(() => {{}}); try {{ new WebSocket("ws://thirdparty.test:{server.server_address[1]}/ws"); }} catch (e) {{}}</script>'
        "</body></html>",
        encoding="utf-8",
    )
    monkeypatch.setattr(
        printing, "CHROMIUM_ARGS", [*printing.CHROMIUM_ARGS, "--host-resolver-rules=MAP thirdparty.test 127.0.0.1"]
    )
    try:
        printed = _in_own_thread(printing._print_all([site], [(0, "side.html", "side.pdf")], 1))
        assert printed[(0, "side.pdf")][0].startswith(b"%PDF")
        assert seen == []

        async def without_proxy() -> None:  # the control: the same page, the same rule, no proxy
            from playwright.async_api import async_playwright

            with printing.serve(site) as base:
                async with async_playwright() as p:
                    browser = await p.chromium.launch(executable_path=str(printing.CHROMIUM), args=printing.CHROMIUM_ARGS)
                    page = await browser.new_page()
                    await page.goto(base + "side.html", wait_until="load")
                    await page.wait_for_timeout(200)
                    await browser.close()

        _in_own_thread(without_proxy())
        assert "/billede.png" in seen
    finally:
        server.shutdown()
        server.server_close()


def _in_own_thread(coroutine):
    """Run ``coroutine`` on an event loop of its own thread (a worker that drives the sync browser
    fixture has a loop running in its main thread), as printing.print_sites does."""
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
