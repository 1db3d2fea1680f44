"""Chart specs: plotly figures built with graph_objects (fast, deterministic ids).

Each ``Chart`` carries its title, a plain-language summary sentence generated from its data
(also the accessible description), a data table and CSV for the table alternative, and the
period and source of its figures. Figures are drawn in the browser by the site's script
from the JSON embedded in the page; plotly.js is served from the site itself.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from .disclosure import Suppressed

PALETTE = {"primary": "#1a5a96", "secondary": "#c05a00", "target": "#2e7d32", "muted": "#5f6b76"}
_LAYOUT = dict(
    font=dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=14, color="#1f2328"),
    margin=dict(l=56, r=16, t=24, b=56),
    height=340,
    legend=dict(orientation="h", y=-0.2),
    separators=", ",  # Danish: decimal comma, space as thousands separator
)


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    columns: list[str]
    rows: list[list[Any]]
    period: str
    source: str
    figure: dict[str, Any]

    @property
    def figure_json(self) -> str:
        # Embedded in an HTML attribute (Jinja escapes it); not in a <script>, because Material's
        # instant navigation re-creates content scripts and would run the JSON as JavaScript.
        return json.dumps(self.figure, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()


class _Figure:
    """Collects plotly traces (graph_objects, validated by plotly) into a figure spec.

    A go.Figure costs ~7 ms to create and serialise (template deep copies) and update_layout
    ~30 ms; building the validated traces alone and a plain layout dict is ~10x faster, and
    plotly.js draws the same plain style as template 'none' when no template is given.
    """

    def __init__(self) -> None:
        self.traces: list[Any] = []

    def add_bar(self, **kwargs: Any) -> None:
        self.traces.append(go.Bar(**kwargs))

    def add_scatter(self, **kwargs: Any) -> None:
        self.traces.append(go.Scatter(**kwargs))


def _fig(fig: _Figure, **layout: Any) -> dict[str, Any]:
    return {
        "data": [trace.to_plotly_json() for trace in fig.traces],
        "layout": {**_LAYOUT, **{k: v for k, v in layout.items() if v is not None}},
    }


def fmt_number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return text


def _plotted(value: Any) -> float | None:
    """A suppressed count is a gap in the drawing (its table cell and hover text say "<5")."""
    return None if isinstance(value, Suppressed) else value


def _said(value: Any) -> str:
    if isinstance(value, Suppressed):
        return str(value)
    return fmt_number(value, 1 if value % 1 else 0)


def measurement_chart(chart_id: str, activity_name: str, year: int, rows: list[dict[str, Any]], source: str) -> Chart | None:
    """Before vs after vs criterion for the measurement rows that have clean numbers."""
    numeric = [r for r in rows if r.get("value_before") is not None and r.get("value_after") is not None]
    if not numeric:
        return None
    labels = [f"Målepunkt {r['position']}" for r in numeric]
    fig = _Figure()
    for name, key, colour in (("Før", "value_before", PALETTE["muted"]), ("Efter", "value_after", PALETTE["primary"])):
        fig.add_bar(
            name=name, x=labels, y=[_plotted(r[key]) for r in numeric], marker_color=colour,
            text=[_said(r[key]) for r in numeric], textposition="none", hovertemplate=f"{name}: %{{text}}<extra></extra>",
        )  # fmt: skip
    crit = [r.get("value_criterion") for r in numeric]
    if any(c is not None for c in crit):
        fig.add_scatter(
            name="Succeskriterium", x=labels, y=crit, mode="markers",
            marker=dict(symbol="line-ew-open", size=28, line=dict(width=3, color=PALETTE["target"])),
        )
    comparable = [r for r in numeric if _plotted(r["value_before"]) is not None and _plotted(r["value_after"]) is not None]
    improved = sum(1 for r in comparable if r["value_after"] > r["value_before"])
    summary = (
        f"{activity_name} {year}: {len(numeric)} målepunkt{'er' if len(numeric) != 1 else ''} med tal. "
        + "; ".join(
            f"målepunkt {r['position']} gik fra {_said(r['value_before'])} til {_said(r['value_after'])}"
            + (f" {r['unit']}" if r.get("unit") else "")
            for r in numeric
        )
        + f". {improved} af {len(comparable)} steg."
    )
    return Chart(
        id=chart_id,
        title=f"Før- og eftermåling {year}",
        summary=summary,
        columns=["Målepunkt", "Indikator", "Før", "Efter", "Succeskriterium", "Enhed"],
        rows=[[r["position"], r["indicator"], r["value_before"], r["value_after"], r.get("value_criterion") or "", r.get("unit") or ""] for r in numeric],
        period=f"Effektopfølgning {year}",
        source=source,
        figure=_fig(fig, barmode="group", xaxis=dict(type="category"), yaxis=dict(rangemode="tozero")),
    )


def goal_chart(goal: dict[str, Any], status_label: str) -> Chart:
    """Baseline and observations per series, the target at the deadline, and the honest gap."""
    fig = _Figure()
    rows: list[list[Any]] = []
    years: set[int] = set()
    colours = [PALETTE["primary"], PALETTE["secondary"], PALETTE["muted"]]
    for i, series in enumerate(goal["series"]):
        obs = sorted((o for o in goal["observations"] if o["series"] == series), key=lambda o: o["year"])
        years.update(o["year"] for o in obs)
        fig.add_scatter(
            name=series, x=[str(o["year"]) for o in obs], y=[o["value"] for o in obs],
            mode="lines+markers", marker=dict(size=10, color=colours[i % 3]), line=dict(color=colours[i % 3]),
        )
        rows.extend([[o["year"], series, o["value"], o["unit"], o["source"]] for o in obs])
    target, deadline = goal.get("target_value"), goal.get("deadline_year")
    primary = sorted((o for o in goal["observations"] if o["series"] == goal.get("primary_series")), key=lambda o: o["year"])
    if target is not None and deadline is not None and primary and primary[0]["year"] < deadline:
        # The path the goal needs: a straight dashed line from the baseline to the target.
        fig.add_scatter(
            name="Nødvendig udvikling", x=[str(primary[0]["year"]), str(deadline)], y=[primary[0]["value"], target],
            mode="lines", line=dict(dash="dash", color=PALETTE["target"], width=2), hoverinfo="skip",
        )
    if target is not None and deadline is not None:
        years.add(deadline)
        fig.add_scatter(
            name=f"Mål ({deadline})", x=[str(deadline)], y=[target], mode="markers",
            marker=dict(symbol="star", size=16, color=PALETTE["target"]),
        )
        rows.append([deadline, "Mål", target, goal.get("unit") or "", goal["source"]])
    start = min(years) if years else None
    end = max(years | ({deadline} if deadline else set())) if years else None
    categories = [str(y) for y in range(start, end + 1)] if start is not None and end is not None else []
    observed_years = {o["year"] for o in goal["observations"]}
    missing = [y for y in range(start, end + 1) if y not in observed_years and y != deadline] if start else []
    for y in missing:
        rows.append([y, goal.get("primary_series") or "", "", goal.get("unit") or "", "ingen data indberettet"])
    rows.sort(key=lambda r: (r[0], str(r[1])))
    unit = goal.get("unit") or ""
    if goal["observations"]:
        base = min(goal["observations"], key=lambda o: o["year"])
        summary = f"Baseline {base['year']}: {fmt_number(base['value'], 2 if base['value'] % 1 else 0)} {unit} ({base['series']})."
        if target is not None and deadline is not None:
            summary += f" Målet er {fmt_number(target, 2 if target % 1 else 0)} {unit} senest {deadline}."
        if missing:
            summary += f" Der er ikke indberettet data for {missing[0]}–{missing[-1]}; status: {status_label.lower()}."
        else:
            summary += f" Status: {status_label.lower()}."
    else:
        summary = "Der er ingen data indberettet for dette effektmål endnu."
    return Chart(
        id=f"chart-{goal['id']}",
        title=f"Udvikling i effektmål {goal['number']}",
        summary=summary,
        columns=["År", "Serie", "Værdi", "Enhed", "Kilde"],
        rows=rows,
        period=f"{start}–{end}" if start else "–",
        source="; ".join(sorted({o["source"] for o in goal["observations"]} | {goal["source"]})),
        figure=_fig(
            fig,
            xaxis=dict(type="category", categoryorder="array", categoryarray=categories, range=[-0.5, len(categories) - 0.5] if categories else None),
            yaxis=dict(rangemode="tozero", title=dict(text=unit)),
        ),
    )


def budget_effect_chart(points: list[dict[str, Any]]) -> Chart | None:
    """Yearly budget (mio. kr.) against total effect score for scored activities."""
    if not points:
        return None
    fig = _Figure()
    fig.add_scatter(
        x=[p["budget_dkk"] / 1e6 for p in points], y=[p["score"] for p in points], mode="markers",
        text=[p["name"] for p in points], hovertemplate="%{text}<br>%{x:.1f} mio. kr.<br>Effektscore %{y}<extra></extra>",
        marker=dict(size=12, color=PALETTE["primary"]), name="Aktiviteter",
    )
    top = max(points, key=lambda p: p["score"])
    biggest = max(points, key=lambda p: p["budget_dkk"])
    summary = (
        f"{len(points)} scorede aktiviteter med et oplyst årligt budget. Højeste effektscore: {top['name']} "
        f"({top['score']} af 20). Største budget: {biggest['name']} ({fmt_number(biggest['budget_dkk'] / 1e6, 1)} mio. kr., "
        f"effektscore {biggest['score']})."
    )
    return Chart(
        id="chart-budget-effekt",
        title="Budget og effektscore",
        summary=summary,
        columns=["Aktivitet", "Årligt budget (kr.)", "Effektscore (af 20)", "År"],
        rows=[[p["name"], p["budget_dkk"], p["score"], p["year"]] for p in sorted(points, key=lambda p: p["name"])],
        period=", ".join(sorted({str(p["year"]) for p in points})),
        source="Effektopfølgning (seed 003): budget og samlet effektscore pr. aktivitet",
        figure=_fig(fig, xaxis=dict(title=dict(text="Årligt budget (mio. kr.)"), rangemode="tozero"), yaxis=dict(title=dict(text="Effektscore"), range=[0, 20.5])),
    )


def score_distribution_chart(scores: list[int], year_label: str) -> Chart | None:
    if not scores:
        return None
    bins = list(range(4, 21))
    counts = [scores.count(b) for b in bins]
    fig = _Figure()
    fig.add_bar(x=[str(b) for b in bins], y=counts, marker_color=PALETTE["primary"], name="Aktiviteter")
    summary = (
        f"{len(scores)} aktiviteter har en samlet effektscore. Laveste {min(scores)}, højeste {max(scores)} af 20; "
        f"den hyppigste score er {max(bins, key=lambda b: (scores.count(b), b))}."
    )
    return Chart(
        id="chart-effektscorer",
        title="Fordeling af samlede effektscorer",
        summary=summary,
        columns=["Effektscore", "Antal aktiviteter"],
        rows=[[b, c] for b, c in zip(bins, counts, strict=True) if c],
        period=year_label,
        source="Effektopfølgning: A1+A2+A3+A4 pr. aktivitet",
        figure=_fig(fig, xaxis=dict(type="category", title=dict(text="Samlet effektscore (af 20)")), yaxis=dict(title=dict(text="Antal"), dtick=1)),
    )


def marking_chart(counts: dict[str, int], labels: dict[str, str], year_label: str) -> Chart:
    keys = [k for k in labels if counts.get(k)]
    colours = {"all": "#2e7d32", "partly": "#8a6d00", "none": "#b3261e", "not_assessable": "#5f6b76", "no_followup": "#9aa5b1"}
    fig = _Figure()
    fig.add_bar(x=[labels[k] for k in keys], y=[counts[k] for k in keys], marker_color=[colours[k] for k in keys], name="Opfølgninger")
    summary = "Målopfyldelse: " + "; ".join(f"{labels[k].lower()}: {counts[k]}" for k in keys) + "."
    return Chart(
        id="chart-maalopfyldelse",
        title="Målopfyldelse i effektopfølgningen",
        summary=summary,
        columns=["Målopfyldelse", "Antal opfølgninger"],
        rows=[[labels[k], counts[k]] for k in keys],
        period=year_label,
        source="Effektopfølgning: opfyldelse af succeskriterier som rapporteret",
        figure=_fig(fig, xaxis=dict(type="category"), yaxis=dict(title=dict(text="Antal"), dtick=1)),
    )
