"""Issue 13 data fixes, checked against the CSVs (one test per fix) and the schema rules they rely on."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA

DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(open(DATA / f"{name}.csv", encoding="utf-8")))


def row(name: str, **match: str) -> dict[str, str]:
    hits = [r for r in rows(name) if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, (name, match, len(hits))
    return hits[0]


def schema_field(resource: str, name: str) -> dict:
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == resource)
    return next(f for f in res["schema"]["fields"] if f["name"] == name)


# --------------------------------------------------------------------------- EKI – Exit


def test_eki_target_group_has_the_antal_brugere_block_with_the_2014_2019_tables():
    text = row("followups", activity_id="eki-exit", year="2019")["target_group"]
    assert text.startswith("Voksne borgere, der er involveret i alvorlig- og/eller personfarlig kriminalitet.")
    assert "Antal brugere:" in text
    assert "EKI har i 2019 i alt haft **89** igangværende forløb." in text
    assert "| I ALT | 31 | 56 | 85 | 92 | 79 | 89 |" in text  # tabel 1, igangværende
    assert "| I ALT | 31 | 36 | 55 | 39 | 37 | 47 |" in text  # tabel 2, iværksatte
    assert "| I ALT | 11 | 25 | 34 | 50 | 37 | 50 |" in text  # tabel 3, afsluttede
    assert "NB! De borgere, der har været indskrevet via Den Nationale Rammemodel" in text


def test_eki_results_sentence_sits_in_the_success_criterion_cell():
    m1 = row("measurements", id="eki-exit-2019-1")
    assert "reduktion på 54,7 %" in m1["criterion_text"]
    assert "54,7" not in m1["after_text"]
    assert m1["criterion_text"].startswith("Succeskriteriet er en reduktion på 40 %")
    assert "43,7 % (35)" in m1["after_text"] and "Datakilde: Politiets database POLSAS." in m1["after_text"]
    m2 = row("measurements", id="eki-exit-2019-2")
    assert "Resultater: Resultaterne viser, at **60 %**" in m2["criterion_text"]
    assert "Resultater:" not in m2["after_text"]


def test_eki_counts_courses_not_persons():
    f = row("followups", activity_id="eki-exit", year="2019")
    assert f["courses"] == "89" and f["participants"] == ""
    assert "89 igangværende forløb" in f["participants_text"]
    assert schema_field("followups", "courses")["personCount"] is True
    assert schema_field("followups", "courses")["type"] == "integer"


# --------------------------------------------------------------------------- Ungdomsbrandkorps


def test_ungdomsbrandkorps_keeps_the_reports_note_after_the_fulfilment_table():
    f = row("followups", activity_id="ungdomsbrandkorps", year="2019")
    assert f["fulfilment_text"] == "6/6"
    assert f["fulfilment_note"].startswith("Det bemærkes, at to ud af seks mål ikke er fuldt opnået.")
    assert "'Øget selvtillid' og 'Øgede sociale kompetencer'" in f["fulfilment_note"]


# --------------------------------------------------------------------------- 18+ Enheden


def test_18_plus_activities_not_increased_for_all_centres_is_not_met():
    m = row("measurements", id="18-plus-enheden-2019-2")
    assert "øges for alle centre" in m["criterion_text"]
    assert "(314 ud af 957)" in m["before_text"] and "(309 ud af 899)" in m["after_text"]
    assert m["met"] == "nej"
    for figure in ("957", "899", "Upload (221 til 138)", "Crossroad (158 til 231)"):
        assert figure in m["met_basis"]


# --------------------------------------------------------------------------- Den Korte Snor


def test_den_korte_snor_rows_2_to_7_record_the_ambiguous_goal_type():
    first = row("measurements", id="den-korte-snor-2019-1")
    assert first["goal_type"] == "effektmål" and first["note"] == ""
    for n in range(2, 8):
        m = row("measurements", id=f"den-korte-snor-2019-{n}")
        assert m["goal_type"] == first["goal_type"], n
        assert "Resultatmål" in m["note"] and "Effektmål" in m["note"] and "fem celler" in m["note"], n
    assert schema_field("measurements", "note")["editorial"] is True


# --------------------------------------------------------------------------- TV-overvågning


def test_tv_overvaagning_fulfilment_text_is_only_report_wording_and_it_is_in_the_follow_up():
    f = row("followups", activity_id="tv-overvaagning", year="2019")
    assert f["fulfilment_text"] == ""  # the report has no fulfilment table and no wording for it
    assert "ingen målopfyldelsestabel" in f["editorial_note"]
    assert schema_field("followups", "editorial_note")["editorial"] is True
    assert row("activities", id="tv-overvaagning")["effect_model"] == "true"


def test_every_activity_with_a_follow_up_is_in_the_effect_model():
    followed = {r["activity_id"] for r in rows("followups")}
    assert {r["id"] for r in rows("activities") if r["effect_model"] == "true"} == followed


# --------------------------------------------------------------------------- participants, budget


def test_participants_stated_in_the_report_are_read():
    assert row("followups", activity_id="sjakket", year="2019")["participants"] == "104"
    assert row("followups", activity_id="ny-start", year="2019")["participants"] == "126"
    assert "126 unge" in row("followups", activity_id="ny-start", year="2019")["participants_text"]


def test_spydspidsen_budget_five_million_a_year_is_read():
    for table, key in (("activities", {"id": "spydspidsen"}), ("followups", {"activity_id": "spydspidsen", "year": "2019"})):
        r = row(table, **key)
        assert r["budget_text"].startswith("5 mio. kr. / år til kerneindsatsen")
        assert r["budget_dkk"] == "5000000"


# --------------------------------------------------------------------------- merged activities


@pytest.mark.parametrize(
    ("activity", "field", "report_wording", "overview_wording"),
    [
        ("feriecamp", "target_group", "3-17 år", "6-17 år"),
        ("ny-start", "target_group", "mellem 11 og 25 år", "12-25 år"),
        ("ssp-plus", "target_group", "17 ½ til 24 år", "17 ½ - 25 år"),
    ],
)
def test_merged_activities_keep_the_overview_wording(activity, field, report_wording, overview_wording):
    a = row("activities", id=activity)
    assert report_wording in a[field]
    assert overview_wording in a[f"{field}_overview"]
    assert a["overview_source"].startswith("001 Princip")


def test_afsoning_keeps_the_overviews_area():
    a = row("activities", id="afsoning-og-god-loesladelse")
    assert a["area_text"] == ""  # the 2019 report's area cell holds the budget instead
    assert a["area_text_overview"] == "Bydækkende" and a["overview_source"] == "001 Princip 1"


def test_every_merge_says_why_it_holds_and_overview_fields_have_a_source():
    for a in rows("activities"):
        has_overview = a["area_text_overview"] or a["target_group_overview"]
        assert bool(has_overview) == bool(a["overview_source"]), a["id"]
        if has_overview:
            assert a["source"].startswith("003 ") and len(a["merge_note"]) > 40, a["id"]
    assert schema_field("activities", "merge_note")["editorial"] is True


def test_aliases_record_other_names_from_the_sources():
    aliases = {a["id"]: set(filter(None, a["aliases"].split("|"))) for a in rows("activities")}
    assert "Exitprogrammet" in aliases["eki-exit"]
    assert "Din Betjent samarbejdet" in aliases["din-betjent"]
    assert "18+ centre" in aliases["18-plus-enheden"]
    assert "Fritidsjobindsatsen" in aliases["studie-og-fritidsjob"]
    names = {a["name"].casefold(): a["id"] for a in rows("activities")}
    for aid, names_of in aliases.items():
        for alias in names_of:
            assert names.get(alias.casefold(), aid) == aid, f"{alias} is the name of another activity"


def test_entries_the_sources_describe_differently_stay_separate():
    ids = {a["id"] for a in rows("activities")}
    assert {"ssp", "ssp-plus", "fritidsjob-med-mentor", "ny-start", "mentorordning-i-brandvaesenet", "ungdomsbrandkorps"} <= ids
    assert {"tryghedspartnerskabet-folehaven", "tingbjerg-husum-partnerskab", "amager-partnerskab"} <= ids


# --------------------------------------------------------------------------- editorial text


def test_editorial_text_is_out_of_transcription_fields():
    g2 = row("effect_goals", id="effektmaal-2")
    assert "Målet er relativt" not in g2["target_text"] and "Målet er relativt" in g2["editorial_note"]
    assert g2["target_text"] in g2["text"]  # the target is the source's own sentence
    g4 = row("effect_goals", id="effektmaal-4")
    assert g4["target_value"] == "0" and "ikke en retning" in g4["editorial_note"]
    for resource, name in (
        ("effect_goals", "editorial_note"),
        ("effect_goals", "direction"),
        ("effect_goals", "measure"),
        ("principles", "name"),
    ):
        assert schema_field(resource, name).get("editorial") is True, (resource, name)


# --------------------------------------------------------------------------- glossary and schema


REQUIRED_TERMS = {
    "Primær forebyggelse", "Sekundær forebyggelse", "Tertiær forebyggelse", "Områdebaserede indsatser",
    "Målopfyldelse", "Succeskriterium", "Effektscore", "Resultatmål", "Effektmål", "Effektmål for en aktivitet",
    "Før- og eftermåling", "Effektopfølgning", "Indsatsområde", "Princip", "Forvaltning", "Tryghedsindeks",
    "Forebyggelseskategori", "Målepunkt", "Effektmodel",
}  # fmt: skip


def test_glossary_has_the_terms_the_site_uses_each_with_a_known_source():
    from sikkerby_build.citations import is_known

    glossary = rows("glossary")
    assert REQUIRED_TERMS <= {g["term"] for g in glossary}
    docs = rows("documents")
    for g in glossary:
        assert is_known(g["source"], docs), g["id"]
        assert len(g["definition"]) > 40 and "\n" not in g["definition"], g["id"]


def test_glossary_terms_and_aliases_are_unique():
    seen: dict[str, str] = {}
    for g in rows("glossary"):
        for word in [g["term"], *filter(None, g["aliases"].split("|"))]:
            assert word not in seen, f"{word!r} in {g['id']} and {seen.get(word)}"
            seen[word] = g["id"]


@pytest.mark.parametrize("bad", ["Effekt<b>score</b>", "Effekt*score*", "to\nlinjer", "[link]", "a_b"])
def test_frictionless_rejects_markup_in_glossary_terms(tmp_path: Path, bad: str):
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "glossary.csv"
    with open(path, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(["ny-term", bad, "En definition.", "", "000 Bilag 3 – Begrebsafklaring"])
    from frictionless import Package  # what `frictionless validate` runs, in this process

    report = Package(str(tmp_path / "data" / "datapackage.json")).validate(name="glossary").to_descriptor()
    assert report["valid"] is False
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert any(e["type"] == "constraint-error" and e.get("fieldName") == "term" for e in errors)


def test_every_field_has_a_danish_description_and_headers_follow_the_schema():
    for resource in DESCRIPTOR["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"]]
        with open(DATA / resource["path"], encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == fields, resource["name"]
        for f in resource["schema"]["fields"]:
            assert len(f.get("description", "").strip()) >= 3, (resource["name"], f["name"])
