"""Editing tools (issue 9): ``sikkerby new followup|activity|story|page`` write rows and files that
validate once the editor has filled in the cells; refusals and messages in Danish."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sikkerby_build import cli, editing
from sikkerby_build.validate import validate


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _schema_fields(data: Path, name: str) -> list[str]:
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    return [f["name"] for r in descriptor["resources"] if r["name"] == name for f in r["schema"]["fields"]]


def _fill(path: Path, change) -> None:
    header, rows = _csv(path)
    rows = [change(r) if r.get("source") == editing.SKELETON else r for r in rows]
    raw = path.read_bytes()
    ending = "\r\n" if b"\r\n" in raw.split(b"\n", 1)[0] + b"\n" else "\n"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator=ending)
        writer.writeheader()
        writer.writerows(rows)


def _declare_2020(data_dir: Path) -> None:
    """The year 2020 as 'sikkerby new year' declares it (issue 20: a follow-up year needs its row)."""
    with open(data_dir / "followup_years.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("2020,i gang,004,,004 titelblad\n")


def test_new_followup_writes_skeleton_rows_and_one_clear_error(data_copy, capsys, monkeypatch):
    _declare_2020(data_copy)
    lines_before = {
        n: (data_copy / n).read_bytes().count(b"\n") for n in ("followups.csv", "measurements.csv", "effect_scores.csv")
    }
    monkeypatch.chdir(data_copy.parent)
    assert cli.main(["new", "followup", "--activity", "sjakket", "--year", "2020", "--data", str(data_copy)]) == 0
    out = capsys.readouterr().out
    f, m, s = (lines_before[n] + 1 for n in ("followups.csv", "measurements.csv", "effect_scores.csv"))
    assert (
        f"followups.csv linje {f}" in out
        and f"measurements.csv linje {m}" in out
        and f"effect_scores.csv linje {s}–{s + 3}" in out
    )
    # columns in schema order, stable facts copied from 2019
    header, rows = _csv(data_copy / "followups.csv")
    assert header == _schema_fields(data_copy, "followups")
    new = rows[-1]
    old = next(r for r in rows if r["activity_id"] == "sjakket" and r["year"] == "2019")
    assert (new["year"], new["heading"], new["administration"], new["prevention_category"]) == (
        "2020", old["heading"], old["administration"], old["prevention_category"])  # fmt: skip
    assert (new["criteria_met"], new["criteria_total"], new["effect_score_total"], new["description"]) == ("", "", "", "")
    assert [r["criterion"] for r in _csv(data_copy / "effect_scores.csv")[1][-4:]] == ["A1", "A2", "A3", "A4"]
    assert _csv(data_copy / "measurements.csv")[1][-1]["id"] == "sjakket-2020-1"
    # validate: one error for the whole skeleton, not one per empty cell
    report = validate(data_copy, data_copy / "content")
    assert [p.line() for p in report.errors] == [
        f"followups.csv:{f}: FEJL [skeleton-incomplete] Opfølgningen 2020 for 'sjakket' er oprettet med 'sikkerby new followup' "
        f"og mangler stadig: followups.csv linje {f}: description, source; measurements.csv linje {m}: indicator, goal_type, met, source; "
        f"effect_scores.csv linje {s}–{s + 3}: score, source. Udfyld felterne, og skriv kilden i source i stedet for UDFYLD "
        "(dokumentets id og afsnit, fx '003 Sjakket (SOF) / MÅLOPFYLDELSE'); kør så 'sikkerby validate' igen."
    ]
    # the editor fills in the cells: validate exits 0
    source = "004 Sjakket (SOF) / MÅLOPFYLDELSE"
    _fill(data_copy / "followups.csv", lambda r: {**r, "description": "Opfølgning 2020.", "source": source})
    _fill(data_copy / "measurements.csv", lambda r: {**r, "indicator": "Antal brugere", "goal_type": "resultatmål", "met": "ja",
                                                     "value_after": "60", "unit": "personer", "source": source})  # fmt: skip
    _fill(data_copy / "effect_scores.csv", lambda r: {**r, "score": "3", "source": source})
    capsys.readouterr()
    assert cli.main(["validate", "--data", str(data_copy)]) == 0, capsys.readouterr().out


def test_a_filled_in_cell_with_a_wrong_type_is_still_reported(data_copy):
    _declare_2020(data_copy)
    editing.new_followup(data_copy, "sjakket", 2020)
    _fill(data_copy / "effect_scores.csv", lambda r: {**r, "score": "fem"})
    kinds = sorted({p.kind for p in validate(data_copy, data_copy / "content").errors})
    assert kinds == ["skeleton-incomplete", "type-error"]


def test_unknown_activity_is_refused_with_a_suggestion_and_nothing_changes(data_copy, capsys):
    before = {p.name: p.read_bytes() for p in data_copy.glob("*.csv")}
    assert cli.main(["new", "followup", "--activity", "sjaket", "--year", "2020", "--data", str(data_copy)]) == 1
    assert (
        capsys.readouterr().err
        == "sikkerby new: Aktiviteten 'sjaket' findes ikke i activities.csv. Mente du 'sjakket'? Intet er ændret.\n"
    )
    assert {p.name: p.read_bytes() for p in data_copy.glob("*.csv")} == before


def test_duplicate_followup_and_activity_are_refused(data_copy):
    with pytest.raises(editing.EditError, match="har allerede en opfølgning for 2019"):
        editing.new_followup(data_copy, "sjakket", 2019)
    with pytest.raises(editing.EditError, match="findes allerede i activities.csv"):
        editing.new_activity(data_copy, "sjakket", "Sjakket igen")
    with pytest.raises(editing.EditError, match="fx 'min-nye-aktivitet'"):
        editing.new_activity(data_copy, "Min nye aktivitet", "Min nye aktivitet")


def test_rows_keep_the_files_line_endings_and_quote_cells(data_copy):
    path = data_copy / "activities.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    editing.new_activity(data_copy, "ny-aktivitet", 'Ny aktivitet, "Bydækkende"')
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # no bare \n was added
    header, rows = _csv(path)
    assert rows[-1]["name"] == 'Ny aktivitet, "Bydækkende"' and rows[-1]["source"] == editing.SKELETON
    assert header == _schema_fields(data_copy, "activities")
    errors = validate(data_copy, data_copy / "content").errors
    assert [p.kind for p in errors] == ["skeleton-incomplete"]
    assert (
        "Aktiviteten 'ny-aktivitet' er oprettet med 'sikkerby new activity' og mangler stadig: activities.csv linje"
        in errors[0].message
    )
    _fill(path, lambda r: {**r, "description": "En ny aktivitet.", "in_programme": "true", "effect_model": "false",
                           "audience": "public", "source": "001 Oversigt"})  # fmt: skip
    assert validate(data_copy, data_copy / "content").ok


def test_new_story_and_page_are_internal_drafts_that_validate(data_copy):
    content = data_copy / "content"
    editing.new_story(data_copy, content, "amira", "Amira", ["sjakket"])
    editing.new_page(content, "intern/medarbejdere", "Medarbejdere")
    editing.new_page(content, "presse", "Presse", "om")
    story = (content / "stories" / "amira.md").read_text(encoding="utf-8")
    assert "audience: internal" in story and "- sjakket" in story
    assert "section: intern" in (content / "intern" / "medarbejdere.md").read_text(encoding="utf-8")
    assert validate(data_copy, content).ok
    with pytest.raises(editing.EditError, match="findes allerede"):
        editing.new_page(content, "presse")
    with pytest.raises(editing.EditError, match="bruges allerede af en side, sitet selv laver"):
        editing.new_page(content, "nyheder")
    with pytest.raises(editing.EditError, match="Mente du 'resultater'"):
        editing.new_page(content, "tal", section="resultatter")
    with pytest.raises(editing.EditError, match="Mente du 'sjakket'"):
        editing.new_story(data_copy, content, "bo", activities=["sjaket"])
