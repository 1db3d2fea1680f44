"""Results of the effect follow-up: the annual report per year, overview, summaries,
budget against effect, reporting status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ... import charts, compute, urls
from .. import history
from ..contexts import AnnualReportContext, BudgetEffectContext, ResultsContext, StatusContext, StatusRow, SummariesContext
from ..page import Page
from ..site import Site
from .activities import CATEGORY_ORDER


def generate(site: Site) -> Iterator[Page]:
    for year in site.model.figures.followup_years:
        yield _annual_report(site, year)
    yield _results_index(site)
    yield _budget_effect(site)
    yield Page(
        urls.STATUS, "status.md.j2", {"title": "Rapporteringsstatus"},
        StatusContext(activities=site.model.activities, by_administration=status_by_administration(site)),
    )  # fmt: skip
    yield Page(
        urls.SUMMARIES, "summaries.md.j2", {"title": "Sammenfatning"},
        SummariesContext(summaries=site.model.summaries, participants=site.data.participants),
    )  # fmt: skip


def _annual_report(site: Site, year: int) -> Page:
    labels = site.labels["categories"]
    year_followups = [f for f in site.model.followups if f["year"] == year]
    names = {a["id"]: a["name"] for a in site.model.activities}

    def in_category(category: str) -> list[compute.Followup]:
        chosen = (f for f in year_followups if f["prevention_category"] == category)
        return sorted(chosen, key=lambda f: names[f["activity_id"]])

    groups = [(c, labels[c], in_category(c)) for c in CATEGORY_ORDER]
    return Page(
        urls.annual_report(year), "annual_report.md.j2", {"title": f"Effektopfølgning {year}"},
        AnnualReportContext(year=year, groups=groups, names=names, followups=year_followups),
    )  # fmt: skip


def _results_index(site: Site) -> Page:
    model = site.model
    years = model.figures.followup_years
    year_label = ", ".join(str(y) for y in years) or "–"
    markings = {k: v["label"] for k, v in site.labels["markings"].items()}
    marking_chart = charts.marking_chart(dict(Counter(a["marking"] for a in model.activities)), markings, year_label)
    totals = [f["score"].total for f in model.followups if f["score"].total is not None]
    score_chart = charts.score_distribution_chart(totals, year_label)
    # across the years (shown from two follow-up years): the share met and the score distribution per year
    several = len(years) >= 2
    years_chart = charts.years_fulfilment_chart(model.figures.by_year) if several else None
    years_score_chart = charts.years_score_chart(history.scores_by_year(model.followups)) if several else None
    return Page(
        urls.RESULTS, "results.md.j2", {"title": "Resultater"},
        ResultsContext(years=years, marking_chart=marking_chart, score_chart=score_chart,
             year_rows=history.year_rows(model.figures), years_chart=years_chart, years_score_chart=years_score_chart),
        charts=[c for c in (marking_chart, score_chart, years_chart, years_score_chart) if c is not None],
    )  # fmt: skip


def budget_points(site: Site) -> list[charts.BudgetPoint]:
    points = []
    for a in site.model.activities:
        latest = a["latest"]
        budget = (latest["budget_dkk"] or a["budget_dkk"]) if latest else None
        if latest and latest["score"].total is not None and budget is not None:
            points.append(charts.BudgetPoint(a["id"], a["name"], budget, latest["score"].total, latest["year"]))
    return points


def _budget_effect(site: Site) -> Page:
    points = budget_points(site)
    with_budget = {p.id for p in points}
    unscored = [a for a in site.model.activities if a["latest"] and a["latest"]["score"].total is not None and a["id"] not in with_budget]
    chart = charts.budget_effect_chart(points)
    return Page(
        urls.BUDGET_EFFECT, "budget_effect.md.j2", {"title": "Budget og effekt"},
        BudgetEffectContext(chart=chart, unscored=unscored),
        charts=[chart] if chart else [],
    )  # fmt: skip


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}\u00a0%" if whole else "–"  # no line break before "%"


def status_by_administration(site: Site) -> list[StatusRow]:
    """Per administration (an activity counts for each administration it names): how many
    activities, how many followed up, with every criterion met, and with an effect score; last
    a row for all activities, each counted once."""
    names = {code: row["name"] for code, row in site.ref.administrations.items()}
    acts = site.model.activities
    rows = [_status_row(code, names.get(code, code), [a for a in acts if code in a["administrations"]])
            for code in sorted({c for a in acts for c in a["administrations"]})]  # fmt: skip
    unnamed = [a for a in acts if not a["administrations"]]
    if unnamed:
        rows.append(_status_row("", "Ingen forvaltning angivet", unnamed))
    rows.append(_status_row("", "Alle aktiviteter (hver én gang)", acts))
    return rows


def _status_row(code: str, name: str, acts: list[compute.Activity]) -> StatusRow:
    followed = [a for a in acts if a["latest"]]
    counted = [latest["fulfilment"].counted for a in followed if (latest := a["latest"])]
    met, total = sum(m for m, _ in counted), sum(t for _, t in counted)
    all_met = sum(1 for a in followed if a["marking"] == "all")
    scored = sum(1 for a in acts if a["effect_score"] is not None)
    return {
        "code": code, "name": name, "activities": len(acts), "followed_up": len(followed), "all_met": all_met, "scored": scored,
        "followed_up_share": _share(len(followed), len(acts)),
        "all_met_share": _share(all_met, len(followed)),
        "scored_share": _share(scored, len(acts)),
        "criteria": f"{met} af {total} ({_share(met, total)})" if total else "–",
    }  # fmt: skip
