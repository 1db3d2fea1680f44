"""Unit tests for the computations, with the 2019 report's own numbers as expected values."""

from __future__ import annotations

import pytest

from sikkerby_build import compute
from sikkerby_build.load import load_data
from tests.conftest import DATA


@pytest.fixture(scope="module")
def model() -> compute.Model:
    return compute.build_model(load_data(DATA).tables)


def _followup(model: compute.Model, activity_id: str, year: int = 2019) -> dict:
    return next(f for f in model.followups if f["activity_id"] == activity_id and f["year"] == year)


@pytest.mark.parametrize(
    ("activity_id", "parts", "total"),
    [
        # seed 003, EFFEKT tables: "Samlet effektscore"
        ("feriecamp", {"A1": 3, "A2": 3, "A3": 1, "A4": 5}, 12),
        ("sjakket", {"A1": 5, "A2": 5, "A3": 5, "A4": 5}, 20),
        ("koebenhavnerteamet", {"A1": 5, "A2": 5, "A3": 4, "A4": 5}, 19),
        ("din-betjent", {"A1": 1, "A2": 3, "A3": 3, "A4": 5}, 12),
        ("vink", {"A1": 4, "A2": 4, "A3": 4, "A4": 5}, 17),
        ("18-plus-enheden", {"A1": 4, "A2": 4, "A3": 3, "A4": 5}, 16),
        ("all-in", {"A1": 3, "A2": 5, "A3": 4, "A4": 5}, 17),
    ],
)
def test_effect_score_matches_report(model, activity_id, parts, total):
    f = _followup(model, activity_id)
    assert f["score"].parts == parts
    assert f["score"].total == total == f["effect_score_total"]
    assert f["score"].max == 20


def test_effect_score_needs_all_four_criteria():
    assert compute.effect_score({"A1": 5, "A2": 5, "A3": 5}).total is None
    assert compute.effect_score({"A1": 1, "A2": 1, "A3": 1, "A4": 1}).total == 4


@pytest.mark.parametrize(
    ("activity_id", "met", "total", "marking"),
    [
        ("feriecamp", 0, 1, "none"),  # "Opfyldelse af succeskriterier 0/1"
        ("sjakket", 10, 11, "partly"),  # the report says 11/11; its own rows show one "Nej"
        ("din-betjent", 2, 3, "partly"),
        ("amager-partnerskab", 4, 7, "partly"),
        ("tryghed-sydhavn", 4, 4, "all"),
    ],
)
def test_headline_fulfilment_and_marking(model, activity_id, met, total, marking):
    f = _followup(model, activity_id)
    assert (f["fulfilment"].met, f["fulfilment"].total) == (met, total)
    assert f["marking"] == marking


def test_not_assessable_is_not_the_bad_marking(model):
    f = _followup(model, "green-teams-driftsamarbejde")  # "Ikke muligt at vurdere"
    assert not f["fulfilment"].assessable
    assert f["marking"] == "not_assessable"
    assert compute.fulfilment_marking(None) == "no_followup"
    assert compute.fulfilment_marking(compute.Fulfilment(0, 3)) == "none"


def test_computed_fulfilment_from_rows():
    rows = [{"met": "ja"}, {"met": "nej"}, {"met": "kan ikke vurderes"}, {"met": "ja"}]
    assert compute.fulfilment_from_rows(rows) == compute.Fulfilment(2, 3)
    assert compute.fulfilment_from_rows([{"met": "kan ikke vurderes"}]) == compute.Fulfilment(None, None)


def test_computed_fulfilment_differs_where_report_disagrees(model):
    sjakket = _followup(model, "sjakket")  # row 2: 21 % against a criterion of 25 %
    assert (sjakket["fulfilment_computed"].met, sjakket["fulfilment_computed"].total) == (10, 11)
    assert not sjakket["fulfilment_agrees"]
    # The headline follows the rows; the report's 11/11 is kept alongside.
    assert sjakket["fulfilment"] == compute.Fulfilment(10, 11) and sjakket["fulfilment_reported"] == compute.Fulfilment(11, 11)
    assert sjakket["marking"] == "partly"
    assert _followup(model, "amager-partnerskab")["fulfilment_agrees"]


@pytest.mark.parametrize(
    ("activity", "status"),
    [
        ({"in_programme": True, "budget_dkk": 4_800_000, "knowledge_gap": True}, "eligible"),
        ({"in_programme": True, "budget_dkk": 500_000, "knowledge_gap": True}, "eligible"),  # ≥ 0,5 mio. kr.
        ({"in_programme": True, "budget_dkk": 499_999, "knowledge_gap": True}, "not_eligible"),
        ({"in_programme": True, "budget_dkk": None, "knowledge_gap": True}, "unknown"),
        ({"in_programme": True, "budget_dkk": 4_800_000, "knowledge_gap": None}, "unknown"),
        ({"in_programme": False, "budget_dkk": None, "knowledge_gap": None}, "not_eligible"),
    ],
)
def test_effect_model_eligibility(activity, status):
    assert compute.effect_model_eligibility(activity).status == status


def test_eligibility_of_real_activity_without_knowledge_gap_info(model):
    din_betjent = next(a for a in model.activities if a["id"] == "din-betjent")  # 633.000 kr.
    assert din_betjent["eligibility"].status == "unknown"
    assert any("mangler viden" in r for r in din_betjent["eligibility"].reasons)


class TestGoalProgress:
    def test_baseline_only_is_not_enough_data(self, model):
        goal1 = next(g for g in model.goals if g["id"] == "effektmaal-1")
        assert goal1["baseline_value"] == 12 and goal1["baseline_year"] == 2010
        assert goal1["progress"].status == "not_enough_data"

    def test_achieved(self):
        assert compute.goal_progress([(2010, 12), (2014, 5)], 6, 2014, "falling").status == "achieved"

    def test_on_track_worked_example(self):
        # 12 -> 9 in two years; 12 -> 6 needs (6/12)^(1/4)-1 = -15.9 %/yr; observed -13.4 %/yr: ratio 0.84
        p = compute.goal_progress([(2010, 12), (2012, 9)], 6, 2014, "falling")
        assert p.required_rate == pytest.approx(-0.1591, abs=1e-4)
        assert p.observed_rate == pytest.approx(-0.1340, abs=1e-4)
        assert p.status == "some_progress"

    def test_on_track(self):
        assert compute.goal_progress([(2010, 12), (2012, 8)], 6, 2014, "falling").status == "on_track"

    def test_deterioration(self):
        assert compute.goal_progress([(2010, 12), (2012, 14)], 6, 2014, "falling").status == "deterioration"

    def test_zero_target_uses_linear_rate(self):
        p = compute.goal_progress([(2010, 4), (2012, 2)], 0, 2014, "falling")
        assert p.method == "linear" and p.status == "on_track"

    def test_direction_only(self):
        assert compute.goal_progress([(2010, 50), (2011, 55)], None, None, "rising").status == "improving"
        assert compute.goal_progress([(2010, 50), (2011, 55)], None, None, "falling").status == "worsening"


def test_methodology_worked_example_is_consistent():
    ex = compute.worked_example()
    assert ex["status"] == "some_progress"
    assert ex["ratio"] == pytest.approx(ex["observed_rate"] / ex["required_rate"])


def test_summaries_by_category(model):
    tertiary = next(s for s in model.summaries["prevention_category"] if s.key == "tertiær")
    # 2019: 18+, Spydspidsen, SSP+, Den Korte Snor, EKI, Afsoning, NEXUS are tertiary in the report
    assert tertiary.activities >= 7
    assert tertiary.criteria_total > 0
    area = next(s for s in model.summaries["prevention_category"] if s.key == "områdebaseret")
    # Folehaven 5/6, Tingbjerg 5/6, Amager 4/7, Sydhavn 4/4, All In 7/7
    assert (area.criteria_met, area.criteria_total) == (25, 30)
    assert sorted(area.scores) == [14, 14, 15, 17, 17]


def test_headline_figures(model):
    latest = model.figures.latest
    assert (latest.year, latest.followed_up, latest.scored, latest.measurements) == (2019, 23, 14, 100)
    assert (latest.criteria_met, latest.criteria_total) == (67, 89)  # from the measurement rows
    assert model.figures.activities >= 50
    assert model.figures.goals == 4


def test_an_indicator_with_two_series_is_followed_on_its_first():
    """Progress is measured on one series, as a goal's is: the second series' values are not
    mixed into it (before: every series' points went into one progress line)."""

    def obs(series, year, value):
        return {"id": f"o-{series}-{year}", "goal_id": None, "indicator_id": "i1", "series": series, "year": year,
                "period": str(year), "value": value, "unit": "antal", "note": None, "source": "003"}  # fmt: skip

    tables = {
        "indicators": [
            {
                "id": "i1",
                "goal_id": "g1",
                "text": "Antal",
                "direction": "falling",
                "unit": "antal",
                "cadence": "årlig",
                "source": "003",
            }
        ],
        "observations": [
            obs("København", 2010, 10),
            obs("København", 2012, 8),
            obs("Gns. 4 største kommuner", 2010, 100),
            obs("Gns. 4 største kommuner", 2012, 200),
        ],
    }
    (indicator,) = compute.build_model(tables).indicators
    assert indicator["progress"] == compute.goal_progress([(2010, 10), (2012, 8)], None, None, "falling")
    assert indicator["progress"] != compute.goal_progress(
        [(2010, 10), (2012, 8), (2010, 100), (2012, 200)], None, None, "falling"
    )
