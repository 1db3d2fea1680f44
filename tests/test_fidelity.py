"""Issue 18: every public sentence faithful, every figure dated, every claim the sources' own.

Each test reads the data package, the content or the staged public edition (pages rendered by
our own stage, before MkDocs: a few seconds) and would fail if the item came back. Seed lines
are cited as "NNN l.X" (``/work/shared/seeds/NNN_*.txt``).
"""

from __future__ import annotations

import csv
import html
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from sikkerby_build import compute, live_figures, municipal, pipeline, settings
from sikkerby_build.load import load_data
from sikkerby_build.validate import check_project, validate
from tests.conftest import CONTENT, DATA, ROOT


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(open(DATA / f"{name}.csv", encoding="utf-8")))


def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def stage_public(data_dir: Path, content_dir: Path) -> Path:
    config = settings.resolve(ROOT, data_dir, content_dir, Path(tempfile.mkdtemp()), 5, None)
    checked = check_project(config.data_dir, config.content_dir)
    assert checked.report.ok, [p.line() for p in checked.report.errors]
    staging = Path(tempfile.mkdtemp(prefix="fidelity-"))
    pipeline.stage("public", config, staging, checked.report, (checked.dataset, checked.pages))
    return staging / "docs"


@pytest.fixture(scope="module")
def docs() -> Path:
    return stage_public(DATA, CONTENT)


@pytest.fixture(scope="module")
def model() -> compute.Model:
    return compute.build_model(load_data(DATA).tables)


def page(docs: Path, path: str) -> str:
    """A staged page as a reader sees its text (HTML character references resolved)."""
    return html.unescape((docs / path).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- item 3 and 17: the municipality's settings


def test_no_invented_licence_in_the_package():
    assert "licenses" not in descriptor()  # no source gives one (issue 18 item 3)


def test_every_setting_is_undecided_by_default_and_warned_about():
    text = (CONTENT / municipal.FILE).read_text(encoding="utf-8")
    settings_ = municipal.load(CONTENT)
    assert settings_ == municipal.MunicipalSettings()  # every value null: nothing decided
    warnings = [p for p in municipal.check(CONTENT) if p.kind == "setting-not-decided"]
    assert sorted(p.field for p in warnings) == sorted(municipal.KEYS)
    assert all(p.severity == "warning" and p.row and text.splitlines()[p.row - 1].startswith(p.field) for p in warnings)
    assert any(p.kind == "setting-not-decided" for p in validate(DATA, CONTENT).problems)


def test_broken_settings_are_located_errors(tmp_path):
    (tmp_path / municipal.FILE).write_text("kontakt: null\nwas_erklaering: http://x\ntilgaengelighed_dato: 2. maj\nfoo: 1\n", encoding="utf-8")
    kinds = {(p.kind, p.row) for p in municipal.check(tmp_path) if p.severity == "error"}
    assert kinds == {("settings-url", 2), ("settings-date", 3), ("settings-unknown", 4)}
    (tmp_path / municipal.FILE).write_text("kontakt: [\n", encoding="utf-8")
    assert [p.kind for p in municipal.check(tmp_path)] == ["settings-yaml"]
    assert municipal.load(tmp_path) == municipal.MunicipalSettings()


def test_pages_say_not_decided_and_the_package_has_no_licence(docs):
    statement = page(docs, "om/tilgaengelighed.md")
    for label in ("Overholdelsesstatus", "Erklæringens dato", "Kontakt om tilgængelighed", "WAS-Tool"):
        assert label in statement
    assert statement.count("ikke fastlagt") >= 4
    assert "skriv til Center for Sikker By" not in statement  # an invented contact
    open_data = page(docs, "om/data.md")
    assert "<dt>Licens</dt><dd>ikke fastlagt" in open_data and "<dt>Kontakt</dt><dd>ikke fastlagt" in open_data
    assert "licenses" not in json.loads((docs / "data/datapackage.json").read_text(encoding="utf-8"))


def test_settings_once_set_reach_the_pages_and_the_descriptor(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / municipal.FILE).write_text(
        'licens_navn: "Testlicens"\nlicens_adresse: "https://eksempel.invalid/licens"\nkontakt: "Testkontakt"\n'
        'tilgaengelighed_status: "Teststatus"\ntilgaengelighed_dato: 2026-01-31\ntilgaengelighed_kontakt: "Testtilgængelighed"\n'
        'was_erklaering: "https://eksempel.invalid/was"\n',
        encoding="utf-8",
    )
    assert not [p for p in municipal.check(content)]
    out = stage_public(data, content)
    statement = page(out, "om/tilgaengelighed.md")
    assert "Teststatus" in statement and "31. januar 2026" in statement and "Testtilgængelighed" in statement
    assert 'href="https://eksempel.invalid/was"' in statement and "ikke fastlagt" not in statement
    assert "Testlicens" in page(out, "om/data.md") and "Testkontakt" in page(out, "om/data.md")
    published = json.loads((out / "data/datapackage.json").read_text(encoding="utf-8"))
    assert published["licenses"] == [{"name": "Testlicens", "title": "Testlicens", "path": "https://eksempel.invalid/licens"}]
