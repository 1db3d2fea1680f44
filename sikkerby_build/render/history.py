"""Follow-up history for the pages: an activity's years side by side with the change from the
year before, recurring measurement points, the explorer's per-year values and the results page's
per-year overview. The numbers come from ``compute.history``/``compute.recurring_points``; this
module only turns them into rows a template prints as they are (no logic in templates).
"""

from __future__ import annotations

from typing import Any

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


def history_rows(history: list[compute.YearChange]) -> list[dict[str, Any]]:
    """One row per follow-up year: its values, and "before → after" texts from the previous year."""
    rows = []
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


def recurring_rows(points: list[compute.RecurringPoint], years: list[int]) -> list[dict[str, Any]]:
    """Recurring measurement points: per year the after value (number + unit, else the wording) and 'met'."""
    rows = []
    for p in points:
        cells: list[dict[str, Any] | None] = []
        for y in years:
            row = p.by_year.get(y)
            if row is None:
                cells.append(None)
                continue
            cells.append({"after": _value_text(row["cells"]["after"]), "criterion": _value_text(row["cells"]["criterion"]), "met": row["met"]})
        rows.append({"indicator": p.indicator, "cells": cells})
    return rows


def activity_context(activity: compute.Activity) -> dict[str, Any]:
    """What the activity page shows of its history (nothing below two follow-up years)."""
    history = activity.get("history") or []
    if len(history) < 2:
        return {"history": None}
    years = [h.year for h in history]
    return {
        "history": {
            "years": years,
            "rows": history_rows(history),
            "changes": change_sentences(history),
            "chart": charts.history_chart(activity["id"], activity["name"], history),
            "recurring": recurring_rows(activity.get("recurring") or [], years),
        }
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


def explorer_row(activity: compute.Activity) -> dict[str, Any]:
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


def year_rows(figures: compute.Figures) -> list[dict[str, Any]]:
    """The results page's per-year overview, from ``model.figures.by_year`` (oldest first)."""
    rows = []
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
