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
from pathlib import Path

import pytest

from sikkerby_build import compute, live_figures, municipal, pipeline, settings
from sikkerby_build.load import load_data
from sikkerby_build.render.pages import keyfigures as keyfigure_pages
from sikkerby_build.validate import check_project, validate
from tests.conftest import CONTENT, DATA, ROOT, scratch


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(open(DATA / f"{name}.csv", encoding="utf-8")))


def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def stage_public(data_dir: Path, content_dir: Path) -> Path:
    config = settings.resolve(ROOT, data_dir, content_dir, scratch("out-"), 5, None)
    checked = check_project(config.data_dir, config.content_dir)
    assert checked.report.ok, [p.line() for p in checked.report.errors]
    staging = scratch("fidelity-")
    pipeline.stage("public", config, staging, checked.report, (checked.dataset, checked.pages))
    return staging / "docs"


@pytest.fixture(scope="module")
def docs(staged_public_docs: Path) -> Path:
    return staged_public_docs


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
    (tmp_path / municipal.FILE).write_text(
        "kontakt: null\nwas_erklaering: http://x\ntilgaengelighed_dato: 2. maj\nfoo: 1\n", encoding="utf-8"
    )
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


@pytest.mark.slow  # renders a whole edition of its own (seconds): the full suite runs it
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


# ---------------------------------------------------------------- item 1: two fulfilment figures, each named


def test_the_reports_own_lines_and_the_sites_reading_are_two_figures(model):
    y = model.figures.by_year[2019]
    # 003: the a/b lines "Opfyldelse af succeskriterier" of the 19 follow-ups that state one sum to 69/85
    assert (y.reported_met, y.reported_total, y.reported_followups) == (69, 85, 19)
    assert (y.criteria_met, y.criteria_total) == (67, 89)  # the site's reading of the 100 measurement rows
    values = live_figures.values(model)["aar"][2019]
    assert values["rapport_andel_opfyldt"] == "81 %" and values["andel_opfyldt"] == "75 %"


def test_press_facts_and_news_name_each_figure_with_its_scope(docs):
    for path in ("om/kommunikation.md", "nyheder/posts/effektopfoelgningen-2019.md"):
        text = page(docs, path)
        assert "som aktiviteterne selv har rapporteret" not in text and "blev opfyldt, som rapporteret" not in text
        assert "rapport_kriterier_opfyldt" in text and "kriterier_opfyldt" in text  # both live figures
        assert "sitets" in text and "„Opfyldelse af succeskriterier“" in text
    methodology = page(docs, "om/metode.md")
    assert "som rapporten angiver den" not in methodology
    assert "69 af 85" in methodology and "67 af 89" in methodology


# ---------------------------------------------------------------- item 2


def test_the_2019_follow_up_has_23_activities_as_its_table_of_contents_says():
    doc = next(d for d in rows("documents") if d["id"] == "003")
    assert "25 indsatser" not in doc["description"] and "23 indsatser" in doc["description"]  # 003 l.9-35


# ---------------------------------------------------------------- items 5-10


def test_sikker_by_week_post_promises_nothing(docs):
    text = page(docs, "nyheder/posts/sikker-by-ugen.md")
    assert "meldes ud her" not in text and "aftales med lokaludvalgene" not in text
    assert "et af målene er øget dialog" not in text  # 000 l.326 is a reason ("fordi:"), not a goal
    assert "begrundelser" in text


def test_staff_page_says_what_the_source_says():
    text = (CONTENT / "intern/kommunikation-for-medarbejdere.md").read_text(encoding="utf-8")
    assert "har krav på" not in text
    assert "Beredskabsplaner udfærdiges af SSP" in text  # 001 l.51


def test_glossary_does_not_overstate(docs):
    definition = next(g for g in rows("glossary") if g["id"] == "maalopfyldelse")["definition"]
    assert not definition.startswith("Hver indsats")
    assert "22 af de 23" in definition and "TV-overvågning" in definition and "NEXUS" in definition
    assert "Begreberne bruges i Sikker By Programmet." not in page(docs, "ordliste.md")


def test_vision_and_explorer_do_not_claim_the_whole_programme(docs):
    vision = page(docs, "vision.md")
    assert "kun de elleve" not in vision and "SSP+ og Exitprogrammet" in vision  # 000 l.377
    explorer = page(docs, "aktiviteter/index.md")
    assert "Københavns Kommune har" not in explorer and "mere end 90" in explorer


def test_staff_trained_are_not_participants_and_decimals_are_the_sources(docs):
    green = next(r for r in rows("followups") if r["activity_id"] == "green-teams-driftsamarbejde" and r["year"] == "2019")
    assert green["participants"] == "" and "67 legepladsmedarbejdere" in green["participants_text"]  # 003 l.507
    eki = page(docs, "aktiviteter/eki-exit.md")
    assert "93,7 procent" in eki and "93,70" not in eki


def test_cases_and_incidents_are_not_compared_with_last_year():
    from sikkerby_build.keyfigures import Change, Comparison

    comparison = Comparison(2020, 2, (Change("valby", 10, 8),), Change("I alt", 10, 8), True, True)
    compared = keyfigure_pages.comparison_table(comparison, "Bydel")
    plain = keyfigure_pages.comparison_table(comparison, "Bydel", compared=False)
    assert len(compared["columns"]) == 5 and plain["columns"] == ["Bydel", comparison.period.capitalize()]
    assert all(len(r) == 2 for r in plain["rows"])
    chart = keyfigure_pages.comparison_chart("c", "t", comparison, "Bydel", "kilde", compared=False)
    assert chart is not None and len(chart.columns) == 2 and "mod" not in chart.summary


# ---------------------------------------------------------------- item 16


def test_effect_score_is_said_to_rate_design_not_measured_effect(docs):
    for path in (
        "aktiviteter/sjakket.md",
        "resultater/aarsrapport-2019.md",
        "resultater/index.md",
        "aktiviteter/index.md",
        "om/metode.md",
    ):
        assert "ikke dens målte effekt" in page(docs, path) or "ikke en måling af aktivitetens faktiske effekt" in page(
            docs, path
        ), path


# ---------------------------------------------------------------- item 4: the district vocabulary


def test_every_placement_records_its_basis_and_the_district_names_are_editorial():
    for w in rows("district_wordings"):
        assert w["basis"] in ("kilde", "redaktionel") and w["note"], w
        assert "redaktør skal" not in w["note"] and "fastlægge" not in w["note"]  # no editor's to-do in the public package
    fields = {f["name"]: f for r in descriptor()["resources"] if r["name"] == "district_wordings" for f in r["schema"]["fields"]}
    assert fields["note"]["constraints"]["required"] and "Grundlaget" in fields["note"]["description"]
    for d in rows("districts"):
        assert d["basis"] == ("redaktionel" if d["kind"] == "bydel" else "kilde") and d["note"]
    # 003 l.49 names FerieCamp's nine areas, 003 l.1420 names Kirsebærhaven
    notes = {w["wording"]: w["note"] for w in rows("district_wordings")}
    assert "Bellahøj" in notes["9 udsatte byområder"] and "Folehaven og Kirsebærhaven" in notes["Kirsebærhaven"]


def test_district_pages_show_the_basis_and_one_city_wide_count(docs, model):
    citywide = sum(1 for a in model.activities if a["citywide"])
    assert citywide == sum(1 for r in rows("activity_districts") if r["district"] == "Bydækkende")
    overview = page(docs, "bydele/index.md")
    assert f"dækker {citywide} aktiviteter hele byen" in overview
    assert "som kilderne ikke stedfæster" not in overview
    for d in (r for r in rows("districts") if r["kind"] == "bydel"):
        text = page(docs, f"bydele/{d['id']}.md")
        assert f"<p>{citywide} aktiviteter dækker hele byen" in text, d["id"]
        assert "Placeret af" in text and ("Redaktionen" in text or "Kilden" in text)
    valby = page(docs, "bydele/valby.md")
    assert '<tr><th scope="row">Folehaven</th><td data-label="Placeret af">Kilden</td>' in valby


# ---------------------------------------------------------------- item 12: citations name their section, no bare file numbers


def test_every_citation_names_its_section():
    for path in DATA.glob("*.csv"):
        for r in csv.DictReader(open(path, encoding="utf-8")):
            for s in (r.get("source") or "").split(";"):
                assert s.strip() not in (
                    "003 Hvilke geografiske områder dækkes",
                    "003 Green Teams / Hvilke geografiske områder dækkes",
                ), path.name


def test_no_bare_document_numbers_in_descriptions(docs):
    text = json.dumps(descriptor(), ensure_ascii=False)
    for bare in ("Kilden (000)", "kilden (004)", "kilden (000)", "Kilden (004)"):
        assert bare not in text
    open_data = page(docs, "om/data.md")
    assert "<td>003</td><td>Effektopfølgning gældende for 2019 (2019)</td>" in open_data  # the key to every source cell


# ---------------------------------------------------------------- item 13


def test_editors_guide_teaches_a_free_document_id_and_no_figures_that_look_real():
    guide = (CONTENT / "intern/redaktoerguide.md").read_text(encoding="utf-8")
    taken = {d["id"] for d in rows("documents")}
    import re

    examples = set(re.findall(r"`(\d{3}) [^`]*`", guide)) | set(re.findall(r"^(\d{3}),", guide, re.M))
    assert not examples & taken, examples & taken  # an example id already in use would be copied
    assert "nyt, ledigt id" in guide and "<nyt id>," in guide  # the new document row starts with a placeholder
    assert "20 → 18" not in guide and "11/11 → 9/12" not in guide


# ---------------------------------------------------------------- item 14: which period, and that it has ended


def test_goal_principle_and_focus_area_pages_name_their_ended_period(docs):
    periods = {p["id"]: p for p in rows("periods")}
    pages = [
        (f"maal/{g['id']}.md", next(f for f in rows("focus_areas") if f["id"] == g["focus_area_id"])["period_id"])
        for g in rows("effect_goals")
    ]
    pages += [(f"program/{f['id']}.md", f["period_id"]) for f in rows("focus_areas")]
    pages += [(f"program/{p['id']}.md", p["period_id"]) for p in rows("principles")]
    assert len(pages) == 4 + 4 + 5
    for path, period_id in pages:
        text = page(docs, path)
        period = periods[period_id]
        assert f"hører til {period['name']}. Perioden sluttede i {period['end_year']}." in text, path
        assert "ingen senere" in text, path


# ---------------------------------------------------------------- item 15: as of when?


def _last_data_commit_date() -> str | None:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", "data"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None


def test_the_package_says_when_its_data_last_changed():
    import datetime as dt

    updated = descriptor()["updated"]
    dt.date.fromisoformat(updated)  # an ISO date, written into the data (reproducible), not the clock
    last = _last_data_commit_date()
    if (
        last is not None
        and not __import__("subprocess").run(["git", "diff", "--quiet", "HEAD", "--", "data"], cwd=ROOT).returncode
    ):
        assert updated >= last, f"data/ changed on {last}: set 'updated' in data/datapackage.json"


def test_every_kind_of_figure_has_a_stated_cadence_with_its_source():
    cadences = {c["id"]: c for c in rows("cadences")}
    assert set(cadences) == {"followups", "goals", "key_figures", "safety_index", "registry"}
    assert "angiver ikke" in cadences["followups"]["next_update"]  # the sources give no date for the next follow-up
    assert cadences["safety_index"]["cadence"].startswith("Årligt")  # 000 l.500 "Tryghedsindekset opdateres årligt"
    assert cadences["key_figures"]["cadence"].startswith("Kvartalsvis")  # 000 l.256


PAGES_WITH_FIGURES = [
    "index.md", "aktiviteter/index.md", "aktiviteter/sjakket.md", "aktiviteter/gadeplansarbejde.md", "resultater/index.md",
    "resultater/aarsrapport-2019.md", "resultater/effektopfoelgning-2019.md", "resultater/sammenfatning.md",
    "resultater/budget-og-effekt.md", "resultater/status.md", "bydele/valby.md", "program/noegletal.md",
    "program/tryghedsindeks.md", "maal/index.md", "maal/effektmaal-1.md", "faktaark/sjakket.md",
]  # fmt: skip


def test_every_page_with_figures_says_how_current_they_are(docs):
    updated = descriptor()["updated"]
    import datetime as dt

    day = dt.date.fromisoformat(updated)
    from sikkerby_build.render.jinja import fmt_date

    for path in PAGES_WITH_FIGURES:
        text = page(docs, path)
        assert "sb-asof" in text, path
        assert f"<dt>Data senest ændret</dt><dd>{fmt_date(day)}</dd>" in text, path
        assert "<dt>Periode</dt>" in text and "<dt>Næste opdatering</dt>" in text, path
    assert "Effektopfølgning gældende for 2019" in page(docs, "aktiviteter/sjakket.md")
    assert "Kilderne angiver ikke, hvornår den næste effektopfølgning udkommer." in page(docs, "resultater/index.md")


# ---------------------------------------------------------------- item 11: what the registry kept of its sources


def test_every_merged_overview_row_is_stored_with_its_own_words():
    overview = rows("overview_rows")
    merged = {a["id"] for a in rows("activities") if a["overview_source"]}
    assert {o["activity_id"] for o in overview} == merged
    # 14 distinct rows of seed 001 (the three partnerships share one, VINK has two)
    assert len({(o["principle_id"], o["name"]) for o in overview}) == 14
    vink = [o for o in overview if o["activity_id"] == "vink"]
    assert sorted(o["involved"] for o in vink) == ["BIF", "BIF, SOF, SSP København"]  # 001 l.24 and l.43
    assert "uddannelse af frontpersonale" in next(o["name"] for o in vink if o["principle_id"] == "princip-3")  # 001 l.45
    assert all("<p>" not in o["description"] for o in overview)
    assert next(a for a in rows("activities") if a["id"] == "vink")["other_partners"] == "SSP København"


def test_registry_descriptions_are_the_sources_words(docs):
    for a in rows("activities"):
        assert "Nævnt i Sikker By Programmets" not in a["description"], a["id"]
    assert "kun ved navn" in page(docs, "aktiviteter/gadeplansarbejde.md")
    vink = page(docs, "aktiviteter/vink.md")
    assert "I oversigten over indsatser 2018–2021" in vink and "SSP København" in vink
    assert "uddrag: rapportens felt „Målgruppe“" in page(docs, "aktiviteter/eki-exit.md")


def test_principle_short_names_are_marked_editorial(docs):
    for p in rows("principles"):
        assert "er redaktionens" in page(docs, f"program/{p['id']}.md")
    assert "er redaktionens" in page(docs, "program/index.md")


def test_headline_fulfilment_is_labelled_where_it_is_shown(docs):
    front = page(docs, "index.md")
    assert "efter målepunkterne (rapportens egne tal: 69 af 85)" in front
    assert "Rapportens egne linjer „Opfyldelse af succeskriterier“ giver for 2019 69 af 85" in page(docs, "resultater/index.md")
