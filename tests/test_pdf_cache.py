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
