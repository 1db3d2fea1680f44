"""Renames that keep links, and validation an editor can trust (issue 20, items 5 and 6)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from sikkerby_build import cli, pipeline
from sikkerby_build.render import abbreviations
from sikkerby_build.search_forms import term_forms
from sikkerby_build.validate import validate
from tests.conftest import stage_edition

ROOT = Path(__file__).resolve().parent.parent
OLD, NEW = "den-korte-snor", "korte-snor-eksempel"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow  # several seconds of processes and validations: the full suite runs it
def test_rename_updates_every_reference_and_records_the_old_id(data_copy: Path, capsys):
    untouched = (data_copy / "rubric.csv").read_bytes()
    assert cli.main(["rename", "activity", OLD, NEW, "--data", str(data_copy)]) == 0
    for name in (
        "activities",
        "activity_administrations",
        "activity_principles",
        "activity_districts",
        "followups",
        "measurements",
    ):
        rows = _rows(data_copy / f"{name}.csv")
        field = "id" if name == "activities" else "activity_id"
        assert not any(r[field] == OLD for r in rows), name
        assert any(r[field] == NEW for r in rows), name
    assert all(m["id"].startswith(NEW + "-") for m in _rows(data_copy / "measurements.csv") if m["activity_id"] == NEW)
    assert [(a["old_id"], a["activity_id"]) for a in _rows(data_copy / "activity_aliases.csv")] == [(OLD, NEW)]
    vision = (data_copy / "content" / "vision.md").read_text(encoding="utf-8")
    assert f"aktiviteter/{NEW}.md" in vision and f"aktiviteter/{OLD}.md" not in vision
    assert (data_copy / "rubric.csv").read_bytes() == untouched
    report = validate(data_copy, data_copy / "content")
    assert report.ok, report.render()
    # the old address becomes a redirect page in both editions (meta refresh + canonical, no script)
    docs = stage_edition(data_copy, "public")
    try:
        page = (docs / "aktiviteter" / OLD / "index.html").read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url=../../aktiviteter/{NEW}/">' in page
        assert f'<link rel="canonical" href="../../aktiviteter/{NEW}/">' in page
        assert "<script" not in page and 'lang="da"' in page
    finally:
        shutil.rmtree(docs.parent, ignore_errors=True)


def test_rename_refuses_a_taken_or_malformed_id_and_changes_nothing(data_copy: Path, capsys):
    before = {p.name: p.read_bytes() for p in data_copy.glob("*.csv")}
    assert cli.main(["rename", "activity", OLD, "sjakket", "--data", str(data_copy)]) == 1
    assert cli.main(["rename", "activity", OLD, "Korte Snor", "--data", str(data_copy)]) == 1
    assert cli.main(["rename", "activity", "den-korte-snorr", NEW, "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "allerede brugt" in err and "kun små bogstaver" in err and "Mente du 'den-korte-snor'" in err
    assert {p.name: p.read_bytes() for p in data_copy.glob("*.csv")} == before


def test_link_to_an_unknown_activity_is_a_located_error(data_copy: Path):
    page = data_copy / "content" / "vision.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(f"aktiviteter/{OLD}.md", "aktiviteter/den-kort-snor.md"), encoding="utf-8")
    line = 1 + text[: text.index(f"aktiviteter/{OLD}.md")].count("\n")
    errors = [p for p in validate(data_copy, data_copy / "content").errors if p.kind == "unknown-link"]
    assert [(p.file, p.row) for p in errors] == [("content/vision.md", line)]
    assert "Mente du 'den-korte-snor'?" in errors[0].message


def test_unknown_source_id_is_a_located_error(data_copy: Path):
    path = data_copy / "administrations.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[1] = lines[1][: lines[1].rindex(",")] + ",005 Et dokument der ikke findes"
    path.write_text("\n".join(lines), encoding="utf-8")
    errors = [p for p in validate(data_copy).errors if p.kind == "unknown-source"]
    assert [(p.file, p.row, p.field) for p in errors] == [("administrations.csv", 2, "source")]
    assert "documents.csv" in errors[0].message


def test_a_follow_up_year_without_its_year_and_document_is_a_located_error(data_copy: Path):
    path = data_copy / "followup_years.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2019,afsluttet,003", "2019,afsluttet,007"), encoding="utf-8")
    errors = validate(data_copy).errors
    assert [(p.kind, p.file, p.row, p.field) for p in errors] == [("unknown-reference", "followup_years.csv", 2, "document")]
    assert "Kildedokumentet '007' findes ikke i documents.csv" in errors[0].message


def test_glossary_terms_match_any_case_and_inflected_forms():
    forms = term_forms("Effektscore")
    assert {"Effektscore", "effektscore", "effektscoren", "effektscorer", "effektscorerne", "effektscores"} <= set(forms)
    assert {"Effektmål", "effektmålet", "effektmålene", "effektmålenes"} & set(term_forms("Effektmål")) >= {
        "effektmålet",
        "effektmålene",
    }
    assert term_forms("A1") == ["A1"]
    terms = [a.term for a in abbreviations([{"term": "Effektscore", "definition": "Summen af A1–A4.", "aliases": None}])]
    assert "effektscoren" in terms and len(terms) == len(set(terms))


@pytest.mark.slow
def test_built_site_has_the_redirect_page_and_the_last_complete_year(data_copy: Path, tmp_path: Path, monkeypatch):
    """A full build (public edition): the old address redirects, and a 2020 year in progress
    imported from a workbook stays off the public front page and activity page."""
    from sikkerby_build import intake
    from tests.test_intake import ADMIN, YEAR, _fill, _open_year

    monkeypatch.setenv("SIKKERBY_PDF", "off")
    assert cli.main(["rename", "activity", OLD, NEW, "--data", str(data_copy)]) == 0
    _open_year(data_copy)
    [workbook] = intake.write_templates(data_copy, YEAR, tmp_path / "skemaer", ADMIN)
    plan = intake.plan_import(data_copy, [_fill(workbook)])
    assert plan.ok, [p.message for p in plan.problems]
    intake.write_import(data_copy, plan)
    pipeline.build("public", data_copy, tmp_path / "site", data_copy / "content")
    site = tmp_path / "site" / "public"
    page = (site / "aktiviteter" / OLD / "index.html").read_text(encoding="utf-8")
    assert f"url=../../aktiviteter/{NEW}/" in page
    assert (site / "aktiviteter" / NEW / "index.html").exists()
    front = (site / "index.html").read_text(encoding="utf-8")
    assert "fulgt op i 2019" in front and "i 2020" not in front
    assert "Effektopfølgning 2020" not in (site / "aktiviteter" / "sjakket" / "index.html").read_text(encoding="utf-8")
