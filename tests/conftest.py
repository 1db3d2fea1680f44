"""Shared fixtures: one real build of both editions per test run, served on localhost.

The suite runs on several pytest-xdist workers (``-n auto`` in pyproject.toml). Session fixtures
run once per worker, so what is expensive to make (a site build) is made once per *run* with
``shared()``: the first worker to ask builds it into a folder under pytest's base temp root,
under a file lock, and every other worker reuses it. Shared builds are read-only to tests.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import hashlib
import io
import json
import os
import pickle
import shutil
import tempfile
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


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker more than the cores. A worker spends part of its time waiting
    (for a shared build another worker makes, for Chromium or a subprocess); the extra worker
    fills that time (measured on 2 cores: 2 workers 260 s, 3 workers 232 s, 4 workers 247 s).
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides when it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    return (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1) + 1


# In the environment, not a global: test modules import this file again as tests.conftest.
_SHARED_ROOT = "SIKKERBY_TEST_SHARED"


@pytest.fixture(scope="session", autouse=True)
def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the whole run: the parent of the workers' own base temp folders."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(parents=True, exist_ok=True)
    os.environ[_SHARED_ROOT] = str(root)
    return root


def shared(name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name``, made by ``make(folder)`` once per test run, whichever worker asks first."""
    if not os.environ.get(_SHARED_ROOT):
        raise RuntimeError("shared() is for use inside tests and fixtures")
    root = Path(os.environ[_SHARED_ROOT])
    target = root / name
    with FileLock(str(root / f"{name}.lock")):
        if not (target / ".complete").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            make(target)
            (target / ".complete").touch()
    return target


def scratch(prefix: str = "tmp-") -> Path:
    """A new empty folder under this run's pytest temp root (pytest keeps the last three runs and
    removes older ones), for helpers without ``tmp_path``: never a folder left behind in /tmp."""
    if not os.environ.get(_SHARED_ROOT):
        raise RuntimeError("scratch() is for use inside tests and fixtures")
    root = Path(os.environ[_SHARED_ROOT]).parent / "scratch"
    root.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=root))


# ------------------------------------------------------------------ validation of unchanged data

_FRICTIONLESS_SEEN: dict[str, list] = {}
_RESOURCE_SEEN: dict[str, object] = {}
_PACKAGE: dict[str, object] = {}  # the package being checked: its folder, descriptor and digest


def _file_digest(data_dir: Path, resource: dict) -> bytes | None:
    path = resource.get("path")
    if not isinstance(path, str) or "://" in path or not (Path(data_dir) / path).is_file():
        return None
    return path.encode() + b"\0" + hashlib.sha256((Path(data_dir) / path).read_bytes()).digest()


def _package_key(data_dir: Path, descriptor: dict) -> str | None:
    """A digest of the descriptor and every file it names; None when a file is not a local file."""
    digest = hashlib.sha256(json.dumps(descriptor, sort_keys=True, default=str).encode())
    for resource in descriptor.get("resources", []):
        file = _file_digest(data_dir, resource)
        if file is None:
            return None
        digest.update(file)
    return digest.hexdigest()


def _resource_key(name: str) -> str | None:
    """The package's descriptor, this resource's file and the files its foreign keys read."""
    data_dir, descriptor, package = _PACKAGE["data_dir"], _PACKAGE["descriptor"], _PACKAGE["key"]
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}  # type: ignore[union-attr]
    if name not in resources:
        return None
    read = {name} | {
        fk.get("reference", {}).get("resource") or name for fk in resources[name].get("schema", {}).get("foreignKeys", [])
    }
    digest = hashlib.sha256(f"{package}\0{name}".encode())
    for other in sorted(read):
        if other not in resources or (file := _file_digest(data_dir, resources[other])) is None:  # type: ignore[arg-type]
            return None
        digest.update(file)
    return digest.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def _frictionless_once_per_package() -> Iterator[None]:
    """frictionless' package check (≈6 s of every validation) runs once per distinct input.

    It is a pure function of the descriptor and the files it names: a package seen before in this
    worker (the unchanged real data of most tests) gets the same problems again, and in a changed
    package only the resources whose file, or a file their foreign keys read, changed are checked
    again; any changed byte is a new key and is checked for real. The project's own rules always run.
    """
    from frictionless.resource.resource import Resource

    real_run, real_validate = validate_stage._run_frictionless, Resource.validate

    def run_frictionless(data_dir, descriptor, lines):
        try:
            key = _package_key(data_dir, descriptor)
        except (OSError, TypeError, ValueError, AttributeError):
            key = None
        if key is None:
            return real_run(data_dir, descriptor, lines)
        stored = Path(os.environ[_SHARED_ROOT]) / "frictionless" / f"{key}.pickle" if os.environ.get(_SHARED_ROOT) else None
        if key not in _FRICTIONLESS_SEEN and stored is not None and stored.is_file():  # another worker's
            with contextlib.suppress(Exception):
                _FRICTIONLESS_SEEN[key] = pickle.loads(stored.read_bytes())
        if key not in _FRICTIONLESS_SEEN:
            _PACKAGE.update(
                data_dir=data_dir,
                descriptor=descriptor,
                key=hashlib.sha256(json.dumps(descriptor, sort_keys=True, default=str).encode()).hexdigest(),
            )
            try:
                _FRICTIONLESS_SEEN[key] = real_run(data_dir, descriptor, lines)
            finally:
                _PACKAGE.clear()
            if stored is not None:
                with contextlib.suppress(Exception):
                    stored.parent.mkdir(exist_ok=True)
                    temporary = stored.with_suffix(f".{os.getpid()}")
                    temporary.write_bytes(pickle.dumps(_FRICTIONLESS_SEEN[key]))
                    temporary.replace(stored)
        return copy.deepcopy(_FRICTIONLESS_SEEN[key])

    def validate_resource(self, checklist=None, **options):
        key = None
        if _PACKAGE and (checklist is None or checklist.to_descriptor() == {}):  # the default checks
            try:
                key = _resource_key(self.name)
            except (OSError, TypeError, ValueError, AttributeError):
                key = None
        if key is None:
            return real_validate(self, checklist, **options)
        key += json.dumps(options, sort_keys=True, default=str)
        if key not in _RESOURCE_SEEN:
            _RESOURCE_SEEN[key] = real_validate(self, checklist, **options)
        return _RESOURCE_SEEN[key]

    validate_stage._run_frictionless, Resource.validate = run_frictionless, validate_resource
    yield
    validate_stage._run_frictionless, Resource.validate = real_run, real_validate


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


def _port_outside_ephemeral() -> int:
    """A free port below the kernel's ephemeral range: it is chosen long before the site is served
    (after the build), and no ``bind(0)`` or outgoing connection of another worker can take it meanwhile."""
    import random
    import socket

    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for port in random.Random(os.getpid()).sample(range(20000, max(20001, low)), 200):
        with socket.socket() as s, contextlib.suppress(OSError):
            s.bind(("127.0.0.1", port))
            return port
    return _free_port()


@pytest.fixture(scope="session")
def site_url() -> str:
    """The address the public site is served on, so Material's instant navigation is active.

    One port for the run (the shared build has it in its sitemap); every worker that needs the
    site serves it on that port (see public_url)."""
    folder = shared(
        "site-url", lambda f: (f / "url").write_text(f"http://127.0.0.1:{_port_outside_ephemeral()}/", encoding="utf-8")
    )
    return (folder / "url").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(site_url: str) -> Path:
    """Both editions of the real data, built once per run: the folder with public/ and internal/ (read-only)."""
    return shared("real-site", lambda f: pipeline.build("all", DATA, f / "out", CONTENT, site_url=site_url)) / "out"


@pytest.fixture(scope="session")
def staged_public_docs() -> Path:
    """The real data's public edition rendered into a staging folder (everything before MkDocs),
    once per run whichever worker asks first: its ``docs`` folder (read-only)."""
    from sikkerby_build import settings

    def make(folder: Path) -> None:
        config = settings.resolve(ROOT, DATA, CONTENT, folder / "out", 5, None)
        checked = validate_stage.check_project(config.data_dir, config.content_dir)
        assert checked.report.ok, [p.line() for p in checked.report.errors]
        pipeline.stage("public", config, folder / "staging", checked.report, (checked.dataset, checked.pages))

    return shared("staged-public", make) / "staging" / "docs"


@pytest.fixture(autouse=True)
def _fast_tier_builds_no_site(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast tier (``-m "not slow and not browser"``) runs no MkDocs build: a test that does is slow."""
    if request.node.get_closest_marker("slow"):
        return
    import mkdocs.commands.build

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail("This test runs a full MkDocs build: mark it @pytest.mark.slow, or use a shared build (tests/conftest.py).")

    monkeypatch.setattr(mkdocs.commands.build, "build", refuse)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the real data package and content, for tests that change data."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    shutil.copytree(CONTENT, target / "content")
    return target


AXE_FILE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"  # served beside every site a test serves; never part of a build
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class _TestHandler(printing._QuietHandler):
    """The PDF step's quiet loopback handler, plus axe-core at ``AXE_PATH``: loaded by address
    rather than pasted into the page, Chromium compiles it once per tab instead of once per test."""

    def translate_path(self, path: str) -> str:
        if path.split("?", 1)[0] == AXE_PATH:
            return str(AXE_FILE)
        return super().translate_path(path)


@contextlib.contextmanager
def _serving(directory: Path, port: int = 0) -> Iterator[str]:
    import functools
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_TestHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _serve(directory: Path, port: int = 0) -> Iterator[str]:
    with _serving(directory, port) as base:
        yield base


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as loaded (the page's own server must be a test server)."""
    from urllib.parse import urljoin

    page.add_script_tag(url=urljoin(page.url, AXE_PATH))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


class PageWatch:
    """Console errors and any request that leaves the site, while the watch lasts (``stop()``)."""

    def __init__(self, page, base: str):
        self.errors: list[str] = []
        self.external: list[str] = []
        self._page = page
        self._handlers = [
            ("console", lambda m: self.errors.append(m.text) if m.type == "error" else None),
            ("pageerror", lambda e: self.errors.append(str(e))),
            ("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else self.external.append(r.url)),
        ]
        for event, handler in self._handlers:
            page.on(event, handler)

    def stop(self) -> None:
        for event, handler in self._handlers:
            self._page.remove_listener(event, handler)


_TABS: dict[tuple[int, int], object] = {}  # (width, height) -> this worker's kept tab


def kept_tab(browser, width: int, height: int = 900):
    """One tab per viewport for the worker's life, for tests that only load a page and read it.

    A new browser context per test starts with an empty cache, so Chromium parses and compiles
    Material's bundle, plotly and axe again on every test (≈3x the CPU of a kept tab, measured on
    the page-type tests). Tests that click, type, store or download keep their own context."""
    page = _TABS.get((width, height))
    if page is None or page.is_closed():  # type: ignore[attr-defined]
        phone = width < 500
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="da-DK", is_mobile=phone, has_touch=phone
        )
        page = _TABS[(width, height)] = context.new_page()
    return page


_SERVING: dict[str, object] = {}  # site_url -> the server of this process


@pytest.fixture(scope="session")
def public_url(built_site: Path, site_url: str) -> str:
    """The shared public site on site_url's port (the one in its sitemap), for this worker's life.

    Every worker that needs it binds the same port with SO_REUSEPORT and serves the same
    read-only folder, so whichever worker the kernel hands a connection to answers alike. It is
    not stopped at teardown: an xdist worker tears session fixtures down whenever it does not yet
    know its next test, and open browser connections would keep a new bind from working. The
    server thread is a daemon and ends with the worker."""
    import functools
    import http.server
    import threading

    if site_url not in _SERVING:

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_port = True
            daemon_threads = True

        handler = functools.partial(_TestHandler, directory=str(built_site / "public"))
        server = Server(("127.0.0.1", int(site_url.rsplit(":", 1)[1].strip("/"))), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        _SERVING[site_url] = server
    return site_url


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that asks for the browser is a browser test, marked or not: it leaves the fast tier."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


def rewrite_csv(path: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    """Rewrite a CSV file after ``change(rows)`` edits its rows in place (header kept, LF endings)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def stage_edition(data_dir: Path, edition: str) -> Path:
    """Validate the package in ``data_dir`` (content in ``data_dir/content``) and render one edition
    without the engine; the staged ``docs`` folder."""
    from sikkerby_build import settings

    config = settings.resolve(ROOT, data_dir)
    report = validate_stage.validate(config.data_dir, config.content_dir)
    assert report.ok, report.render()
    staging = scratch("stage-")
    pipeline.stage(edition, config, staging, report)
    return staging / "docs"
