"""The validator: real data passes; each class of bad input gets a located, plain-language error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sikkerby_build.validate import validate
from tests.conftest import CONTENT, DATA, CliResult, run_cli

EXPECTED_WARNINGS = {
    # (kind, subject): findings in the 2019 report itself
    ("fulfilment-mismatch", "sjakket"),
    ("fulfilment-mismatch", "ny-start"),
    ("fulfilment-mismatch", "green-teams-beskaeftigelse"),
    ("fulfilment-mismatch", "ungdomsbrandkorps"),
    ("fulfilment-mismatch", "den-korte-snor"),
    ("fulfilment-mismatch", "eki-exit"),
    ("fulfilment-mismatch", "afsoning-og-god-loesladelse"),
    ("fulfilment-mismatch", "nexus"),
    ("budget-unreadable", "feriecamp"),
    ("budget-unreadable", "studie-og-fritidsjob"),
    ("budget-unreadable", "tv-overvaagning"),
    ("budget-unreadable", "vink"),
    ("budget-unreadable", "nexus"),
}


def test_real_data_has_no_errors_and_the_expected_warnings():
    report = validate(DATA, CONTENT)
    assert report.errors == []
    assert {(w.kind, w.subject) for w in report.warnings} >= EXPECTED_WARNINGS
    assert all(w.subject for w in report.warnings), "every warning names its activity"


@pytest.mark.slow
def test_official_frictionless_cli_accepts_the_package():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", str(DATA / "datapackage.json")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_every_schema_field_has_a_description():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    missing = [
        f"{r['name']}.{f['name']}"
        for r in descriptor["resources"]
        for f in r["schema"]["fields"]
        if len(f.get("description", "").strip()) < 3
    ]
    assert missing == []


def test_contract_resources_exist():
    names = {r["name"] for r in json.loads((DATA / "datapackage.json").read_text())["resources"]}
    assert names >= {
        "administrations",
        "periods",
        "focus_areas",
        "principles",
        "effect_goals",
        "indicators",
        "observations",
        "activities",
        "followups",
        "measurements",
        "effect_scores",
        "rubric",
        "glossary",
    }


def test_every_row_records_its_source():
    import csv
    import json

    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    may_be_empty = {r["path"] for r in descriptor["resources"] if r.get("emptyAllowed")}
    for path in DATA.glob("*.csv"):
        rows = list(csv.DictReader(open(path, encoding="utf-8")))
        assert rows or path.name in may_be_empty, path.name
        assert all(r["source"].strip() for r in rows), path.name


# ---------------------------------------------------------------- bad input, one class each


def _edit_csv(data: Path, name: str, edit) -> None:
    path = data / f"{name}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), encoding="utf-8")


def _replace_cell(data: Path, name: str, row_key: str, field: str, value: str) -> int:
    """Set one cell; returns the physical line (as an editor shows it) where the changed row starts."""
    import csv
    import io

    path = data / f"{name}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(field)
    index = next(i for i, r in enumerate(rows) if r[0] == row_key)
    rows[index][col] = value
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows[:index])
    line = buffer.getvalue().count("\n") + 1
    writer.writerows(rows[index:])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return line


def _cli(data: Path) -> CliResult:
    return run_cli("validate", "--data", str(data))


def _only_error(data: Path):
    report = validate(data, data / "content")
    assert report.errors, "expected an error"
    return report.errors[0], report


def test_wrong_type(data_copy):
    line = _replace_cell(data_copy, "followups", "sjakket", "criteria_met", "elleve")
    error, _ = _only_error(data_copy)
    assert (error.file, error.row, error.field, error.kind) == ("followups.csv", line, "criteria_met", "type-error")
    assert "'elleve' er ikke et helt tal" in error.message
    result = _cli(data_copy)
    assert result.returncode == 1
    assert f"followups.csv:{line}:criteria_met:" in result.stdout


def test_missing_required_value(data_copy):
    line = _replace_cell(data_copy, "activities", "sjakket", "name", "")
    error, _ = _only_error(data_copy)
    assert (error.file, error.row, error.field, error.kind) == ("activities.csv", line, "name", "required")
    assert "skal udfyldes" in error.message


def test_duplicate_id(data_copy):
    _edit_csv(data_copy, "glossary", lambda lines: lines[:2] + [lines[1]] + lines[2:])
    error, _ = _only_error(data_copy)
    assert (error.file, error.row, error.kind) == ("glossary.csv", 3, "duplicate-id")


def test_broken_foreign_key(data_copy):
    line = _replace_cell(data_copy, "activity_administrations", "sjakket", "administration", "XYZ")
    error, report = _only_error(data_copy)
    assert error.file == "activity_administrations.csv" and error.row == line
    assert error.kind in {"unknown-reference", "enum"}
    line = _replace_cell(data_copy, "activity_administrations", "sjakket", "administration", "SOF")
    _replace_cell(data_copy, "effect_goals", "effektmaal-1", "focus_area_id", "findes-ikke")
    error, _ = _only_error(data_copy)
    assert (error.file, error.kind) == ("effect_goals.csv", "unknown-reference")


def test_score_outside_one_to_five(data_copy):
    path = data_copy / "effect_scores.csv"
    text = path.read_text(encoding="utf-8").replace("sjakket,2019,A1,5,", "sjakket,2019,A1,6,", 1)
    path.write_text(text, encoding="utf-8")
    error, _ = _only_error(data_copy)
    assert (error.file, error.field, error.kind) == ("effect_scores.csv", "score", "out-of-range")


def test_met_exceeds_total(data_copy):
    line = _replace_cell(data_copy, "followups", "sjakket", "criteria_met", "12")
    error, _ = _only_error(data_copy)
    assert (error.file, error.row, error.field, error.kind) == ("followups.csv", line, "criteria_met", "met-exceeds-total")


def test_invalid_slug(data_copy):
    line = _replace_cell(data_copy, "glossary", "effektmaal", "id", "Effektmål")
    error, _ = _only_error(data_copy)
    assert (error.row, error.field, error.kind) == (line, "id", "invalid-id")


def test_latin1_file(data_copy):
    path = data_copy / "glossary.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    error, _ = _only_error(data_copy)
    assert (error.file, error.kind) == ("glossary.csv", "encoding-error")
    assert error.row and error.row >= 2
    assert "sikkerby fix-csv data/" in error.message


def test_semicolon_csv_from_danish_excel(data_copy):
    _edit_csv(data_copy, "periods", lambda lines: [ln.replace(",", ";") for ln in lines])
    error, _ = _only_error(data_copy)
    assert (error.file, error.row, error.kind) == ("periods.csv", 1, "semicolon-delimiter")


def test_byte_order_mark(data_copy):
    path = data_copy / "periods.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    error, _ = _only_error(data_copy)
    assert (error.file, error.row, error.kind) == ("periods.csv", 1, "byte-order-mark")


def test_header_mismatch(data_copy):
    _edit_csv(data_copy, "periods", lambda lines: [lines[0].replace("start_year", "startaar")] + lines[1:])
    error, _ = _only_error(data_copy)
    assert (error.file, error.row, error.kind) == ("periods.csv", 1, "header-mismatch")
    assert "mangler: start_year" in error.message and "ukendte: startaar" in error.message


def test_empty_table(data_copy):
    _edit_csv(data_copy, "key_figures", lambda lines: lines[:1] + [""])
    error, _ = _only_error(data_copy)
    assert (error.file, error.kind) == ("key_figures.csv", "empty-table")


def test_story_pointing_at_unknown_activity(data_copy):
    story = data_copy / "content" / "stories" / "mikkel.md"
    story.write_text(story.read_text(encoding="utf-8").replace("feriecamp", "feriekoloni"), encoding="utf-8")
    error, _ = _only_error(data_copy)
    assert (error.file, error.field, error.kind) == ("content/stories/mikkel.md", "activities", "unknown-reference")


def test_stated_total_not_the_sum_is_a_warning(data_copy):
    _replace_cell(data_copy, "followups", "sjakket", "effect_score_total", "19")
    report = validate(data_copy, data_copy / "content")
    assert report.ok
    assert ("effect-total-mismatch", "sjakket") in {(w.kind, w.subject) for w in report.warnings}
    assert _cli(data_copy).returncode == 0
