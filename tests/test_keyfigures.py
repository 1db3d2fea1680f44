"""City key figures (issue 11): year-to-date comparison, the safety-index goal, the internal
top-25 list, small numbers, and the pages with the real (empty) and a synthetic full year."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from sikkerby_build import compute, edition, keyfigures, pipeline, settings, synth
from sikkerby_build.disclosure import Interval, Suppressed
from sikkerby_build.load import load_data
from sikkerby_build.validate import validate
from tests.conftest import CONTENT, DATA, ROOT, scratch


def _r(year: int, quarter: int, crime: str, count: int, district: str = "hele-byen") -> dict:
    return {
        "year": year,
        "quarter": quarter,
        "measure": "anmeldelser",
        "crime_type": crime,
        "district_id": district,
        "count": count,
        "source": "test",
    }


# ---------------------------------------------------------------- year to date, worked by hand


def test_year_to_date_hand_worked_example():
    rows = [
        # 2018, quarters 1-4
        _r(2018, 1, "indbrud", 10), _r(2018, 2, "indbrud", 20), _r(2018, 3, "indbrud", 30), _r(2018, 4, "indbrud", 99),
        _r(2018, 1, "vold", 5), _r(2018, 2, "vold", 5), _r(2018, 3, "vold", 10),
        # 2019 up to quarter 3; violence has no row in quarter 2 (no reports), a type new this year
        _r(2019, 1, "indbrud", 12), _r(2019, 2, "indbrud", 0), _r(2019, 3, "indbrud", 24),
        _r(2019, 1, "vold", 8), _r(2019, 3, "vold", 4),
        _r(2019, 2, "overtrædelse af våbenloven", 3),
    ]  # fmt: skip
    c = keyfigures.compare(rows, lambda r: r["crime_type"], keyfigures.CRIME_TYPES)
    assert (c.year, c.quarter) == (2019, 3)
    assert c.period == "januar–september 2019" and c.previous_period == "januar–september 2018"
    lines = {x.key: x for x in c.lines}
    assert [x.key for x in c.lines] == ["indbrud", "vold", "overtrædelse af våbenloven"]
    # burglary: 12 + 0 + 24 = 36 against 10 + 20 + 30 = 60 (quarter 4 of 2018 is not the same period)
    assert (lines["indbrud"].current, lines["indbrud"].previous, lines["indbrud"].absolute) == (36, 60, -24)
    assert lines["indbrud"].percent == pytest.approx(-40.0)
    # violence: 8 + (no row) + 4 = 12 against 5 + 5 + 10 = 20
    assert (lines["vold"].current, lines["vold"].previous, lines["vold"].percent) == (12, 20, pytest.approx(-40.0))
    # weapons: only this year -> previous 0, no percentage, marked new
    weapons = lines["overtrædelse af våbenloven"]
    assert (weapons.current, weapons.previous, weapons.absolute, weapons.percent, weapons.new) == (3, 0, 3, None, True)
    assert (c.total.current, c.total.previous, c.total.absolute) == (51, 80, -29)
    assert c.previous_available and c.previous_complete


def test_year_to_date_without_last_year_is_no_comparison():
    c = keyfigures.compare([_r(2019, 1, "vold", 7)], lambda r: r["crime_type"])
    assert c.lines[0].previous is None and c.lines[0].absolute is None and c.lines[0].percent is None
    assert not c.previous_available and c.total.previous is None


def test_missing_quarter_last_year_is_flagged():
    rows = [_r(2018, 1, "vold", 5), _r(2019, 1, "vold", 6), _r(2019, 2, "vold", 6)]
    c = keyfigures.compare(rows, lambda r: r["crime_type"])
    assert c.previous_available and not c.previous_complete


def test_charges_are_persons_and_totals_use_intervals():
    rows = [
        {"year": 2019, "quarter": 1, "age_group": "10–14", "district_id": "hele-byen", "count": Suppressed(5), "source": "t"},
        {"year": 2019, "quarter": 2, "age_group": "10–14", "district_id": "hele-byen", "count": 10, "source": "t"},
        {"year": 2019, "quarter": 1, "age_group": "15–17", "district_id": "hele-byen", "count": 40, "source": "t"},
    ]
    city, conflicts = keyfigures.city_charges(rows)
    c = keyfigures.compare(city, lambda r: r["age_group"], keyfigures.AGE_GROUPS)
    lines = {x.key: x for x in c.lines}
    assert isinstance(lines["10–14"].current, Interval) and str(lines["10–14"].current) == "11–14"
    assert lines["10–14"].absolute is None  # never computed from a hidden count
    assert str(c.total.current) == "51–54" and not conflicts


def test_city_charges_from_districts_ignore_a_stated_city_row():
    rows = [
        {"year": 2019, "quarter": 1, "age_group": "18–25", "district_id": "hele-byen", "count": 23},
        {"year": 2019, "quarter": 1, "age_group": "18–25", "district_id": "valby", "count": 20},
        {"year": 2019, "quarter": 1, "age_group": "18–25", "district_id": "vanloese", "count": Suppressed(5)},
    ]
    city, conflicts = keyfigures.city_charges(rows)
    assert str(city[0]["count"]) == "21–24"  # the stated 23 would reveal Vanløse's 3
    assert conflicts == [(2019, 1, "18–25")]


def test_charges_are_marked_as_person_counts_in_the_package():
    ds = load_data(DATA)
    fields = {f.name: f for f in ds.fields["crime_charges"]}
    assert fields["count"].person_count
    ds.tables["crime_charges"] = [
        {"year": 2019, "quarter": 1, "age_group": "10–14", "district_id": "hele-byen", "count": 3, "source": "x"}
    ]
    public = edition.select(ds, [], "public")
    assert isinstance(public.tables["crime_charges"][0]["count"], Suppressed)


# ---------------------------------------------------------------- safety index and goal 1


def test_safety_goal_with_the_real_2010_baseline():
    ds = load_data(DATA)
    goal = next(g for g in ds.tables["effect_goals"] if keyfigures.is_safety_goal(g))
    assert goal["id"] == "effektmaal-1"
    sg = keyfigures.safety_goal(goal, [], ds.tables["observations"])
    assert (sg.baseline_year, sg.baseline, sg.target, sg.deadline) == (2010, 12, 6, 2014)
    assert [(c.year, c.count, c.origin) for c in sg.counts] == [(2010, 12, "stated")]
    assert sg.met is None and sg.reduction is None  # nothing after the baseline
    # a later index with 6 of 35 areas in need meets "at least 50 % fewer"; 7 does not
    rows = [
        {
            "year": 2013,
            "area": f"Område {i}",
            "district_id": "valby",
            "category": "markant" if i < 2 else "intensiveret" if i < 6 else "ordinær",
            "source": "t",
        }
        for i in range(35)
    ]
    sg = keyfigures.safety_goal(goal, rows, ds.tables["observations"])
    assert (sg.latest.year, sg.latest.count, sg.latest.areas, sg.latest.origin) == (2013, 6, 35, "computed")
    assert sg.met is True and sg.reduction == pytest.approx(0.5)
    rows[6] = {**rows[6], "category": "intensiveret"}
    assert keyfigures.safety_goal(goal, rows, ds.tables["observations"]).met is False


def test_stated_count_wins_and_a_disagreement_is_reported():
    stated = [{"year": 2010, "value": 12, "source": "000", "series": "København", "goal_id": "g"}]
    rows = [{"year": 2010, "area": "A", "district_id": "valby", "category": "markant", "source": "t"}]
    counts, mismatches = keyfigures.need_counts(rows, stated)
    assert counts[0].count == 12 and counts[0].origin == "stated" and mismatches == [(2010, 12, 1)]


def test_counts_feed_goal_progress_through_compute():
    ds = load_data(DATA)
    tables = dict(ds.tables)
    tables["safety_index"] = [
        {
            "year": 2012,
            "area": f"Område {i}",
            "district_id": "valby",
            "category": "markant" if i < 9 else "minimal",
            "score": None,
            "source": "t",
        }
        for i in range(35)
    ]
    model = compute.build_model(tables)
    goal = next(g for g in model.goals if g["id"] == "effektmaal-1")
    assert [(o["year"], o["value"]) for o in goal["observations"]] == [(2010, 12), (2012, 9)]
    # 12 -> 9 in two years against 12 -> 6 in four: observed CAGR -13.4 %, required -15.9 %: ratio 0.84
    assert goal["progress"].status == "some_progress"
    real = compute.build_model(ds.tables)
    assert next(g for g in real.goals if g["id"] == "effektmaal-1")["progress"].status == "not_enough_data"


def test_full_years_of_reports_feed_the_reports_indicator():
    ds = load_data(DATA)
    tables = dict(ds.tables)
    tables["crime_reports"] = [_r(2019, q, "vold", 10) for q in (1, 2, 3, 4)] + [_r(2020, 1, "vold", 10)]
    model = compute.build_model(tables)
    ind = next(i for i in model.indicators if keyfigures.is_reports_indicator(i))
    assert [(o["year"], o["value"]) for o in ind["observations"]] == [(2019, 40)]  # 2020 is not a full year


# ---------------------------------------------------------------- top 25: internal only


def test_empty_real_tables_validate():
    report = validate(DATA, CONTENT)
    assert not [p for p in report.errors if p.kind == "empty-table"]
    for name in ("crime_reports", "crime_charges", "incident_locations", "safety_index"):
        assert load_data(DATA).tables[name] == [], f"{name}: the sources give no rows"


def test_incident_locations_never_reach_the_public_edition():
    ds = load_data(DATA)
    ds.tables["incident_locations"] = [
        {
            "year": 2019,
            "quarter": 4,
            "rank": 1,
            "place": "Kanariegade Hemmelig",
            "district_id": "valby",
            "count": 80,
            "source": "t",
        }
    ]
    public = edition.select(ds, [], "public")
    assert "incident_locations" not in public.tables
    assert "incident_locations" not in {r["name"] for r in public.descriptor["resources"]}
    assert "Kanariegade Hemmelig" in public.internal_values  # the audit looks for it in every output file
    internal = edition.select(ds, [], "internal")
    assert internal.tables["incident_locations"][0]["place"] == "Kanariegade Hemmelig"


# ---------------------------------------------------------------- pages (staged, without MkDocs)


def _stage(data: Path, content: Path, name: str) -> Path:
    config = settings.resolve(ROOT, data, content, scratch("out-"), 5, None)
    report = validate(config.data_dir, config.content_dir)
    assert report.ok, [p.line() for p in report.errors][:5]
    staging = scratch("kf-test-")
    pipeline.stage(name, config, staging, report)
    return staging / "docs"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth.write_package(out, activities=40, years=1, seed=7)
    return out


@pytest.mark.slow  # renders a whole edition of its own (seconds): the full suite runs it
def test_key_figures_page_with_real_sparse_data():
    docs = _stage(DATA, CONTENT, "public")
    page = (docs / "program/noegletal.md").read_text(encoding="utf-8")
    assert "Ingen data indberettet" in page
    assert "Top 25 liste over hvor sager og hændelser forekommer" in page  # the definitions (content prose)
    assert "Kvartalsvis" in page and "Københavns Politi" in page
    assert "Tryghedsindekset for 2010 indeholdt 12 områder" in page
    assert "Top 25 over gader" not in page
    safety = (docs / "program/tryghedsindeks.md").read_text(encoding="utf-8")
    assert "12 områder i 2010" in safety and "Højst 6 områder" in safety and "nævner ikke hvilke områder" in safety
    district = (docs / "bydele/noerrebro.md").read_text(encoding="utf-8")
    assert "Partnerskab for et trygt Nørrebro" in district or "partnerskab-for-et-trygt-noerrebro" in district
    assert "Ingen data indberettet" in district
    shutil.rmtree(docs.parent, ignore_errors=True)


@pytest.mark.slow  # renders a whole edition of its own (seconds): the full suite runs it
def test_key_figures_page_with_a_synthetic_full_year(synthetic: Path):
    docs = _stage(synthetic, synthetic / "content", "public")
    page = (docs / "program/noegletal.md").read_text(encoding="utf-8")
    assert "4. kvartal 2019" in page.replace("&#52;", "4") and "Januar–december 2018" in page
    for chart in ("chart-noegletal-typer", "chart-noegletal-bydele", "chart-noegletal-sigtelser", "chart-noegletal-kvartaler"):
        assert f'id="{chart}"' in page
        assert (docs / f"data/diagrammer/{chart}.csv").exists()
    assert "Ingen data indberettet" not in page.split("## Tryghedsindekset")[0]
    assert "Syntetisk gade" not in page  # top 25: internal edition only
    internal = _stage(synthetic, synthetic / "content", "internal")
    assert (internal / "program/noegletal.md").read_text(encoding="utf-8").count("Syntetisk gade") == 25 * 2
    safety = (docs / "program/tryghedsindeks.md").read_text(encoding="utf-8")
    assert "Syntetisk område 01" in safety and 'id="chart-tryghedsindeks"' in safety
    shutil.rmtree(docs.parent, ignore_errors=True)
    shutil.rmtree(internal.parent, ignore_errors=True)


@pytest.mark.slow
def test_public_build_with_synthetic_data_has_no_top_25():
    """The whole public edition (HTML, search index, downloads, chart CSVs) names no top-25 place."""
    from tests import planted

    root = planted.synthetic_root()
    places = {r["place"] for r in load_data(root / "syn").tables["incident_locations"]}
    assert len(places) >= 25
    site = root / "site/public"
    internal = (root / "site/internal/program/noegletal/index.html").read_text(encoding="utf-8")
    assert "Syntetisk gade" in internal  # the places are in the build: the internal edition shows them
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) > 100
    for path in files:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8", errors="replace")
        assert "Syntetisk gade" not in text, path
        assert "incident_locations" not in text, path
    assert (site / "program/noegletal/index.html").exists()
