"""Stage: engine. The staging folder that render wrote -> a site folder.

The rest of the build knows the engine only through ``Engine`` below: what render hands it (the
staging folder with Markdown pages and assets, and a ``RenderResult`` with the page list,
navigation, glossary abbreviations and live figures) and what it must return (a site folder of
static files; ``EngineFailed`` with a Danish message when it cannot). Today's engine is MkDocs
Material (``engine/material.py``, ``engine/serve_hooks.py``, ``mkdocs.yml`` and
``overrides/theme/``); nothing outside this package imports MkDocs. A second engine is a module
here that implements the protocol, and ``ENGINE`` names it (see the README, "Engine"); where
it runs no mkdocs-macros it fills the live figures with ``live_figures.fill``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from ..render.page import Page, RenderResult
from ..settings import Settings
from . import material
from .material import EngineFailed, PreviewLog, source_date_epoch

__all__ = ["ENGINE", "Engine", "EngineFailed", "PreviewLog", "adapt_meta", "build_site", "serve", "source_date_epoch", "write_engine_files"]


class Engine(Protocol):
    """What a site engine implements."""

    #: shown in progress lines ("bygger 180 sider med MkDocs Material …")
    name: str

    def adapt_meta(self, meta: dict[str, Any], page: Page) -> dict[str, Any]:
        """A generated page's front matter in the engine's own terms (render's meta is neutral)."""
        ...

    def write_engine_files(self, staging: Path, rendered: RenderResult) -> None:
        """The engine's own files in the staging folder (navigation, abbreviations, figures)."""
        ...

    def build_site(self, staging: Path, edition: str, site_dir: Path, rendered: RenderResult, settings: Settings, quiet: bool = True) -> None:
        """Build the staged pages into ``site_dir``; raise ``EngineFailed`` (Danish) on failure."""
        ...

    def serve(self, staging: Path, edition: str, port: int, rendered: RenderResult, settings: Settings) -> None:
        """A live-reloading preview of the staged pages on 127.0.0.1:``port``."""
        ...


ENGINE: Engine = material.MATERIAL

# The stage's functions, as the pipeline and the CLI call them.
adapt_meta = ENGINE.adapt_meta
write_engine_files = ENGINE.write_engine_files
build_site = ENGINE.build_site
serve = ENGINE.serve
