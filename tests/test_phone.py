"""Issue 19 without a browser: short texts cut at a word, tooltips, the data zip and its README,
one unit per chart axis, embeds, per-page share cards, the status summary per administration."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml

from sikkerby_build import charts, compute, downloads, edition, render, settings, urls
from sikkerby_build.load import load_content, load_data
from sikkerby_build.render import text
from sikkerby_build.render.pages import activities, results
from sikkerby_build.render.site import make_site
from sikkerby_build.synth import write_package
from tests.conftest import DATA, ROOT

LABELS = yaml.safe_load((ROOT / "overrides" / "pages" / "labels.yml").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- short texts


@pytest.mark.parametrize("limit", [10, 25, 60, 90])
def test_cut_at_word_never_splits_a_word(limit):
    source = "Sikker By samler Københavns Kommunes arbejde for mindre kriminalitet og mere tryghed i Hovedstaden"
    cut = text.cut_at_word(source, limit)
    assert len(cut) <= limit
    assert cut.endswith("…")
    words = set(source.split())
    assert all(w in words for w in cut.rstrip("…").split())  # whole words only ("Hovedpa" is not one)


def test_cut_at_word_leaves_a_short_text_alone():
    assert text.cut_at_word("  Kort   tekst ", 50) == "Kort tekst"


def test_first_sentences_keeps_whole_sentences_and_quotations():
    source = "Første sætning. Programmet: „Alle skal følge op. Også de små.“ Tredje sætning er lang nok til at falde ud."
    assert text.sentences(source)[1] == "Programmet: „Alle skal følge op. Også de små.“"
    assert text.first_sentences(source, 70) == "Første sætning. Programmet: „Alle skal følge op. Også de små.“"
    assert text.first_sentences(source, 10) == "Første…"


# ---------------------------------------------------------------- tooltips


def _glossary() -> list[dict[str, str]]:
    with (DATA / "glossary.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_tooltip_is_whole_short_and_without_table_jargon():
    short = LABELS["tooltips"]
    glossary = _glossary()
    assert set(short) <= {g["id"] for g in glossary}  # no tooltip for a term that does not exist
    for entry in glossary:
        tip = render.tooltip(entry, short)
        assert 20 <= len(tip) <= render.TOOLTIP_LIMIT, entry["id"]
        assert tip[-1] in ".)“”", f"{entry['id']}: not a whole sentence: {tip!r}"
        assert "…" not in tip
        for jargon in ("Kolonne", "MÅLOPFYLDELSE", "X1", "X4", "tabellen EFFEKT"):
            assert jargon not in tip, f"{entry['id']}: {tip!r}"


def test_tooltip_without_a_short_text_takes_whole_sentences_of_the_definition():
    entry = {"id": "ny", "definition": "Første sætning om begrebet. " + "Meget lang anden sætning " * 20 + "."}
    assert render.tooltip(entry, {}) == "Første sætning om begrebet."


def test_abbreviations_use_the_short_texts():
    found = {a.term: a.definition for a in render.abbreviations(_glossary(), LABELS["tooltips"])}
    assert found["Målopfyldelse"] == LABELS["tooltips"]["maalopfyldelse"]


# ---------------------------------------------------------------- the data zip


def test_licence_is_read_from_the_descriptor_and_not_decided_when_absent():
    assert downloads.licence_text({}) == "ikke fastlagt"
    assert downloads.licence_text({"licenses": []}) == "ikke fastlagt"
    assert downloads.licence_text({"licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}]}) == (
        "Creative Commons Attribution 4.0 (CC-BY-4.0)"
    )


def test_zip_is_reproducible_and_uncompressed():
    files = {"b.csv": b"x,y\n1,2\n", "README.md": "æøå".encode()}
    first, second = downloads.package_zip(files), downloads.package_zip(dict(reversed(list(files.items()))))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["sikkerby-data/README.md", "sikkerby-data/b.csv"]
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}  # the audit reads every byte
    assert "æøå".encode() in first


# ---------------------------------------------------------------- charts


def test_persons_and_percentages_never_share_an_axis():
    rows = [
        {"position": 1, "indicator": "Antal *unge*", "value_before": 20, "value_after": 34, "value_criterion": 25, "unit": "personer"},
        {"position": 2, "indicator": "Kontakt\n\n*Definition: senest efter 3. fremmøde*", "value_before": 95, "value_after": 95, "value_criterion": 95, "unit": "procent"},
        {"position": 3, "indicator": "Andel", "value_before": 65, "value_after": 70, "value_criterion": 70, "unit": "procent"},
    ]  # fmt: skip
    found = charts.measurement_charts("chart-x-2019", "X", 2019, rows, "Effektopfølgning 2019")
    assert [c.id for c in found] == ["chart-x-2019", "chart-x-2019-personer"]
    assert [c.unit for c in found] == ["procent", "personer"]
    for chart in found:
        assert {r[-1] for r in chart.rows} == {chart.unit}
        assert chart.figure["layout"]["yaxis"]["title"]["text"].lower() == chart.unit
        assert "*" not in chart.csv  # no raw Markdown in a CSV cell
    assert "Kontakt Definition: senest efter 3. fremmøde" in found[0].csv
    one = charts.measurement_charts("chart-y-2019", "Y", 2019, rows[:1], "Effektopfølgning 2019")
    assert [c.title for c in one] == ["Før- og eftermåling 2019"]


# ---------------------------------------------------------------- render on a tiny synthetic package


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("tiny19") / "data"
    write_package(package, activities=4, years=2, seed=19)
    return package


@pytest.fixture(scope="module")
def rendered(tiny: Path, tmp_path_factory: pytest.TempPathFactory):
    data = edition.select(load_data(tiny), list(load_content(tiny / "content").pages), "public")
    model = compute.build_model(data.tables)
    staging = tmp_path_factory.mktemp("staging19")
    config = settings.resolve(settings.TOOL_ROOT, tiny, tiny / "content", site_url="https://sikkerby.example.org/")
    result = render.render(data, model, staging, [], config)
    return data, model, staging / "docs", result


def test_zip_holds_every_csv_the_descriptor_scores_and_a_danish_readme(rendered):
    data, model, docs, result = rendered
    with zipfile.ZipFile(docs / urls.DATA_ZIP) as archive:
        names = {n.removeprefix("sikkerby-data/") for n in archive.namelist()}
        readme = archive.read("sikkerby-data/README.md").decode("utf-8")
        descriptor = json.loads(archive.read("sikkerby-data/datapackage.json"))
    loose = {p.relative_to(docs / urls.DOWNLOADS).as_posix() for p in (docs / urls.DOWNLOADS).rglob("*.csv")}
    assert loose and loose <= names  # every CSV, chart CSVs included
    assert {"datapackage.json", "scores.json", "README.md"} <= names
    assert descriptor == data.descriptor
    for resource in data.descriptor["resources"]:
        assert f"`{resource['path']}`" in readme
    assert "## Licens" in readme and f"Licens: {downloads.licence_text(data.descriptor)}." in readme
    assert "## Hvor tallene kommer fra" in readme and "## Sådan henviser du" in readme
    assert "https://sikkerby.example.org/data/sikkerby-data.zip" in readme


def test_every_chart_has_an_embed_page_with_its_citation_and_no_third_party(rendered):
    data, model, docs, result = rendered
    embeds = sorted((docs / urls.DOWNLOADS / "diagrammer").glob("*.html"))
    assert len(embeds) == result.charts > 0
    for page in embeds:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="da">' in html and "Kilde:" in html and "Periode:" in html
        assert "https&#58;//sikkerby.example.org/" in html or "https://sikkerby.example.org/" in html
        assert 'src="../../assets/javascripts/plotly-basic.min.js"' in html
        assert "cdn." not in html and "//" not in html.split("<script", 1)[1].split(">", 1)[0]


def test_activity_pages_have_their_own_share_card_and_a_word_cut_description(rendered):
    data, model, docs, result = rendered
    for activity in model.activities:
        staged = (docs / urls.activity(activity["id"])).read_text(encoding="utf-8")
        meta = yaml.safe_load(staged.split("---\n")[1])
        assert meta["share_image"] == urls.share_image(urls.activity(activity["id"]))
        assert (docs / meta["share_image"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(meta["description"]) <= 160
        if meta["description"].endswith("…"):
            assert meta["description"][:-1].split()[-1] in activity["description"].split()


def test_card_lines_say_the_latest_result():
    latest = {
        "year": 2019,
        "fulfilment": compute.Fulfilment(10, 11),
        "score": compute.effect_score({"A1": 5, "A2": 5, "A3": 5, "A4": 5}),
    }
    assert activities.card_lines({"latest": latest}) == [
        "Effektopfølgning 2019: 10 af 11 succeskriterier opfyldt",
        "Effektscore 20 af 20",
    ]
    unscored = {**latest, "fulfilment": compute.Fulfilment(None, None), "score": compute.effect_score({})}
    assert activities.card_lines({"latest": unscored}) == [
        "Effektopfølgning 2019: målopfyldelsen kan ikke vurderes",
        "Ingen effektvurdering",
    ]
    assert activities.card_lines({"latest": None}) == ["Ikke fulgt op i en effektopfølgning endnu"]


def test_brief_says_what_the_sources_do_not_say():
    empty = {"description": "", "districts": [], "area_text": None, "target_group": None, "budget_text": None}
    brief = activities.brief(empty)
    assert brief["what"] == brief["where"] == brief["who"] == "ikke oplyst i kilderne"
    full = {
        "description": "Første. Anden sætning.",
        "districts": ["Nørrebro"],
        "area_text": "x",
        "target_group": "Unge 15-24 år.",
        "budget_text": "",
    }
    assert activities.brief(full) == {
        "what": "Første. Anden sætning.",
        "where": "Nørrebro",
        "who": "Unge 15-24 år.",
        "budget_text": "",
    }


def test_status_summary_counts_each_administration_and_all_activities_once(rendered, tiny):
    data, model, docs, result = rendered
    site = make_site(data, model, [])
    rows = results.status_by_administration(site)
    assert rows[-1]["name"].startswith("Alle aktiviteter") and rows[-1]["activities"] == len(model.activities)
    for row in rows[:-1]:
        acts = [a for a in model.activities if row["code"] in a["administrations"]] if row["code"] else []
        if row["code"]:
            assert row["activities"] == len(acts)
            assert row["followed_up"] == sum(1 for a in acts if a["latest"])
            assert row["scored"] == sum(1 for a in acts if a["effect_score"] is not None)
        assert 0 <= row["all_met"] <= row["followed_up"] <= row["activities"]
    status = (docs / urls.STATUS).read_text(encoding="utf-8")
    assert "Rapporteringsstatus pr. forvaltning" in status
