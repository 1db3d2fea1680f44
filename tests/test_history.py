"""Follow-up history (issue 9): figures per year, an activity's change from year to year,
recurring measurement points, each number stored once; on a synthetic package with three years
and on the real data with a synthetic 2020 follow-up for three real activities."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from sikkerby_build import compute, editing, pipeline, settings, urls
from sikkerby_build.render import history as render_history
from sikkerby_build.synth import write_package
from sikkerby_build.validate import validate
from tests.conftest import scratch

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- a hand-worked example


def _rows(activity: str, year: int, met: list[str], indicators: list[str] | None = None, unit: str = "personer") -> list[dict]:
    indicators = indicators or [f"Målepunkt {i}" for i in range(1, len(met) + 1)]
    return [
        {"activity_id": activity, "year": year, "position": i, "met": m, "indicator": ind, "unit": unit,
         "value_before": None, "value_after": None, "value_criterion": None}
        for i, (m, ind) in enumerate(zip(met, indicators, strict=True), start=1)
    ]  # fmt: skip


def _scores(activity: str, year: int, parts: tuple[int, int, int, int]) -> list[dict]:
    return [
        {"activity_id": activity, "year": year, "criterion": c, "score": s, "justification": ""}
        for c, s in zip(compute.CRITERIA, parts, strict=True)
    ]


def _followup(activity: str, year: int, met: int | None = None, total: int | None = None) -> dict:
    return {"activity_id": activity, "year": year, "criteria_met": met, "criteria_total": total, "prevention_category": "primær"}


@pytest.fixture
def example() -> compute.Model:
    """Two activities. 'a': 2019 11 of 11 met (the report says 10/11), score 5+5+5+5 = 20;
    2020 9 of 12 met, score 5+4+5+4 = 18. 'b': 2019 only, 1 of 2 met (one row not assessable
    is left out), score 2+2+3+3 = 10. 'c': 2020 only, no measurement rows, no scores."""
    tables = {
        "activities": [{"id": k, "name": k.upper(), "description": "", "prevention_category": "primær"} for k in ("a", "b", "c")],
        "followups": [_followup("a", 2019, 10, 11), _followup("a", 2020), _followup("b", 2019), _followup("c", 2020)],
        "measurements": _rows("a", 2019, ["ja"] * 11)
        + _rows("a", 2020, ["ja"] * 9 + ["nej"] * 3)
        + _rows("b", 2019, ["ja", "nej", "kan ikke vurderes"]),
        "effect_scores": _scores("a", 2019, (5, 5, 5, 5)) + _scores("a", 2020, (5, 4, 5, 4)) + _scores("b", 2019, (2, 2, 3, 3)),
    }
    return compute.build_model(tables)


def test_figures_per_year_by_hand(example):
    by_year = example.figures.by_year
    assert sorted(by_year) == [2019, 2020]
    y2019, y2020 = by_year[2019], by_year[2020]
    # 2019: a (11/11 from the rows, not the report's 10/11) and b (1/2): 12 of 13; scores 20 and 10
    assert (y2019.followed_up, y2019.scored, y2019.criteria_met, y2019.criteria_total) == (2, 2, 12, 13)
    assert y2019.score_median == 15
    assert y2019.measurements == 14  # 11 + 3 rows
    # 2020: a (9/12) and c (nothing assessable): 9 of 12; one score, 18
    assert (y2020.followed_up, y2020.scored, y2020.criteria_met, y2020.criteria_total) == (2, 1, 9, 12)
    assert y2020.score_median == 18
    assert example.figures.latest is y2020


def test_history_of_one_activity_by_hand(example):
    a = next(x for x in example.activities if x["id"] == "a")
    first, second = a["history"]
    assert first.previous is None and first.score_delta is None
    assert (second.year, second.previous.year) == (2020, 2019)
    assert (second.previous.score, second.current.score, second.score_delta) == (20, 18, -2)
    assert (second.current.fulfilment.met, second.current.fulfilment.total) == (9, 12)
    assert second.share_delta == pytest.approx(9 / 12 - 1)
    assert second.part_deltas == {"A1": 0, "A2": -1, "A3": 0, "A4": -1}
    assert render_history.change_sentences(a["history"]) == [
        "2019 → 2020: effektscore 20 → 18, målopfyldelse 11/11 → 9/12 (A2 5 → 4, A4 5 → 4)"
    ]
    rows = render_history.history_rows(a["history"])
    assert [r["score_change"] for r in rows] == ["", "20 → 18"]
    assert rows[1]["score_delta"] == "−2" and rows[1]["share_change"] == "−25 procentpoint"
    assert render_history.explorer_years(a) == {"y2019": "all|1.0000|20||11/11", "y2020": "partly|0.7500|18|-2|9/12"}


def test_one_year_has_no_history_block(example):
    b = next(x for x in example.activities if x["id"] == "b")
    assert len(b["history"]) == 1
    assert render_history.activity_history(b) is None


def test_recurring_points_match_by_wording_then_by_position_with_the_same_unit():
    def followup(year, rows):
        return {
            "year": year,
            "measurements": [{"position": i, "indicator": ind, "unit": unit} for i, (ind, unit) in enumerate(rows, start=1)],
        }

    points = compute.recurring_points([
        followup(2019, [("Antal unge i job.", "personer"), ("Trivsel", "procent"), ("Fremmøder", "fremmøder")]),
        # 1: same wording (case, spacing and the full stop ignored); 2: moved to position 3;
        # 3: new wording in position 2, unit "procent" as Trivsel was in position 2 -> by position? no:
        #    position 2 in 2019 was Trivsel, continued by wording in 2020 already.
        followup(2020, [("antal  unge i job", "personer"), ("Fremmøder pr. bydel", "antal"), ("Trivsel", "procent")]),
        followup(2021, [("Antal unge i job", "personer"), ("Fremmøder pr. bydel", "antal")]),
    ])  # fmt: skip
    summary = [(p.indicator, sorted(p.by_year)) for p in points]
    assert summary == [("Antal unge i job", [2019, 2020, 2021]), ("Trivsel", [2019, 2020]), ("Fremmøder pr. bydel", [2020, 2021])]


def test_recurring_point_by_position_needs_the_same_unit():
    def followup(year, indicator, unit):
        return {"year": year, "measurements": [{"position": 1, "indicator": indicator, "unit": unit}]}

    reworded = [followup(2019, "Antal deltagere", "personer"), followup(2020, "Deltagere i alt", "personer")]
    assert [sorted(p.by_year) for p in compute.recurring_points(reworded)] == [[2019, 2020]]
    other_unit = [followup(2019, "Antal deltagere", "personer"), followup(2020, "Andel i job", "procent")]
    assert compute.recurring_points(other_unit) == []


# ---------------------------------------------------------------- each number stored once


@pytest.mark.parametrize(
    ("text", "value", "unit", "more"),
    [
        ("1.158", 1158, "personer", False),
        ("72 forløb", 72, "forløb", False),
        ("85 %", 85, "procent", False),
        ("88,5 %.", 88.5, "procent", False),
        ("88,5% har gennemført.", 88.5, "procent", True),
        ("50 unge", 50, "personer", True),
        ("Ikke relevant", None, "personer", True),
        ("", 12, "personer", False),
    ],
)
def test_wording_is_shown_only_when_it_says_more_than_the_number(text, value, unit, more):
    assert compute.says_more(text, value, unit) is more


def test_a_measurement_shows_its_number_once_and_the_wording_only_when_it_says_more():
    cells = compute.measured_values(
        {"before_text": "544 personer", "value_before": 544, "after_text": "463 unge er ansat i 2019.", "value_after": 463,
         "criterion_text": "Mindst 460", "value_criterion": None, "unit": "personer"}
    )  # fmt: skip
    assert (cells["before"].value, cells["before"].text) == (544, None)
    assert (cells["after"].value, cells["after"].text) == (463, "463 unge er ansat i 2019.")
    assert (cells["criterion"].value, cells["criterion"].text) == (None, "Mindst 460")


# ---------------------------------------------------------------- rendered pages (no MkDocs)


def _stage(data_dir: Path, edition: str = "internal"):
    config = settings.resolve(ROOT, data_dir)
    report = validate(config.data_dir, config.content_dir)
    assert report.ok, report.render()
    staging = scratch("history-")
    data, result = pipeline.stage(edition, config, staging, report)
    return staging / "docs", result


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _expected_changes(data_dir: Path, activity: str) -> list[str]:
    """The change lines computed by hand from the CSV files, independently of compute.py."""
    scores: dict[int, dict[str, int]] = {}
    for r in _csv(data_dir / "effect_scores.csv"):
        if r["activity_id"] == activity:
            scores.setdefault(int(r["year"]), {})[r["criterion"]] = int(r["score"])
    met: dict[int, list[str]] = {}
    for r in _csv(data_dir / "measurements.csv"):
        if r["activity_id"] == activity:
            met.setdefault(int(r["year"]), []).append(r["met"])
    years = sorted(int(f["year"]) for f in _csv(data_dir / "followups.csv") if f["activity_id"] == activity)

    def total(y):
        return sum(scores[y].values()) if len(scores.get(y, {})) == 4 else "–"

    def ful(y):
        ok = [m for m in met.get(y, []) if m in ("ja", "nej")]
        return f"{ok.count('ja')}/{len(ok)}" if ok else "–"

    lines = []
    for before, after in zip(years, years[1:], strict=False):
        parts = [f"{c} {scores[before][c]} → {scores[after][c]}" for c in compute.CRITERIA
                 if c in scores.get(before, {}) and c in scores.get(after, {}) and scores[before][c] != scores[after][c]]  # fmt: skip
        lines.append(
            f"{before} → {after}: effektscore {total(before)} → {total(after)}, målopfyldelse {ful(before)} → {ful(after)}"
            + (f" ({', '.join(parts)})" if parts else "")
        )
    return lines


def _history_items(page: str) -> list[str]:
    block = re.search(r'<ul class="sb-history-changes">(.*?)</ul>', page, re.S)
    assert block, "no history block on the page"
    import html

    return [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", block.group(1))]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth3")
    write_package(out, 20, years=3, seed=2019)
    return out


@pytest.mark.slow  # renders a whole edition of its own (seconds): the full suite runs it
def test_synthetic_three_years_activity_pages_show_the_changes(synthetic):
    docs, result = _stage(synthetic)
    assert result.report_years == [2019, 2020, 2021]
    followed = {}
    for f in _csv(synthetic / "followups.csv"):
        followed.setdefault(f["activity_id"], set()).add(int(f["year"]))
    three = sorted(a for a, ys in followed.items() if len(ys) == 3)
    assert three, "the synthetic package should have activities with three follow-ups"
    for activity in three:
        page = (docs / urls.activity(activity)).read_text(encoding="utf-8")
        assert _history_items(page) == _expected_changes(synthetic, activity)
        assert f'id="chart-historik-{activity}"' in page
        assert "Målepunkter, der går igen" in page  # "Syntetisk målepunkt 1" recurs every year
    once = [a for a, ys in followed.items() if len(ys) == 1]
    for activity in once:
        assert "sb-history-changes" not in (docs / urls.activity(activity)).read_text(encoding="utf-8")
    results = (docs / urls.RESULTS).read_text(encoding="utf-8")
    assert 'id="chart-maalopfyldelse-pr-aar"' in results and 'id="chart-effektscorer-pr-aar"' in results
    for year in (2019, 2020, 2021):
        assert f'href="aarsrapport-{year}/"' in results
    explorer = (docs / urls.EXPLORER).read_text(encoding="utf-8")
    assert '<option value="2021">2021</option>' in explorer and "data-y2020=" in explorer


REAL_ACTIVITIES = ("sjakket", "feriecamp", "studie-og-fritidsjob")


def add_2020_followups(data_dir: Path) -> dict[str, tuple[int, tuple[int, ...]]]:
    """A synthetic 2020 follow-up for three real activities, made with 'sikkerby new followup' and
    filled in as an editor would: the 2019 indicators again (all met but the last), scores 3,3,4,4.
    Returns per activity the number of measurement rows and the scores."""
    made = {}
    measurements = _csv(data_dir / "measurements.csv")
    # a synthetic source document for 2020 and the year marked complete (followup_years, issue 20)
    with open(data_dir / "documents.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["905", "Syntetisk test 2020", "Syntetisk test 2020", "2020", "Test", "Syntetisk.", "905 titelblad"]
        )
    with open(data_dir / "followup_years.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("2020,afsluttet,905,,905 titelblad\n")
    for activity in REAL_ACTIVITIES:
        editing.new_followup(data_dir, activity, 2020)
        rows_2019 = [m for m in measurements if m["activity_id"] == activity and m["year"] == "2019"]
        made[activity] = (len(rows_2019), (3, 3, 4, 4))

    def fill(name: str, change) -> None:
        path = data_dir / name
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header, rows = reader.fieldnames, list(reader)
        out = []
        for row in rows:
            if row.get("source") == editing.SKELETON:
                out.extend(change(row))
            else:
                out.append(row)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(out)

    def followup(row):
        return [{**row, "description": "Syntetisk testopfølgning 2020.", "source": "905 syntetisk 2020"}]

    def measurement(row):
        old = [m for m in measurements if m["activity_id"] == row["activity_id"] and m["year"] == "2019"]
        return [
            {**m, "id": f"{row['activity_id']}-2020-{m['position']}", "year": "2020", "met": "nej" if i == len(old) - 1 else "ja",
             "source": "905 syntetisk 2020"}
            for i, m in enumerate(old)
        ]  # fmt: skip

    def score(row):
        value = dict(zip(compute.CRITERIA, (3, 3, 4, 4), strict=True))[row["criterion"]]
        return [{**row, "score": str(value), "source": "905 syntetisk 2020"}]

    fill("followups.csv", followup)
    fill("measurements.csv", measurement)
    fill("effect_scores.csv", score)
    return made


@pytest.mark.slow  # renders a whole edition of its own (seconds): the full suite runs it
def test_real_data_with_a_2020_followup_for_three_activities(data_copy):
    made = add_2020_followups(data_copy)
    docs, result = _stage(data_copy)
    assert result.report_years == [2019, 2020]
    nav = urls.site_nav(result.report_years, result.nav_pages, internal=True)
    results_section = next(item for item in nav if item.title == "Resultater")
    assert [c.title for c in results_section.children if c.title and c.title.startswith("Effektopfølgning")] == [
        "Effektopfølgning 2020", "Effektopfølgning 2019"]  # fmt: skip
    for activity, (n, _) in made.items():
        page = (docs / urls.activity(activity)).read_text(encoding="utf-8")
        assert _history_items(page) == _expected_changes(data_copy, activity)
        assert ", målopfyldelse " in _history_items(page)[0] and f" → {n - 1}/{n}" in _history_items(page)[0]
    model_page = (docs / urls.annual_report(2020)).read_text(encoding="utf-8")
    assert "I 2020 blev 3 aktiviteter fulgt op." in model_page


def test_figures_of_2020_count_the_three_activities(data_copy):
    made = add_2020_followups(data_copy)
    from sikkerby_build.load import load_data

    model = compute.build_model(load_data(data_copy).tables)
    y2020 = model.figures.by_year[2020]
    assert y2020.followed_up == 3 and y2020.scored == 3
    assert (y2020.criteria_met, y2020.criteria_total) == (sum(n - 1 for n, _ in made.values()), sum(n for n, _ in made.values()))
    assert y2020.score_median == 14
    assert model.figures.latest.year == 2020


@pytest.mark.slow
def test_synthetic_three_years_build_lists_every_year():
    from tests import planted

    assert planted.SYNTHETIC["years"] == 3
    out = planted.synthetic_root() / "site"
    html = (out / "internal" / "resultater" / "index.html").read_text(encoding="utf-8")
    for year in (2019, 2020, 2021):
        assert f"Effektopfølgning {year}" in html
        assert (out / "internal" / "resultater" / f"aarsrapport-{year}" / "index.html").exists()
