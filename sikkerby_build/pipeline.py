"""The whole build: load -> validate -> edition -> compute -> render -> engine -> audit -> publish.

Entry points: ``build(edition, data_dir, out_dir, ...)`` and ``stage(...)`` (everything up to
the engine, used by ``sikkerby serve``). Under a lock on the output folder, the editions are
built into a new version folder and switched live together in one step (``publish.py``); a
failure discards that folder and leaves the previous output untouched.

Both editions are built at the same time in two processes (forked after the data was read and
validated once, so neither reads it again) when the machine has two cores or more;
``SIKKERBY_JOBS=1`` builds them one after the other. Each edition's build has three steps:
``build_pages`` (stage, engine), then the PDFs of *every* edition, printed by the parent in one
browser (``print_editions``: one Chromium with two tabs is twice as fast as two Chromiums), then
``check_edition`` (the audit, which reads the PDFs too). Staging folders live beside the version
folder (``OUT/.versions/<id>.staging-<edition>``) and are removed on every exit path: normal,
error, Ctrl-C and SIGTERM (turned into an exit while a build runs), and whatever a ``kill -9``
leaves is swept by the next build. After the switch ``BuildResult.changes`` says what changed
against the previously published version (``publish.compare``).

Edition selection runs before compute (not after, as in the first sketch): computations,
charts, the search index and downloads then never see internal data in the public edition.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import multiprocessing
import multiprocessing.connection
import pickle
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from . import audit as audit_stage
from . import compute, edition, engine, municipal, printing, publish, render, settings, urls
from .load import ContentPage, Dataset, load_content, load_data
from .problems import Problem, Report, ValidationFailed
from .settings import Settings
from .validate import check_project

ROOT = settings.TOOL_ROOT
DEFAULT_DATA = ROOT / "data"
DEFAULT_CONTENT = ROOT / "content"


class AuditFailed(Exception):
    def __init__(self, edition_name: str, problems: list[Problem]):
        lines = "\n".join(p.line() for p in problems[:50])
        more = f"\n… og {len(problems) - 50} flere." if len(problems) > 50 else ""
        super().__init__(f"Efterkontrollen af {edition_name}-udgaven fandt {len(problems)} problem(er):\n{lines}{more}")
        self.edition_name = edition_name
        self.problems = problems

    def __reduce__(self):  # crosses the process boundary when the editions are built in parallel
        return (AuditFailed, (self.edition_name, self.problems))


@dataclass
class EditionResult:
    edition: str
    pages: int
    charts: int
    seconds: float
    path: Path


@dataclass
class BuildResult:
    report: Report
    editions: list[EditionResult] = field(default_factory=list)
    # per edition: what changed against the previously published version (None: first publish)
    changes: dict[str, publish.Changes | None] = field(default_factory=dict)


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def stage(
    edition_name: str,
    config: Settings,
    staging: Path,
    report: Report,
    loaded: tuple[Dataset, list[ContentPage]] | None = None,
) -> tuple[edition.EditionData, render.RenderResult]:
    """Everything before the engine: select the edition, compute, render into ``staging``."""
    dataset, pages = loaded or (load_data(config.data_dir), load_content(config.content_dir).checked())
    data = edition.select(dataset, pages, edition_name, config.threshold)
    municipal.apply_licence(data.descriptor, municipal.load(config.content_dir))  # none until decided
    model = compute.build_model(data.records)
    result = render.render(data, model, staging, report.warnings, config, engine.adapt_meta)
    return data, result


def build(
    edition_name: str = "all",
    data_dir: Path = DEFAULT_DATA,
    out_dir: Path = ROOT / "site",
    content_dir: Path = DEFAULT_CONTENT,
    threshold: int = edition.DEFAULT_THRESHOLD,
    progress: Progress = _quiet,
    site_url: str | None = None,
    project: Path | None = None,
) -> BuildResult:
    editions = list(edition.EDITIONS) if edition_name == "all" else [edition_name]
    progress("validerer data …")
    config = settings.resolve(project or ROOT, data_dir, content_dir, out_dir, threshold, site_url)
    config = config.with_(pdfs=printing.will_print())  # pages link PDFs only when they will exist
    if not config.pdfs:
        progress("PDF'er laves ikke i denne bygning (SIKKERBY_PDF=off, eller Chromium/Playwright mangler).")
    data_dir, content_dir = config.data_dir, config.content_dir
    checked = check_project(data_dir, content_dir)
    report = checked.report
    if not report.ok or checked.dataset is None:
        raise ValidationFailed(report)
    out_dir = Path(out_dir).resolve()  # the engine resolves relative paths against its own config file
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult(report=report)
    job = _EditionJob(
        config=config,
        loaded=(checked.dataset, checked.pages),  # read once: validation's own load, for all editions
        report=report,
        site_url=site_url,
        cache=_pdf_cache(config) if config.pdfs else None,
        pdf_date=printing.data_date(data_dir) if config.pdfs else None,
        tabs=printing.workers(),  # one browser prints for every edition
        clean=_clean_files(config),
    )
    # One build at a time per output folder (else publish.PublishLocked); the editions go into
    # a new version folder that is switched live in one step, or discarded on any failure.
    with _terminate_as_exit(), publish.building(out_dir) as version:
        result.editions = _run_editions(editions, job, version, progress)
        previous = publish.current_version(out_dir)
        result.changes = {name: publish.compare(previous / name if previous else None, version / name) for name in editions}
        progress("lægger sitet ud …")
        publish.publish(out_dir, version, editions)
    return result


@dataclass
class _EditionJob:
    """What every edition's build shares (inherited by a forked process, never pickled)."""

    config: Settings
    loaded: tuple[Dataset, list[ContentPage]]
    report: Report
    site_url: str | None
    cache: printing.PdfCache | None
    pdf_date: datetime.datetime | None
    tabs: int
    clean: audit_stage.CleanFiles | None = None  # files earlier audits found clean (audit.CleanFiles)


def _clean_files(config: Settings) -> audit_stage.CleanFiles | None:
    """Beside the PDF cache (``.cache/audit``); None when ``SIKKERBY_CACHE=off``."""
    where = printing.cache_dir(config.project)
    return audit_stage.CleanFiles(where.parent / "audit") if where is not None else None


def _pdf_cache(config: Settings) -> printing.PdfCache | None:
    where = printing.cache_dir(config.project)
    return printing.PdfCache(where) if where is not None else None


@dataclass
class _BuiltEdition:
    """An edition whose site the engine has built (before its PDFs and its audit)."""

    name: str
    data: edition.EditionData
    rendered: render.RenderResult
    site: Path
    started: float

    def print_jobs(self) -> list[tuple[str, str]]:
        return urls.print_jobs(self.rendered.pages)


def _print_sites(sites: dict[str, tuple[Path, list[tuple[str, str]]]], job: _EditionJob, progress: Progress) -> None:
    """The PDFs of every edition built (name -> its site and print jobs), by one browser."""
    if job.config.pdfs:
        prints = [printing.PrintSite(site, jobs, functools.partial(_prefixed, progress, name)) for name, (site, jobs) in sites.items()]
        printing.print_sites(prints, job.cache, job.pdf_date, job.tabs)


def _prefixed(progress: Progress, name: str, message: str) -> None:
    progress(f"{name}: {message}")


def build_pages(name: str, job: _EditionJob, version: Path, progress: Progress) -> _BuiltEdition:
    """Stage and engine: one edition's site into ``version / name``. Its staging is always removed."""
    started = time.perf_counter()
    staging = version.parent / f"{version.name}.staging-{name}"  # swept with the version folder
    try:
        staging.mkdir(mode=0o700)
        progress(f"{name}: genererer sider …")
        data, rendered = stage(name, job.config, staging, job.report, job.loaded)
        progress(f"{name}: bygger {len(rendered.pages)} sider med {engine.ENGINE.name} …")
        engine.build_site(staging, name, version / name, rendered, job.config)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _BuiltEdition(name, data, rendered, version / name, started)


def print_editions(built: list[_BuiltEdition], job: _EditionJob, progress: Progress) -> None:
    """The PDFs of every edition built, by one browser (``printing.print_sites``)."""
    _print_sites({b.name: (b.site, b.print_jobs()) for b in built}, job, progress)


def check_edition(built: _BuiltEdition, job: _EditionJob, progress: Progress) -> EditionResult:
    """The audit of one edition's finished site (pages, downloads and PDFs)."""
    progress(f"{built.name}: efterkontrol …")
    problems = audit_stage.audit(built.site, built.data, job.site_url, job.clean)
    if problems:
        raise AuditFailed(built.name, problems)
    seconds = time.perf_counter() - built.started
    return EditionResult(built.name, len(built.rendered.pages), built.rendered.charts, seconds, job.config.out_dir / built.name)


def build_edition(name: str, job: _EditionJob, version: Path, progress: Progress) -> EditionResult:
    """One edition into ``version / name``: stage, engine, PDFs, audit."""
    built = build_pages(name, job, version, progress)
    print_editions([built], job, progress)
    return check_edition(built, job, progress)


def parallel_jobs() -> int:
    """Editions built at once: ``SIKKERBY_JOBS``, else 2 where the machine has two cores or more."""
    wanted = settings.count_from_env("SIKKERBY_JOBS")
    if wanted is not None:
        return wanted
    return 2 if settings.available_cores() >= 2 else 1


def _run_editions(names: list[str], job: _EditionJob, version: Path, progress: Progress) -> list[EditionResult]:
    # fork copies only the calling thread: with other threads running (a test session driving a
    # browser, the preview's watcher) a lock one of them holds could hang the child, so build in turn.
    if len(names) < 2 or parallel_jobs() < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _run_in_turn(names, job, version, progress)
    return _run_forked(names, job, version, progress)


def _run_in_turn(names: list[str], job: _EditionJob, version: Path, progress: Progress) -> list[EditionResult]:
    if len(names) == 1:
        return [build_edition(names[0], job, version, progress)]
    built = [build_pages(name, job, version, progress) for name in names]
    print_editions(built, job, progress)
    return [check_edition(b, job, progress) for b in built]


def _run_forked(names: list[str], job: _EditionJob, version: Path, progress: Progress) -> list[EditionResult]:
    """Each edition in a child: it builds its pages and says so; the parent prints every
    edition's PDFs in one browser and tells the children, which then audit their sites."""
    context = multiprocessing.get_context("fork")
    children: dict[str, tuple[multiprocessing.process.BaseProcess, multiprocessing.connection.Connection]] = {}
    try:
        for name in names:
            ours, theirs = context.Pipe(duplex=True)
            child: multiprocessing.process.BaseProcess = context.Process(target=_edition_child, args=(name, job, version, theirs), name=f"sikkerby-{name}")
            child.start()
            theirs.close()
            children[name] = (child, ours)
        built: dict[str, tuple[Path, list[tuple[str, str]]]] = {}
        results: dict[str, EditionResult] = {}
        open_ends = {conn: name for name, (_, conn) in children.items()}
        while open_ends:
            for ready in multiprocessing.connection.wait(list(open_ends)):
                conn = cast(multiprocessing.connection.Connection, ready)  # wait() returns ends it was given
                name = open_ends[conn]
                try:
                    kind, value = conn.recv()
                except EOFError:
                    del open_ends[conn]
                    if name not in results:
                        raise RuntimeError(f"Bygningen af {name}-udgaven stoppede uventet (proces {children[name][0].pid}).") from None
                    continue
                if kind == "progress":
                    progress(value)
                elif kind == "built":
                    built[name] = (version / name, value)
                    if len(built) == len(names):
                        _print_sites({n: built[n] for n in names}, job, progress)
                        for _, other in children.values():
                            other.send("printed")
                elif kind == "done":
                    results[name] = value
                else:
                    raise value
        return [results[name] for name in names]
    finally:
        for child, conn in children.values():
            if child.is_alive():
                child.terminate()  # SIGTERM: the child removes its staging folder on the way out
            child.join()
            conn.close()


def _edition_child(name: str, job: _EditionJob, version: Path, conn: multiprocessing.connection.Connection) -> None:
    def report(message: str) -> None:
        conn.send(("progress", message))

    try:
        built = build_pages(name, job, version, report)
        conn.send(("built", built.print_jobs()))
        conn.recv()  # the parent has printed every edition's PDFs
        outcome: tuple[str, object] = ("done", check_edition(built, job, report))
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent, which raises it
        outcome = ("error", exc)
        try:
            pickle.dumps(exc)
        except Exception:  # noqa: BLE001
            outcome = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
    try:
        conn.send(outcome)
    except OSError:
        pass  # the parent has gone (it stopped on another edition's failure)
    conn.close()


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM during a build exits through the ``finally`` blocks (staging and version removed)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
