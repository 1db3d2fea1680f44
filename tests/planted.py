"""One shared build of a copy of the real data carrying every planted case of the leak, markup
and navigation tests, both editions, built once per test run (``shared()``, read-only).

A planted case is a row (or a page) in this one package, not a build of its own. Each case is
planted by the function next to the tests that read it; ``plant()`` applies them in order, and
the cases are chosen so that they do not touch each other's assertions:

- canaries (tests/test_build.py): an internal activity, an internal contact, an internal page;
- markup from data (tests/test_build.py): script and event-handler payloads in Sjakket's free
  text, one row of four other tables and a story's title;
- an internal page saved with a byte-order mark and CRLF (tests/test_content_safety.py);
- titles that decode to markup (tests/test_attacks_regressions.py): every administration's name
  and a link title in Sjakket's description;
- a 2020 follow-up for three activities and pages added by editors (tests/test_navigation.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sikkerby_build import pipeline


def plant(data: Path) -> None:
    from tests.test_attacks_regressions import plant_titles
    from tests.test_build import plant_canaries, plant_markup
    from tests.test_content_safety import plant_bom_crlf_page
    from tests.test_history import add_2020_followups
    from tests.test_navigation import add_editor_pages

    plant_canaries(data)
    plant_markup(data)
    plant_bom_crlf_page(data / "content")
    plant_titles(data)
    add_2020_followups(data)
    add_editor_pages(data / "content")


def _make(root: Path) -> None:
    from tests.conftest import CONTENT, DATA

    data = root / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(CONTENT, data / "content")
    plant(data)
    pipeline.build("all", data, root / "site", data / "content")


def root() -> Path:
    from tests.conftest import shared

    return shared("planted", _make)


def site() -> Path:
    """The output folder: public/ and internal/ (do not write to it)."""
    return root() / "site"


def data_dir() -> Path:
    """The planted package (data/ with content/ inside; do not write to it: copy it)."""
    return root() / "data"


# ------------------------------------------------------------------ the synthetic package

SYNTHETIC = {"activities": 30, "years": 3, "seed": 2019}


def _make_synthetic(root: Path) -> None:
    """Built with the command line, in this process, into a relative --out folder."""
    import json

    from sikkerby_build.synth import write_package
    from tests.conftest import run_cli

    write_package(root / "syn", **SYNTHETIC)
    result = run_cli("build", "--edition", "all", "--data", "syn", "--out", "site", "--quiet", cwd=root)
    (root / "cli.json").write_text(json.dumps(result.__dict__), encoding="utf-8")


def synthetic_root() -> Path:
    """syn/ (a synthetic package of 30 activities over three years), site/ (both editions, built
    by ``sikkerby build --out site`` from that folder) and cli.json (its exit code and output)."""
    from tests.conftest import shared

    return shared("synthetic", _make_synthetic)
