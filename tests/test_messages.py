"""Validation messages an editor can act on (issue 9 item 5, issue 12 item 9).

Every message is Danish and located at the physical line an editor sees; a broken foreign
key is one root-cause error with a "mente du …?" suggestion; a broken ``datapackage.json``
is a located problem, never a traceback. Each kind's full message is checked for one case.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from sikkerby_build import pipeline
from sikkerby_build.problems import ValidationFailed
from sikkerby_build.validate import LineMap, validate
from tests.conftest import CliResult, run_cli


def _cli_validate(data: Path) -> CliResult:
    return run_cli("validate", "--data", str(data), "--content", str(data / "content"))


def _sub(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, start: str) -> int:
    """The physical line (1-based) that starts with ``start``, found without the csv module."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


def _record_of(path: Path, first_cell: str) -> int:
    """The CSV record number (header = 1) as frictionless counts it."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return next(i for i, row in enumerate(rows, start=1) if row and row[0] == first_cell)


def _descriptor(data: Path) -> dict:
    return json.loads((data / "datapackage.json").read_text(encoding="utf-8"))


def _write_descriptor(data: Path, descriptor: dict) -> None:
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- datapackage.json


def test_invalid_json_is_located_with_line_and_column(data_copy: Path):
    path = data_copy / "datapackage.json"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.strip() == '"name": "periods",')
    lines[number] = lines[number].rstrip(",")  # the comma after the name is gone
    path.write_text("\n".join(lines), encoding="utf-8")
    report = validate(data_copy, data_copy / "content")
    (error,) = report.errors
    column = len(lines[number + 1]) - len(lines[number + 1].lstrip()) + 1
    assert (error.kind, error.file, error.row) == ("descriptor-json", "datapackage.json", number + 2)
    assert error.message == (
        f"datapackage.json kan ikke læses (linje {number + 2}, kolonne {column}): der mangler et komma mellem to elementer."
    )
    result = _cli_validate(data_copy)
    assert result.returncode == 1
    assert f"datapackage.json:{number + 2}: FEJL [descriptor-json]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    with pytest.raises(ValidationFailed) as failure:
        pipeline.build("public", data_copy, data_copy.parent / "site", data_copy / "content")
    assert failure.value.report.errors[0].kind == "descriptor-json"
    assert not (data_copy.parent / "site" / "public").exists()


def test_missing_resources(data_copy: Path):
    descriptor = _descriptor(data_copy)
    del descriptor["resources"]
    _write_descriptor(data_copy, descriptor)
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.row, error.field) == ("descriptor-structure", 1, "resources")
    assert error.message == "datapackage.json mangler listen 'resources' med tabellerne (eller den er tom)."


def test_resource_without_schema(data_copy: Path):
    descriptor = _descriptor(data_copy)
    del next(r for r in descriptor["resources"] if r["name"] == "principles")["schema"]
    _write_descriptor(data_copy, descriptor)
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.field) == ("descriptor-structure", "schema")
    assert error.row == _line_of(data_copy / "datapackage.json", '      "name": "principles"')
    assert error.message == (
        "Tabellen 'principles' har intet skema ('schema' med 'fields'); skemaet skal stå direkte i datapackage.json."
    )


def test_resource_path_outside_the_data_folder(data_copy: Path):
    descriptor = _descriptor(data_copy)
    next(r for r in descriptor["resources"] if r["name"] == "glossary")["path"] = "../../../etc/hostname"
    _write_descriptor(data_copy, descriptor)
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.field) == ("descriptor-structure", "path")
    assert error.message == (
        "Tabellen 'glossary' peger på '../../../etc/hostname', som ligger uden for datamappen; "
        "stien skal være en fil i datamappen."
    )


def test_unknown_field_type_with_suggestion(data_copy: Path):
    descriptor = _descriptor(data_copy)
    fields = next(r for r in descriptor["resources"] if r["name"] == "periods")["schema"]["fields"]
    field = next(f for f in fields if f.get("type") == "integer")
    field["type"] = "integr"
    _write_descriptor(data_copy, descriptor)
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.field) == ("descriptor-structure", "type")
    assert error.message == (
        f"Feltet '{field['name']}' i tabellen 'periods' har typen 'integr', som ikke findes. Brug en af: any, array, "
        "boolean, date, datetime, duration, geojson, geopoint, integer, number, object, string, time, year, "
        "yearmonth. Mente du 'integer'?"
    )


def test_schema_frictionless_cannot_use(data_copy: Path):
    descriptor = _descriptor(data_copy)
    fields = next(r for r in descriptor["resources"] if r["name"] == "principles")["schema"]["fields"]
    next(f for f in fields if f["name"] == "number")["constraints"] = {"minimum": "abc"}  # frictionless crashes
    _write_descriptor(data_copy, descriptor)
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.file) == ("descriptor-invalid", "datapackage.json")
    assert error.message == (
        "datapackage.json beskriver ikke en gyldig datapakke (fejltype 'TypeError'); tjek felttyper og nøgler i skemaerne."
    )


# ---------------------------------------------------------------- front matter types


def test_a_string_where_a_list_is_expected_is_one_error(data_copy: Path):
    story = data_copy / "content" / "stories" / "deniz.md"
    _sub(story, "activities:\n  - eki-exit\n  - 18-plus-enheden\n", "activities: eki-exit\n")
    report = validate(data_copy, data_copy / "content")
    (error,) = report.errors
    assert (error.kind, error.file, error.row, error.field) == (
        "front-matter-type", "content/stories/deniz.md", _line_of(story, "activities:"), "activities",
    )  # fmt: skip
    assert error.message == (
        "activities skal være en liste, også når der kun er ét element, men er en tekst. "
        "Skriv 'activities: [eki-exit]' eller hvert element på sin egen linje med '- ' foran."
    )


def test_text_field_given_a_number(data_copy: Path):
    page = data_copy / "content" / "about.md"
    _sub(page, 'title: "Om Sikker By"', "title: 2019")
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.row, error.field) == ("front-matter-type", 2, "title")
    assert error.message == 'title skal være tekst, men er et tal; sæt værdien i anførselstegn, fx title: "2019".'


def test_story_pointing_at_a_misspelt_activity(data_copy: Path):
    story = data_copy / "content" / "stories" / "deniz.md"
    _sub(story, "  - eki-exit\n", "  - eki-exti\n")
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.row, error.field) == ("unknown-reference", _line_of(story, "activities:"), "activities")
    assert error.message == "Aktiviteten 'eki-exti' findes ikke i activities.csv. Mente du 'eki-exit'?"


# ---------------------------------------------------------------- foreign keys: one root cause


def test_typo_in_a_followup_is_one_error_with_a_suggestion(data_copy: Path):
    followups = data_copy / "followups.csv"
    _sub(followups, "\nsjakket,2019,", "\nsjaket,2019,")
    report = validate(data_copy, data_copy / "content")
    (error,) = report.errors
    line = _line_of(followups, "sjaket,2019,")
    assert line != _record_of(followups, "sjaket"), "the row follows a cell with line breaks"
    assert (error.kind, error.file, error.row, error.field) == ("unknown-reference", "followups.csv", line, "activity_id")
    assert error.message == (
        "Aktiviteten 'sjaket' findes ikke i activities.csv (kolonnen id). Mente du 'sjakket'? "
        "Derudover henviser 11 rækker i measurements.csv og 4 rækker i effect_scores.csv til samme opfølgning "
        "(activity_id 'sjakket', year '2019'); de er i orden, når denne fejl er rettet."
    )
    result = _cli_validate(data_copy)
    assert result.stdout.splitlines()[0] == f"followups.csv:{line}:activity_id: FEJL [unknown-reference] {error.message}"
    assert "not found" not in result.stdout and "lookup table" not in result.stdout


def test_typo_in_a_composite_reference(data_copy: Path):
    measurements = data_copy / "measurements.csv"
    _sub(measurements, "\nsjakket-2019-3,sjakket,2019,", "\nsjakket-2019-3,sjakket,2091,")
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.file, error.row, error.field) == ("measurements.csv", _line_of(measurements, "sjakket-2019-3,"), "year")
    assert error.message == (
        "Opfølgningen med activity_id 'sjakket', year '2091' findes ikke i followups.csv. "
        "Mente du year '2019' i stedet for '2091'?"
    )


def test_missing_combination_names_what_exists(data_copy: Path):
    scores = data_copy / "effect_scores.csv"
    _sub(scores, "\nsjakket,2019,A1,", "\nsjakket,2018,A1,")
    (error,) = validate(data_copy, data_copy / "content").errors
    assert error.message == (
        "Opfølgningen med activity_id 'sjakket', year '2018' findes ikke i followups.csv. "
        "Mente du year '2019' i stedet for '2018'?"
    )


def test_rows_missing_the_same_parent_are_grouped(data_copy: Path):
    _sub(data_copy / "activities.csv", "\nsjakket,", "\nsjaket,")
    report = validate(data_copy, data_copy / "content")
    (error,) = report.errors
    assert error.kind == "unknown-reference" and error.field == "activity_id"
    assert error.message.startswith("Aktiviteten 'sjakket' findes ikke i activities.csv (kolonnen id). Mente du 'sjaket'?")
    assert "1 række i followups.csv" in error.message and "til samme aktivitet" in error.message


# ---------------------------------------------------------------- physical lines and Danish frictionless messages


def test_row_numbers_are_physical_lines_after_multiline_cells(data_copy: Path):
    measurements = data_copy / "measurements.csv"
    _sub(measurements, "\nsjakket-2019-11,sjakket,2019,11,", "\nsjakket-2019-11,sjakket,2019,elleve,")
    line = _line_of(measurements, "sjakket-2019-11,")
    record = _record_of(measurements, "sjakket-2019-11")
    assert line > record, "earlier cells span several lines"
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.row, error.field) == ("type-error", line, "position")
    assert error.message == "'elleve' er ikke et helt tal."
    assert LineMap(data_copy)("measurements.csv", record) == line


def test_line_map_counts_blank_lines_and_carriage_returns(tmp_path: Path):
    (tmp_path / "t.csv").write_bytes(b'id,text\r\na,"en\r\nto\r\ntre"\r\n\r\nb,x\r\n')
    lines = LineMap(tmp_path)
    assert [lines("t.csv", n) for n in (1, 2, 3, 4)] == [1, 2, 5, 6]


def test_enum_in_danish_with_suggestion(data_copy: Path):
    followups = data_copy / "followups.csv"
    _sub(followups, "\nsjakket,2019,Sjakket (SOF),SOF,sekundær,", "\nsjakket,2019,Sjakket (SOF),SOF,sekundaer,")
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.row, error.field) == ("enum", _line_of(followups, "sjakket,2019,"), "prevention_category")
    assert error.message == (
        "'sekundaer' er ikke en tilladt værdi. Tilladt er: primær, sekundær, tertiær, områdebaseret. Mente du 'sekundær'?"
    )


def test_out_of_range_in_danish(data_copy: Path):
    _sub(data_copy / "effect_scores.csv", "sjakket,2019,A1,5,", "sjakket,2019,A1,6,")
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.field) == ("out-of-range", "score")
    assert error.message == "'6' er større end den største tilladte værdi, 5."


def test_duplicate_id_names_the_physical_line_of_the_first(data_copy: Path):
    measurements = data_copy / "measurements.csv"
    _sub(measurements, "\nsjakket-2019-11,", "\nsjakket-2019-10,")
    (error,) = validate(data_copy, data_copy / "content").errors
    lines = measurements.read_text(encoding="utf-8").split("\n")
    first, second = [i for i, ln in enumerate(lines, start=1) if ln.startswith("sjakket-2019-10,")]
    assert (error.kind, error.row) == ("duplicate-id", second)
    assert error.message == f"Id'en findes allerede i linje {first}; hver række skal have sin egen."


def test_glossary_term_with_markup_is_refused(data_copy: Path):
    glossary = data_copy / "glossary.csv"
    _sub(glossary, ",Alvorlig kriminalitet,", ',"Alvorlig\n<img src=x onerror=alert(1)>",')
    (error,) = validate(data_copy, data_copy / "content").errors
    assert (error.kind, error.file, error.field) == ("invalid-format", "glossary.csv", "term")
    assert error.row == _line_of(glossary, "alvorlig-kriminalitet,")
    assert error.message == (
        "'Alvorlig <img src=x onerror=alert(1)>' har ikke den form, feltet kræver. Begrebet. Ren tekst på én linje: "
        "ingen linjeskift og ingen af tegnene | [ ] < > * _ { }."
    )
