"""Shared fixtures: one real build of both editions per test session, served on localhost."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sikkerby_build import pipeline, printing

# Every build in the test session skips the PDF step (≈80 s per edition); the PDF tests print
# the few documents they check themselves (tests/test_pdf.py).
os.environ.setdefault("SIKKERBY_PDF", "off")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CONTENT = ROOT / "content"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site_url() -> str:
    """The address the public site is served on, so Material's instant navigation is active."""
    return f"http://127.0.0.1:{_free_port()}/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, site_url: str) -> Path:
    """Both editions of the real data, built once: returns the folder with public/ and internal/."""
    out = tmp_path_factory.mktemp("site")
    pipeline.build("all", DATA, out, CONTENT, site_url=site_url)
    return out


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the real data package and content, for tests that change data."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    shutil.copytree(CONTENT, target / "content")
    return target


def _serve(directory: Path, port: int = 0) -> Iterator[str]:
    with printing.serve(directory, port) as base:  # the same loopback server the PDF step uses
        yield base


@pytest.fixture(scope="session")
def public_url(built_site: Path, site_url: str) -> Iterator[str]:
    yield from _serve(built_site / "public", int(site_url.rsplit(":", 1)[1].strip("/")))


@pytest.fixture(scope="session")
def internal_url(built_site: Path) -> Iterator[str]:
    yield from _serve(built_site / "internal")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh --test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
