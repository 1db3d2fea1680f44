"""The share of success criteria met is computed once (``compute.share_met``); everything else calls it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sikkerby_build import compute
from sikkerby_build.render import history

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("met", "total", "expected"),
    [(3, 4, 0.75), (0, 5, 0.0), (5, 5, 1.0), (2, 3, 2 / 3), (0, 0, None), (None, 4, None), (3, None, None), (None, None, None)],
)
def test_share_met(met, total, expected):
    assert compute.share_met(met, total) == expected


def test_fulfilment_share():
    assert compute.Fulfilment(9, 12).share == 0.75
    assert compute.Fulfilment(0, 0).share is None and compute.Fulfilment(None, None).share is None


def _year_result(met, total):
    fulfilment = compute.Fulfilment(met, total)
    return compute.YearResult(2020, fulfilment, compute.fulfilment_marking(fulfilment), 12, {})


def test_every_share_goes_through_share_met(monkeypatch):
    calls = []

    def spy(met, total):
        calls.append((met, total))
        return 0.123456

    monkeypatch.setattr(compute, "share_met", spy)
    summary = compute.Summary("k", "K", criteria_met=3, criteria_total=4)
    figures = compute.YearFigures(2020, 1, 1, 1, 7, 8, None)
    result = _year_result(9, 12)
    activity = {"history": [compute.YearChange(result, None)], "latest": {"fulfilment": compute.Fulfilment(1, 2)}}
    assert summary.share_met == figures.share_met == result.share_met == 0.123456
    assert compute.Fulfilment(2, 5).share == 0.123456
    assert history.explorer_row(activity)["rank"] == 0.123456  # the explorer template's sort value
    assert {(3, 4), (7, 8), (9, 12), (2, 5), (1, 2)} <= set(calls)


def test_explorer_rank_without_an_assessable_followup():
    assert history.explorer_row({"history": [], "latest": None})["rank"] == -1
    assert history.explorer_row({"history": [], "latest": {"fulfilment": compute.Fulfilment(None, None)}})["rank"] == -1
    assert history.explorer_row({"history": [], "latest": {"fulfilment": compute.Fulfilment(2, 3)}})["rank"] == 2 / 3


DIVISION = re.compile(r"(?<![a-z])met\b[\])'\"]*\s*/(?!/)|/\s*[\w.\[\]\"']*total\b")


def test_no_template_or_module_divides_met_by_total_itself():
    found = []
    for path in sorted((ROOT / "overrides").rglob("*.j2")) + sorted((ROOT / "sikkerby_build").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if DIVISION.search(line) and not line.strip().startswith(('"""', "#", "{#")):  # code, not prose
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert len(found) == 1, found  # compute.share_met itself
    assert found[0].startswith("sikkerby_build/compute.py:") and found[0].endswith(
        "return met / total if met is not None and total else None"
    )
    assert DIVISION.search("{{ (a.latest.fulfilment.met / a.latest.fulfilment.total) }}")  # the scan can fail
    assert DIVISION.search("return self.criteria_met / self.criteria_total")
