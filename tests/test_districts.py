"""Areas as a vocabulary (issue 13 item 6, issue 11 item 4): the city districts, the mapping of
every source wording, the district filter's semantics (in Python and in the explorer's script)
and the district pages."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from sikkerby_build import compute, keyfigures
from sikkerby_build.load import load_data
from tests.conftest import DATA, ROOT

BYDELE = [
    "Indre By", "Østerbro", "Nørrebro", "Vesterbro/Kongens Enghave", "Valby", "Vanløse", "Brønshøj-Husum", "Bispebjerg",
    "Amager Øst", "Amager Vest",
]  # fmt: skip


@pytest.fixture(scope="module")
def model() -> compute.Model:
    return compute.build_model(load_data(DATA).tables)


def test_vocabulary_is_the_ten_city_districts_and_the_whole_city():
    rows = list(csv.DictReader(open(DATA / "districts.csv", encoding="utf-8")))
    assert [r["name"] for r in rows if r["kind"] == "bydel"] == BYDELE
    assert [(r["id"], r["name"]) for r in rows if r["kind"] == "hele byen"] == [("hele-byen", "Hele byen")]


def test_every_source_wording_is_mapped_and_kept():
    used = {r["district"] for r in csv.DictReader(open(DATA / "activity_districts.csv", encoding="utf-8"))}
    wordings = list(csv.DictReader(open(DATA / "district_wordings.csv", encoding="utf-8")))
    assert used <= {w["wording"] for w in wordings}, used - {w["wording"] for w in wordings}
    ids = {r["id"] for r in csv.DictReader(open(DATA / "districts.csv", encoding="utf-8"))}
    assert {w["district_id"] for w in wordings if w["district_id"]} <= ids
    assert all(w["source"] for w in wordings)
    # a wording that names no district says why
    assert all(w["note"] for w in wordings if not w["district_id"])
    assert len({(w["wording"], w["district_id"]) for w in wordings}) == len(wordings)


def test_noerrebro_finds_every_activity_naming_a_noerrebro_area(model):
    links = list(csv.DictReader(open(DATA / "activity_districts.csv", encoding="utf-8")))
    naming = {r["activity_id"] for r in links if "nørrebro" in r["district"].lower() or r["district"] == "Mjølnerparken"}
    found = {a["id"] for a in model.activities if keyfigures.in_district(a, "noerrebro", include_citywide=False)}
    assert naming and naming <= found
    assert len(naming) >= 10  # the issue counted 10 activities naming a Nørrebro area


def test_amager_means_both_amager_districts(model):
    sjakket = next(a for a in model.activities if a["id"] == "sjakket")
    assert {"amager-oest", "amager-vest"} <= set(sjakket["district_ids"])


def test_district_filter_includes_city_wide_activities(model):
    citywide = [a for a in model.activities if a["citywide"]]
    assert citywide
    for a in citywide:
        assert keyfigures.in_district(a, "valby")
        assert keyfigures.in_district(a, "hele-byen")
    local = next(a for a in model.activities if a["district_ids"] == ["amager-vest"] and not a["citywide"])
    assert keyfigures.in_district(local, "amager-vest")
    assert not keyfigures.in_district(local, "valby")
    assert not keyfigures.in_district(local, "hele-byen")


def test_unnamed_disadvantaged_areas_stay_unplaced(model):
    unmapped = model.figures.district_wordings_unmapped
    assert "Udsatte byområder" in unmapped and "fritidsguiderne" in unmapped["Udsatte byområder"]
    fritid = next(a for a in model.activities if a["id"] == "fritidsguiderne")
    assert fritid["district_ids"] == [] and not fritid["citywide"]


# ---------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def docs(staged_public_docs: Path) -> Path:
    return staged_public_docs


def test_a_page_per_district_and_an_overview(docs, model):
    for row in csv.DictReader(open(DATA / "districts.csv", encoding="utf-8")):
        if row["kind"] == "bydel":
            assert (docs / f"bydele/{row['id']}.md").exists()
    overview = (docs / "bydele/index.md").read_text(encoding="utf-8")
    assert "Udsatte byområder" in overview  # activities the sources place in unnamed areas
    valby = (docs / "bydele/valby.md").read_text(encoding="utf-8")
    local, citywide = (
        valby.split("## Aktiviteter for hele byen")[0],
        valby.split("## Aktiviteter for hele byen")[1].split("## Tryghedsindekset")[0],
    )
    assert "aktiviteter/tryghedspartnerskabet-folehaven/" in local
    n_citywide = sum(1 for a in model.activities if a["citywide"])  # one city-wide count on every page (issue 18 item 4)
    assert citywide.count("<tr><td>") == n_citywide


def _explorer_html(docs: Path) -> str:
    page = (docs / "aktiviteter/index.md").read_text(encoding="utf-8")
    body = page.split("---\n", 2)[2]
    script = (ROOT / "overrides/theme/assets/javascripts/sikkerby.js").read_text(encoding="utf-8")
    return f"<!doctype html><html lang='da'><body>{body}<script>{script}</script></body></html>"


def test_explorer_district_filter_in_the_browser(docs, model, browser):
    html = _explorer_html(docs)
    options = re.findall(r'<option value="([a-z-]+)">', html.split('name="omraade"')[1].split("</select>")[0])
    assert options[:10] == [
        "indre-by",
        "oesterbro",
        "noerrebro",
        "vesterbro-kongens-enghave",
        "valby",
        "vanloese",
        "broenshoej-husum",
        "bispebjerg",
        "amager-oest",
        "amager-vest",
    ]
    page = browser.new_page()
    page.set_content(html)
    page.wait_for_selector("#sb-filters:not([hidden])")
    for district in ("noerrebro", "valby", "hele-byen"):
        page.select_option("#f-omraade", district)
        shown = page.eval_on_selector_all("#sb-explorer tbody tr:not([hidden]) a", "els => els.map(e => e.getAttribute('href'))")
        expected = {a["id"] for a in model.activities if keyfigures.in_district(a, district)}
        assert {h.rstrip("/").rsplit("/", 1)[-1] for h in shown} == expected, district
        marked = page.eval_on_selector_all("#sb-explorer tbody tr:not([hidden]) .sb-citywide", "els => els.length")
        assert marked == sum(1 for a in model.activities if a["id"] in expected and a["citywide"])
    page.close()
