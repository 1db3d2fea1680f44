"""Follow-up history for the pages: an activity's years side by side with the change from the
year before, recurring measurement points, the explorer's per-year values and the results page's
per-year overview. The numbers come from ``compute.history``/``compute.recurring_points``; this
module only turns them into rows a template prints as they are (no logic in templates).
"""

from __future__ import annotations

from typing import TypedDict

from .. import charts, compute, danish
from ..charts import change_text
from ..disclosure import Suppressed
from ..sanitize import plain_text


def fulfilment_label(f: compute.Fulfilment | None) -> str:
    return f"{f.met}/{f.total}" if f is not None and f.assessable else "–"


def signed(delta: float | None, decimals: int = 0) -> str:
    """+2, −3 (a real minus sign), ±0; "" when there is nothing to compare."""
    if delta is None:
        return ""
    if round(delta, decimals) == 0:
        return "±0"
    text = danish.number(abs(delta), decimals)
    return ("+" if delta > 0 else "−") + text


class PartRow(TypedDict):
    """One of A1–A4 in a follow-up year, with its change from the year before."""

    criterion: str
    score: int | None
    change: str
    delta: str


class HistoryRow(TypedDict):
    """One follow-up year of an activity, with "before → after" texts from the previous year."""

    year: int
    previous_year: int | None
    marking: str
    fulfilment: str
    fulfilment_change: str
    share_change: str
    score: int | None
    score_change: str
    score_delta: str
    parts: list[PartRow]


class RecurringCell(TypedDict):
    after: str
    criterion: str
    met: str


class RecurringRow(TypedDict):
    """A recurring measurement point: per year its cell, or None in a year without it."""

    indicator: str
    cells: list[RecurringCell | None]


class HistoryView(TypedDict):
    """What an activity page shows of two or more follow-up years."""

    years: list[int]
    rows: list[HistoryRow]
    changes: list[str]
    chart: charts.Chart | None
    recurring: list[RecurringRow]


class ExplorerRow(TypedDict):
    years: dict[str, str]
    change: str
    change_text: str
    rank: float


class YearRow(TypedDict):
    """One follow-up year on the results page."""

    year: int
    followed_up: int
    scored: int
    criteria: str
    share: str
    share_change: str
    median: str


def history_rows(history: list[compute.YearChange]) -> list[HistoryRow]:
    """One row per follow-up year: its values, and "before → after" texts from the previous year."""
    rows: list[HistoryRow] = []
    for h in history:
        cur, prev = h.current, h.previous
        rows.append(
            {
                "year": h.year,
                "previous_year": prev.year if prev else None,
                "marking": cur.marking,
                "fulfilment": fulfilment_label(cur.fulfilment),
                "fulfilment_change": change_text(fulfilment_label(prev.fulfilment), fulfilment_label(cur.fulfilment)) if prev else "",
                "share_change": signed(None if h.share_delta is None else h.share_delta * 100) + (" procentpoint" if h.share_delta is not None else ""),
                "score": cur.score,
                "score_change": change_text(prev.score, cur.score) if prev else "",
                "score_delta": signed(h.score_delta),
                "parts": [
                    {
                        "criterion": c,
                        "score": cur.parts.get(c),
                        "change": change_text(prev.parts.get(c), cur.parts.get(c)) if prev else "",
                        "delta": signed(h.part_deltas[c]),
                    }
                    for c in compute.CRITERIA
                ],
            }
        )
    return rows


def change_sentences(history: list[compute.YearChange]) -> list[str]:
    """"2020: effektscore 20 → 18, målopfyldelse 11/11 → 9/12 (A1 5 → 4, A3 4 → 3)"."""
    out = []
    for row in history_rows(history)[1:]:
        parts = [f"{p['criterion']} {p['change']}" for p in row["parts"] if p["delta"] not in ("", "±0")]
        text = f"{row['previous_year']} → {row['year']}: effektscore {row['score_change']}, målopfyldelse {row['fulfilment_change']}"
        out.append(text + (f" ({', '.join(parts)})" if parts else ""))
    return out


def _value_text(cell: compute.MeasuredValue) -> str:
    if isinstance(cell.value, Suppressed):
        number = str(cell.value)
    elif cell.value is not None:
        number = danish.number(cell.value, 2 if cell.value % 1 else 0)
    else:
        text = plain_text(cell.text or "")
        return text if len(text) <= 120 else text[:117].rstrip() + " …"
    return f"{number} {cell.unit}" if cell.unit else number


def recurring_rows(points: list[compute.RecurringPoint], years: list[int]) -> list[RecurringRow]:
    """Recurring measurement points: per year the after value (number + unit, else the wording) and 'met'."""
    rows: list[RecurringRow] = []
    for p in points:
        cells: list[RecurringCell | None] = []
        for y in years:
            row = p.by_year.get(y)
            if row is None:
                cells.append(None)
                continue
            cells.append({"after": _value_text(row["cells"]["after"]), "criterion": _value_text(row["cells"]["criterion"]), "met": row["met"]})
        rows.append({"indicator": p.indicator, "cells": cells})
    return rows


def activity_history(activity: compute.Activity) -> HistoryView | None:
    """What the activity page shows of its history (None below two follow-up years)."""
    history = activity["history"]
    if len(history) < 2:
        return None
    years = [h.year for h in history]
    return {
        "years": years,
        "rows": history_rows(history),
        "changes": change_sentences(history),
        "chart": charts.history_chart(activity["id"], activity["name"], history),
        "recurring": recurring_rows(activity["recurring"], years),
    }


# ---------------------------------------------------------------- the explorer


def explorer_years(activity: compute.Activity) -> dict[str, str]:
    """``data-*`` values of an explorer row per follow-up year: ``{"y2020": "partly|0.7500|18|-2|9/12"}``.

    Fields, separated by '|': marking, share met (or -1), effect score (or -1), change of the
    effect score from the activity's previous follow-up (empty when there is none), fulfilment a/b.
    """
    out = {}
    for h in activity.get("history") or []:
        cur = h.current
        share = "-1" if cur.share_met is None else f"{cur.share_met:.4f}"
        score = "-1" if cur.score is None else str(cur.score)
        delta = "" if h.score_delta is None else str(h.score_delta)
        out[f"y{h.year}"] = f"{cur.marking}|{share}|{score}|{delta}|{fulfilment_label(cur.fulfilment) if cur.fulfilment.assessable else ''}"
    return out


def explorer_row(activity: compute.Activity) -> ExplorerRow:
    """An explorer row's history: per-year ``data-*`` values, the change at its latest follow-up and
    the latest share of criteria met (``rank``, -1 when not assessable)."""
    past = activity.get("history") or []
    delta = past[-1].score_delta if past else None
    latest = activity.get("latest")
    share = latest["fulfilment"].share if latest else None
    return {
        "years": explorer_years(activity),
        "change": "" if delta is None else str(delta),
        "change_text": signed(delta),
        "rank": -1 if share is None else share,  # sorts by the latest share of criteria met
    }


# ---------------------------------------------------------------- results across years


def year_rows(figures: compute.Figures) -> list[YearRow]:
    """The results page's per-year overview, from ``model.figures.by_year`` (oldest first)."""
    rows: list[YearRow] = []
    previous = None
    for year, y in sorted(figures.by_year.items()):
        rows.append(
            {
                "year": year,
                "followed_up": y.followed_up,
                "scored": y.scored,
                "criteria": f"{y.criteria_met} af {y.criteria_total}" if y.criteria_total else "–",
                "share": danish.percent(y.share_met),
                "share_change": ""
                if previous is None or previous.share_met is None or y.share_met is None
                else signed((y.share_met - previous.share_met) * 100) + " procentpoint",
                "median": "–" if y.score_median is None else danish.number(y.score_median, 1 if y.score_median % 1 else 0),
            }
        )
        previous = y
    return rows


def scores_by_year(followups: list[compute.Followup]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for f in followups:
        if f["score"].total is not None:
            out.setdefault(f["year"], []).append(f["score"].total)
    return out
