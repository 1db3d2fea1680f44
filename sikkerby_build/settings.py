"""Settings in one place: the project (the checkout a command runs in), its folders, the
editions, the small-number threshold and the site address.

The project is the current folder (or ``--project DIR``), not the folder the tool was installed
from: ``sikkerby build`` run in another checkout builds that checkout's data, content,
``mkdocs.yml`` and overrides. Assets that ship with the tool itself (the npm plotly bundle)
fall back to the tool's own checkout when the project has none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

EDITIONS = ("public", "internal")
DEFAULT_THRESHOLD = 5
TOOL_ROOT = Path(__file__).resolve().parent.parent
PLOTLY_BUNDLE = Path("node_modules") / "plotly.js-basic-dist-min" / "plotly-basic.min.js"


@dataclass(frozen=True)
class Settings:
    project: Path
    data_dir: Path
    content_dir: Path
    out_dir: Path
    threshold: int = DEFAULT_THRESHOLD
    site_url: str | None = None
    pdfs: bool = False  # set by the build when the PDF step will run; pages link PDFs only then

    @property
    def mkdocs_config(self) -> Path:
        return self._own_or_tool("mkdocs.yml")

    @property
    def templates(self) -> Path:
        return self._own_or_tool("overrides/pages")

    @property
    def theme(self) -> Path:
        return self._own_or_tool("overrides/theme")

    @property
    def plotly_bundle(self) -> Path:
        return self._own_or_tool(str(PLOTLY_BUNDLE))

    def _own_or_tool(self, relative: str) -> Path:
        own = self.project / relative
        return own if own.exists() else TOOL_ROOT / relative

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def resolve(
    project: Path | str | None = None,
    data: Path | str | None = None,
    content: Path | str | None = None,
    out: Path | str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    site_url: str | None = None,
) -> Settings:
    """Settings for a project folder; relative paths are taken from the current folder.

    ``content`` defaults to ``DATA/content`` when that folder exists (synthetic packages carry
    their own content), else ``PROJECT/content``, else the ``content`` folder beside ``DATA``.
    """
    root = Path(project or Path.cwd()).resolve()
    data_dir = Path(data).resolve() if data else root / "data"
    if content:
        content_dir = Path(content).resolve()
    elif (data_dir / "content").is_dir():
        content_dir = data_dir / "content"
    elif data and not (root / "content").is_dir() and (data_dir.parent / "content").is_dir():
        content_dir = data_dir.parent / "content"  # --data of another checkout: its content beside it
    else:
        content_dir = root / "content"
    out_dir = Path(out).resolve() if out else root / "site"
    return Settings(root, data_dir, content_dir, out_dir, threshold, site_url)


def default() -> Settings:
    """The tool's own checkout (tests and benchmarks)."""
    return resolve(TOOL_ROOT)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def count_from_env(name: str) -> int | None:
    """A positive whole number from the environment variable ``name``, else None (unset or not a number)."""
    try:
        wanted = int(os.environ.get(name, "0"))
    except ValueError:
        return None
    return wanted if wanted > 0 else None
