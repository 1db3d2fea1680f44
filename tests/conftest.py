"""Shared fixtures: one real build of both editions per test run, served on localhost.

The suite runs on several pytest-xdist workers (``-n auto`` in pyproject.toml). Session fixtures
run once per worker, so what is expensive to make (a site build) is made once per *run* with
``shared()``: the first worker to ask builds it into a folder under pytest's base temp root,
under a file lock, and every other worker reuses it. Shared builds are read-only to tests.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from sikkerby_build import pipeline, printing
from sikkerby_build import validate as validate_stage

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


_SHARED_ROOT: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the whole run: the parent of the workers' own base temp folders."""
    global _SHARED_ROOT
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(parents=True, exist_ok=True)
    _SHARED_ROOT = root
    return root


def shared(name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name``, made by ``make(folder)`` once per test run, whichever worker asks first."""
    if _SHARED_ROOT is None:
        raise RuntimeError("shared() is for use inside tests and fixtures")
    target = _SHARED_ROOT / name
    with FileLock(str(_SHARED_ROOT / f"{name}.lock")):
        if not (target / ".complete").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            make(target)
            (target / ".complete").touch()
    return target


# ------------------------------------------------------------------ validation of unchanged data

_FRICTIONLESS_SEEN: dict[str, list] = {}


def _package_key(data_dir: Path, descriptor: dict) -> str | None:
    """A digest of the descriptor and every file it names; None when a file is not a local file."""
    digest = hashlib.sha256(json.dumps(descriptor, sort_keys=True, default=str).encode())
    for resource in descriptor.get("resources", []):
        path = resource.get("path")
        if not isinstance(path, str) or "://" in path:
            return None
        file = Path(data_dir) / path
        if not file.is_file():
            return None
        digest.update(path.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def _frictionless_once_per_package() -> Iterator[None]:
    """frictionless' package check (≈6 s of every validation) runs once per distinct package.

    It is a pure function of the descriptor and the files it names, so a package seen before in
    this worker (the unchanged real data in most tests) gets the same problems again; any changed
    byte is a new key and is checked for real. The project's own rules always run.
    """
    real = validate_stage._run_frictionless

    def run_frictionless(data_dir, descriptor, lines):
        try:
            key = _package_key(data_dir, descriptor)
        except (OSError, TypeError, ValueError):
            key = None
        if key is None:
            return real(data_dir, descriptor, lines)
        if key not in _FRICTIONLESS_SEEN:
            _FRICTIONLESS_SEEN[key] = real(data_dir, descriptor, lines)
        return copy.deepcopy(_FRICTIONLESS_SEEN[key])

    validate_stage._run_frictionless = run_frictionless
    yield
    validate_stage._run_frictionless = real


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path = ROOT) -> CliResult:
    """``sikkerby ARGS`` in this process (cli.main), with its exit code and what it printed.

    An exception escaping cli.main fails the test, as a traceback in a subprocess would."""
    from sikkerby_build import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 1
    return CliResult(code or 0, out.getvalue(), err.getvalue())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site_url() -> str:
    """The address the public site is served on, so Material's instant navigation is active.

    One port for the run (the shared build has it in its sitemap); the tests that serve it are
    kept on one worker (see pytest_collection_modifyitems)."""
    folder = shared("site-url", lambda f: (f / "url").write_text(f"http://127.0.0.1:{_free_port()}/", encoding="utf-8"))
    return (folder / "url").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(site_url: str) -> Path:
    """Both editions of the real data, built once per run: the folder with public/ and internal/ (read-only)."""
    return shared("real-site", lambda f: pipeline.build("all", DATA, f / "out", CONTENT, site_url=site_url)) / "out"


SERVED = "served-site"  # the xdist group of the tests that serve the public site on site_url's port


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that serve the shared public site on its one port run on one worker."""
    for item in items:
        if "public_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(SERVED))


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
