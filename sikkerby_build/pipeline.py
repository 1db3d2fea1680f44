"""The whole build: load -> validate -> edition -> compute -> render -> engine -> audit -> publish.

Entry points: ``build(edition, data_dir, out_dir, ...)`` and ``stage(...)`` (everything up to
the engine, used by ``sikkerby serve``). Under a lock on the output folder, the editions are
built into a new version folder and switched live together in one step (``publish.py``); a
failure discards that folder and leaves the previous output untouched.

Edition selection runs before compute (not after, as in the first sketch): computations,
charts, the search index and downloads then never see internal data in the public edition.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import audit as audit_stage
from . import compute, edition, engine, municipal, printing, publish, render, settings
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
        self.problems = problems


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
    model = compute.build_model(data.tables)
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
    out_dir = Path(out_dir).resolve()  # MkDocs resolves relative paths against its config file
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult(report=report)
    loaded = (checked.dataset, checked.pages)  # read once: validation's own load, for all editions
    # One build at a time per output folder (else publish.PublishLocked); the editions go into
    # a new version folder that is switched live in one step, or discarded on any failure.
    with publish.building(out_dir) as version:
        for name in editions:
            started = time.perf_counter()
            staging = Path(tempfile.mkdtemp(prefix=f"sikkerby-{name}-"))
            try:
                progress(f"{name}: genererer sider …")
                data, rendered = stage(name, config, staging, report, loaded)
                progress(f"{name}: bygger {len(rendered.pages)} sider med MkDocs …")
                new_site = version / name
                engine.build_site(staging, name, new_site, rendered, config)
                if config.pdfs:
                    printing.print_pdfs(new_site, render.urls.print_jobs(rendered.pages), progress)
                progress(f"{name}: efterkontrol …")
                problems = audit_stage.audit(new_site, data, site_url)
                if problems:
                    raise AuditFailed(name, problems)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            result.editions.append(
                EditionResult(name, len(rendered.pages), rendered.charts, time.perf_counter() - started, out_dir / name)
            )
        progress("lægger sitet ud …")
        publish.publish(out_dir, version, editions)
    return result
