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
import math
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup, escape

from . import compute, danish
from .disclosure import Suppressed
from .sanitize import spreadsheet_safe

PALETTE = {"primary": "#1a5a96", "secondary": "#c05a00", "target": "#2e7d32", "muted": "#5f6b76"}
_LAYOUT = dict(
    font=dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=14, color="#1f2328"),
    margin=dict(l=56, r=16, t=24, b=56),
    height=340,
    legend=dict(orientation="h", y=-0.2),
    separators=danish.PLOTLY_SEPARATORS,  # the Danish format of danish.number: decimal comma, period between thousands
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
    unit: str = ""  # the value axis' unit, for exports and embeds ("" when the title says it)

    @property
    def heading(self) -> str:
        """The title with the unit of its value axis, unless the title already names it."""
        return f"{self.title} ({self.unit})" if self.unit and self.unit not in self.title else self.title

    @property
    def figure_json(self) -> str:
        # Embedded in an HTML attribute (Jinja escapes it); not in a <script>, because Material's
        # instant navigation re-creates content scripts and would run the JSON as JavaScript.
        return json.dumps(self.figure, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def svg(self) -> Markup:
        """A static drawing of the figure, made at build time: the chart's first paint (and its
        print and no-JavaScript form) until plotly.js replaces it with the interactive chart."""
        return Markup(sketch_svg(self.figure))

    @property
    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows([[spreadsheet_safe(c) if isinstance(c, str) else c for c in row] for row in self.rows])
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
    merged = {**_LAYOUT, **{k: v for k, v in layout.items() if v is not None}}
    for key in ("xaxis", "yaxis", "yaxis2"):
        if key in merged:  # room for tick labels and titles: plotly grows the margin instead of cutting
            merged[key] = {"automargin": True, **merged[key]}
    return {"data": [trace.to_plotly_json() for trace in fig.traces], "layout": merged}


def count_axis(high: float, **extra: Any) -> dict[str, Any]:
    """A y axis of counts: whole-number ticks, about five of them (never one per integer)."""
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if high / s <= 6), max(1, round(high / 5)))
    return {"dtick": step, "tick0": 0, "rangemode": "tozero", "tickformat": "d", **extra}


def category_axis(labels: list[str], width: int = 14, **extra: Any) -> dict[str, Any]:
    """A category x axis whose long labels wrap onto several lines (never cut on a phone)."""
    wrapped = ["<br>".join(_wrap(label, width)) or label for label in labels]
    return {"type": "category", "tickmode": "array", "tickvals": labels, "ticktext": wrapped, "tickangle": 0, **extra}


def _plotted(value: float | int | Suppressed | None) -> float | int | None:
    """A suppressed count is a gap in the drawing (its table cell and hover text say "<5")."""
    return None if isinstance(value, Suppressed) else value


def _said(value: Any) -> str:
    if isinstance(value, Suppressed):
        return str(value)
    return danish.number(value, 1 if value % 1 else 0)


def plain(text: Any) -> str:
    """A data text (Markdown) as one line of plain text, for CSV cells and chart labels."""
    from .sanitize import markdown_to_safe_html, unescaped_text

    if not isinstance(text, str):
        return "" if text is None else str(text)
    return " ".join(unescaped_text(markdown_to_safe_html(text)).split())


def measurement_charts(chart_id: str, activity_name: str, year: int, rows: list[compute.Measurement], source: str) -> list[Chart]:
    """One before/after chart per unit: persons and percentages never share an axis. The unit with
    the most measurements comes first and keeps ``chart_id``; the others get the unit in their id."""
    numeric = [r for r in rows if r.get("value_before") is not None and r.get("value_after") is not None]
    units: dict[str, list[compute.Measurement]] = {}
    for r in numeric:
        units.setdefault(r.get("unit") or "", []).append(r)
    ordered = sorted(units.items(), key=lambda kv: -len(kv[1]))  # stable: first seen wins a tie
    several = len(ordered) > 1
    out = []
    for i, (unit, group) in enumerate(ordered):
        cid = chart_id if i == 0 else f"{chart_id}-{_slug(unit) or 'uden-enhed'}"
        chart = measurement_chart(cid, activity_name, year, group, source, unit_in_title=several)
        if chart is not None:
            out.append(chart)
    return out


def _slug(text: str) -> str:
    from .urls import slugify

    return slugify(text)


def measurement_chart(
    chart_id: str, activity_name: str, year: int, rows: list[compute.Measurement], source: str, unit_in_title: bool = False
) -> Chart | None:
    """Before vs after vs criterion for the measurement rows that have clean numbers (one unit:
    ``measurement_charts`` splits by unit)."""
    numeric = [r for r in rows if r.get("value_before") is not None and r.get("value_after") is not None]
    if not numeric:
        return None
    units = sorted({r.get("unit") or "" for r in numeric})
    unit = units[0] if len(units) == 1 else ""
    labels = [f"Målepunkt {r['position']}" for r in numeric]
    fig = _Figure()
    befores, afters = [r["value_before"] for r in numeric], [r["value_after"] for r in numeric]
    for name, values, colour in (("Før", befores, PALETTE["muted"]), ("Efter", afters, PALETTE["primary"])):
        fig.add_bar(
            name=name, x=labels, y=[_plotted(v) for v in values], marker_color=colour,
            text=[_said(v) for v in values], textposition="none", hovertemplate=f"{name}: %{{text}}<extra></extra>",
        )  # fmt: skip
    crit = [r.get("value_criterion") for r in numeric]
    if any(c is not None for c in crit):
        fig.add_scatter(
            name="Succeskriterium", x=labels, y=crit, mode="markers",
            marker=dict(symbol="line-ew-open", size=28, line=dict(width=3, color=PALETTE["target"])),
        )
    comparable = [(b, a) for b, a in zip(map(_plotted, befores), map(_plotted, afters), strict=True) if b is not None and a is not None]
    improved = sum(1 for before, after in comparable if after > before)
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
        title=f"Før- og eftermåling {year}" + (f" ({unit or 'uden enhed'})" if unit_in_title else ""),
        summary=summary,
        columns=["Målepunkt", "Indikator", "Før", "Efter", "Succeskriterium", "Enhed"],
        rows=[[r["position"], plain(r["indicator"]), r["value_before"], r["value_after"], r.get("value_criterion") or "", r.get("unit") or ""] for r in numeric],
        period=f"Effektopfølgning {year}",
        source=source,
        figure=_fig(
            fig, barmode="group", xaxis=dict(type="category"),
            yaxis=dict(rangemode="tozero", **({"title": dict(text=unit.capitalize())} if unit else {})),
        ),
        unit=unit,
    )


def goal_chart(goal: compute.Goal, status_label: str) -> Chart:
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
    missing = [y for y in range(start, end + 1) if y not in observed_years and y != deadline] if start and end is not None else []
    for y in missing:
        rows.append([y, goal.get("primary_series") or "", "", goal.get("unit") or "", "ingen data indberettet"])
    rows.sort(key=lambda r: (r[0], str(r[1])))
    unit = goal.get("unit") or ""
    if goal["observations"]:
        base = min(goal["observations"], key=lambda o: o["year"])
        summary = f"Baseline {base['year']}: {danish.number(base['value'], 2 if base['value'] % 1 else 0)} {unit} ({base['series']})."
        if target is not None and deadline is not None:
            summary += f" Målet er {danish.number(target, 2 if target % 1 else 0)} {unit} senest {deadline}."
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
        unit=unit,
    )


@dataclass(frozen=True)
class BudgetPoint:
    """A scored activity with a known yearly budget (its latest follow-up's, else the registry's)."""

    id: str
    name: str
    budget_dkk: float
    score: int
    year: int


def budget_effect_chart(points: list[BudgetPoint]) -> Chart | None:
    """Yearly budget (mio. kr.) against total effect score for scored activities."""
    if not points:
        return None
    fig = _Figure()
    fig.add_scatter(
        x=[p.budget_dkk / 1e6 for p in points], y=[p.score for p in points], mode="markers",
        text=[p.name for p in points], hovertemplate="%{text}<br>%{x:.1f} mio. kr.<br>Effektscore %{y}<extra></extra>",
        marker=dict(size=12, color=PALETTE["primary"]), name="Aktiviteter",
    )
    top = max(points, key=lambda p: p.score)
    biggest = max(points, key=lambda p: p.budget_dkk)
    summary = (
        f"{len(points)} scorede aktiviteter med et oplyst årligt budget. Højeste effektscore: {top.name} "
        f"({top.score} af 20). Største budget: {biggest.name} ({danish.millions(biggest.budget_dkk)}, "
        f"effektscore {biggest.score})."
    )
    return Chart(
        id="chart-budget-effekt",
        title="Budget og effektscore",
        summary=summary,
        columns=["Aktivitet", "Årligt budget (kr.)", "Effektscore (af 20)", "År"],
        rows=[[p.name, p.budget_dkk, p.score, p.year] for p in sorted(points, key=lambda p: p.name)],
        period=", ".join(sorted({str(p.year) for p in points})),
        source=f"Effektopfølgning {', '.join(sorted({str(p.year) for p in points}))}: årligt budget og samlet effektscore (A1–A4) pr. aktivitet",
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
        source=f"Effektopfølgning {year_label}: samlet effektscore (A1+A2+A3+A4) pr. aktivitet",
        figure=_fig(fig, xaxis=dict(type="category", title=dict(text="Samlet effektscore (af 20)")), yaxis=count_axis(max(counts), title=dict(text="Antal"))),
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
        source=f"Effektopfølgning {year_label}: målepunkternes egne vurderinger af succeskriterierne",
        figure=_fig(fig, xaxis=category_axis([labels[k] for k in keys]), yaxis=count_axis(max([counts[k] for k in keys], default=1), title=dict(text="Antal"))),
    )


# ---------------------------------------------------------------- history across follow-up years


def change_text(before: Any, after: Any) -> str:
    """"20 → 18"; a missing side is "–"."""
    return f"{'–' if before in (None, '') else before} → {'–' if after in (None, '') else after}"


def _fulfilment_label(f: compute.Fulfilment | None) -> str:
    return f"{f.met}/{f.total}" if f is not None and f.assessable else "–"


def history_chart(activity_id: str, activity_name: str, history: list[compute.YearChange]) -> Chart | None:
    """An activity's follow-up years: A1–A4 stacked (the effect score) and the share of criteria met.

    ``history`` is ``compute.history(...)``: a list of ``YearChange``. None below two years.
    """
    if len(history) < 2:
        return None
    years = [str(h.year) for h in history]
    fig = _Figure()
    colours = {"A1": "#1a5a96", "A2": "#4f86c6", "A3": "#8fb3de", "A4": "#c9dbf0"}
    for c in ("A1", "A2", "A3", "A4"):
        fig.add_bar(
            name=c, x=years, y=[h.current.parts.get(c) for h in history], marker_color=colours[c],
            hovertemplate=f"{c}: %{{y}} af 5<extra></extra>",
        )  # fmt: skip
    shares = [round(h.current.share_met * 100, 1) if h.current.share_met is not None else None for h in history]
    fig.add_scatter(
        name="Målopfyldelse (%)", x=years, y=shares, yaxis="y2", mode="lines+markers",
        marker=dict(size=10, color=PALETTE["secondary"]), line=dict(color=PALETTE["secondary"]),
        hovertemplate="Målopfyldelse: %{y} %<extra></extra>",
    )  # fmt: skip
    steps = []
    for h in history[1:]:
        assert h.previous is not None
        steps.append(
            f"fra {h.previous.year} til {h.year} gik effektscoren {change_text(h.previous.score, h.current.score)} "
            f"og målopfyldelsen {change_text(_fulfilment_label(h.previous.fulfilment), _fulfilment_label(h.current.fulfilment))}"
        )
    summary = f"{activity_name} er fulgt op i {len(history)} år ({years[0]}–{years[-1]}): " + "; ".join(steps) + "."
    rows = []
    for h in history:
        cur = h.current
        rows.append([
            str(h.year), _fulfilment_label(cur.fulfilment), "" if cur.share_met is None else round(cur.share_met * 100, 1),
            "" if cur.score is None else cur.score, *["" if cur.parts.get(c) is None else cur.parts[c] for c in ("A1", "A2", "A3", "A4")],
            "" if h.score_delta is None else f"{h.score_delta:+d}",
        ])  # fmt: skip
    return Chart(
        id=f"chart-historik-{activity_id}",
        title="Udvikling over årene",
        summary=summary,
        columns=["År", "Målopfyldelse", "Opfyldt (%)", "Effektscore (af 20)", "A1", "A2", "A3", "A4", "Ændring i effektscore"],
        rows=rows,
        period=f"{years[0]}–{years[-1]}",
        source="Effektopfølgningerne: målepunkternes egne vurderinger og effektscorer A1–A4",
        figure=_fig(
            fig, barmode="stack", xaxis=dict(type="category"),
            yaxis=dict(title=dict(text="Effektscore (af 20)"), range=[0, 20.5], dtick=5, tick0=0),
            yaxis2=dict(title=dict(text="Målopfyldelse (%)"), overlaying="y", side="right", range=[0, 102.5], dtick=25, tick0=0, showgrid=False),
            margin=dict(l=56, r=56, t=24, b=56),
        ),
    )  # fmt: skip


def years_fulfilment_chart(by_year: dict[int, compute.YearFigures]) -> Chart | None:
    """Share of criteria met per follow-up year (``compute.YearFigures``), for the results page."""
    years = [y for y in sorted(by_year) if by_year[y].criteria_total]
    if not years:
        return None
    shares = [round((by_year[y].share_met or 0) * 100, 1) for y in years]  # criteria_total > 0: a share
    fig = _Figure()
    fig.add_bar(
        name="Opfyldte succeskriterier (%)", x=[str(y) for y in years], y=shares, marker_color=PALETTE["primary"],
        text=[f"{by_year[y].criteria_met} af {by_year[y].criteria_total}" for y in years], textposition="none",
        hovertemplate="%{x}: %{y} % (%{text})<extra></extra>",
    )  # fmt: skip
    summary = "Andel opfyldte succeskriterier pr. år: " + "; ".join(
        f"{y}: {danish.percent(by_year[y].share_met)} ({by_year[y].criteria_met} af {by_year[y].criteria_total})" for y in years
    ) + "."
    return Chart(
        id="chart-maalopfyldelse-pr-aar",
        title="Målopfyldelse pr. år",
        summary=summary,
        columns=["År", "Aktiviteter fulgt op", "Opfyldte succeskriterier", "Vurderbare succeskriterier", "Opfyldt (%)", "Median effektscore"],
        rows=[
            [str(y), by_year[y].followed_up, by_year[y].criteria_met, by_year[y].criteria_total, share,
             "" if by_year[y].score_median is None else by_year[y].score_median]
            for y, share in zip(years, shares, strict=True)
        ],  # fmt: skip
        period=f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
        source="Effektopfølgningerne: målepunkternes egne vurderinger",
        figure=_fig(fig, xaxis=dict(type="category"), yaxis=dict(title=dict(text="Opfyldt (%)"), range=[0, 105])),
    )


def years_score_chart(scores_by_year: dict[int, list[int]]) -> Chart | None:
    """How the total effect scores are distributed, one bar series per follow-up year."""
    years = [y for y in sorted(scores_by_year) if scores_by_year[y]]
    if not years:
        return None
    bins = list(range(4, 21))
    colours = [PALETTE["muted"], PALETTE["primary"], PALETTE["secondary"], PALETTE["target"]]
    fig = _Figure()
    for i, y in enumerate(years):
        fig.add_bar(name=str(y), x=[str(b) for b in bins], y=[scores_by_year[y].count(b) for b in bins], marker_color=colours[i % len(colours)])
    summary = "Samlede effektscorer pr. år: " + "; ".join(
        f"{y}: {len(scores_by_year[y])} aktiviteter, median {danish.number(statistics_median(scores_by_year[y]), 1)}" for y in years
    ) + "."
    return Chart(
        id="chart-effektscorer-pr-aar",
        title="Fordeling af effektscorer pr. år",
        summary=summary,
        columns=["Effektscore", *[str(y) for y in years]],
        rows=[[b, *[scores_by_year[y].count(b) for y in years]] for b in bins if any(scores_by_year[y].count(b) for y in years)],
        period=f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
        source="Effektopfølgningerne: A1+A2+A3+A4 pr. aktivitet",
        figure=_fig(
            fig, barmode="group", xaxis=dict(type="category", title=dict(text="Samlet effektscore (af 20)")),
            yaxis=count_axis(max((scores_by_year[y].count(b) for y in years for b in bins), default=1), title=dict(text="Antal")),
        ),
    )


def statistics_median(values: list[int]) -> float:
    import statistics

    return float(statistics.median(values))


# ---------------------------------------------------------------- static first paint

_W, _H = 640, 340
_AXIS = "#5f6b76"


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _numbers(values: Any) -> list[float | None]:
    return [v if isinstance(v, (int, float)) and not isinstance(v, bool) else None for v in (values or [])]


def _colour(spec: Any, i: int, fallback: str) -> str:
    if isinstance(spec, (list, tuple)):
        return str(spec[i % len(spec)]) if spec else fallback
    return str(spec) if spec else fallback


def _wrap(label: str, width: int = 14) -> list[str]:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line][:3] if line else lines[:3]


def sketch_svg(figure: dict[str, Any]) -> str:
    """A light SVG of a figure's bars, lines and markers (no plotly needed), one line of markup.

    Category or numeric x axis, one or two y axes from zero, grouped or stacked bars, round
    y ticks, category labels wrapped over up to three lines, a legend of the named traces.
    """
    frame = _SketchFrame.of(figure)
    out = [f'<svg class="sb-sketch" viewBox="0 0 {_W} {_H}" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" font-family="system-ui, sans-serif" font-size="12" fill="#1f2328">']
    _sketch_y_ticks(frame, out)
    _sketch_x_labels(frame, out)
    _sketch_bars(frame, out)
    for t in frame.traces:
        if t.get("type") == "scatter":
            _sketch_scatter(frame, t, out)
    if frame.legend_rows:
        _sketch_legend(frame, out)
    out.append("</svg>")
    return "".join(out)


@dataclass
class _SketchFrame:
    """The geometry of a sketch: the plot area, the axes' ranges and the x categories."""

    layout: dict[str, Any]
    traces: list[dict[str, Any]]
    numeric_x: bool
    categories: list[str]
    two_axes: bool
    named: list[dict[str, Any]]
    legend_rows: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    ranges: dict[str, tuple[float, float]]
    x_low: float
    x_high: float

    @classmethod
    def of(cls, figure: dict[str, Any]) -> _SketchFrame:
        layout, traces = figure.get("layout", {}), figure.get("data", [])
        xaxis = layout.get("xaxis", {})
        numeric_x = xaxis.get("type") != "category" and all(
            isinstance(x, (int, float)) for t in traces for x in (t.get("x") or [])
        )
        categories = _sketch_categories(xaxis, traces, numeric_x)
        two_axes = any(t.get("yaxis") == "y2" for t in traces)
        named = [t for t in traces if t.get("name") and t.get("showlegend", True) is not False]
        legend_rows = 1 if len(named) > 1 else 0
        left, right, top = 48, 48 if two_axes else 12, 12
        label_lines = 1 if numeric_x else max((len(_wrap(c)) for c in categories), default=1)
        bottom = 20 + 15 * label_lines + 22 * legend_rows
        ranges = {
            "yaxis": _sketch_y_range(layout, traces, "yaxis"),
            "yaxis2": _sketch_y_range(layout, traces, "yaxis2") if two_axes else (0.0, 1.0),
        }
        x_values = [v for t in traces for v in _numbers(t.get("x")) if v is not None] if numeric_x else []
        x_low, x_high = (0.0, max(x_values, default=1.0) * 1.08 or 1.0) if numeric_x else (0.0, 1.0)
        return cls(
            layout, traces, numeric_x, categories, two_axes, named, legend_rows,
            left, top, _W - left - right, _H - top - bottom, ranges, x_low, x_high,
        )  # fmt: skip

    def sx(self, x: Any, offset: float = 0.0) -> float:
        if self.numeric_x:
            return self.left + (float(x) - self.x_low) / (self.x_high - self.x_low) * self.plot_w
        band = self.plot_w / max(len(self.categories), 1)
        return self.left + band * (self.categories.index(str(x)) + 0.5) + offset * band

    def sy(self, y: float, axis: str = "yaxis") -> float:
        low, high = self.ranges[axis]
        return self.top + self.plot_h - (min(max(y, low), high) - low) / ((high - low) or 1.0) * self.plot_h


def _sketch_categories(xaxis: dict[str, Any], traces: list[dict[str, Any]], numeric_x: bool) -> list[str]:
    """The x categories: the axis' own order first, then any other x value in trace order."""
    categories: list[str] = [str(c) for c in xaxis.get("categoryarray") or []]
    if not numeric_x:
        for t in traces:
            for x in t.get("x") or []:
                if str(x) not in categories:
                    categories.append(str(x))
    return categories


def _sketch_y_range(layout: dict[str, Any], traces: list[dict[str, Any]], axis: str) -> tuple[float, float]:
    """A y axis' fixed range, or zero to a little above the highest value (stacked bars summed)."""
    fixed = layout.get(axis, {}).get("range")
    if fixed:
        return float(fixed[0]), float(fixed[1])
    values: list[float] = []
    stacked = layout.get("barmode") == "stack"
    if stacked:
        sums: dict[int, float] = {}
        for t in traces:
            if t.get("type") == "bar":
                for i, v in enumerate(_numbers(t.get("y"))):
                    sums[i] = sums.get(i, 0.0) + (v or 0.0)
        values += list(sums.values())
    for t in traces:
        if (t.get("yaxis") == "y2") == (axis == "yaxis2") and not (stacked and t.get("type") == "bar"):
            values += [v for v in _numbers(t.get("y")) if v is not None]
    high = max(values, default=1.0) or 1.0
    return 0.0, high * 1.08


def _sketch_y_ticks(f: _SketchFrame, out: list[str]) -> None:
    """Grid lines and labels on the left axis, labels on the right axis, the x axis line."""
    low, high = f.ranges["yaxis"]
    step = _nice_step(high - low)
    tick = low
    while tick <= high + 1e-9:
        y = f.sy(tick)
        out.append(f'<line x1="{f.left}" x2="{f.left + f.plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e8ec"/>')
        out.append(f'<text x="{f.left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(danish.number(tick, 0 if step >= 1 else 1))}</text>')
        tick += step
    if f.two_axes:
        low2, high2 = f.ranges["yaxis2"]
        step2 = _nice_step(high2 - low2)
        tick = low2
        while tick <= high2 + 1e-9:
            out.append(f'<text x="{f.left + f.plot_w + 6}" y="{f.sy(tick, "yaxis2") + 4:.1f}">{escape(danish.number(tick))}</text>')
            tick += step2
    out.append(f'<line x1="{f.left}" x2="{f.left + f.plot_w}" y1="{f.top + f.plot_h}" y2="{f.top + f.plot_h}" stroke="{_AXIS}"/>')


def _sketch_x_labels(f: _SketchFrame, out: list[str]) -> None:
    """Round ticks on a numeric x axis, or the category labels wrapped over up to three lines."""
    if f.numeric_x:
        xstep = _nice_step(f.x_high - f.x_low)
        tick = f.x_low
        while tick <= f.x_high + 1e-9:
            out.append(f'<text x="{f.sx(tick):.1f}" y="{f.top + f.plot_h + 16}" text-anchor="middle">{escape(danish.number(tick, 0 if xstep >= 1 else 1))}</text>')
            tick += xstep
    else:
        for c in f.categories:
            lines = _wrap(c)
            spans = "".join(f'<tspan x="{f.sx(c):.1f}" dy="{0 if i == 0 else 15}">{escape(line)}</tspan>' for i, line in enumerate(lines))
            out.append(f'<text y="{f.top + f.plot_h + 16}" text-anchor="middle">{spans}</text>')


def _sketch_bars(f: _SketchFrame, out: list[str]) -> None:
    """Grouped or stacked bars on a category axis (none on a numeric axis)."""
    bars = [t for t in f.traces if t.get("type") == "bar"]
    stacked = f.layout.get("barmode") == "stack"
    band = f.plot_w / max(len(f.categories), 1) if not f.numeric_x else 0
    slots = 1 if stacked else max(len(bars), 1)
    width = band * 0.8 / slots
    base: dict[str, float] = {}
    for k, t in enumerate(bars):
        for i, (x, y) in enumerate(zip(t.get("x") or [], _numbers(t.get("y")), strict=False)):
            if y is None or f.numeric_x:
                continue
            start = base.get(str(x), 0.0) if stacked else 0.0
            left_x = f.sx(x) - band * 0.4 + (0 if stacked else k * width)
            y0, y1 = f.sy(start), f.sy(start + y)
            colour = _colour((t.get("marker") or {}).get("color"), i, PALETTE["primary"])
            out.append(f'<rect x="{left_x:.1f}" y="{min(y0, y1):.1f}" width="{max(width - 1, 1):.1f}" height="{abs(y0 - y1):.1f}" fill="{escape(colour)}"/>')
            if stacked:
                base[str(x)] = start + y


def _sketch_scatter(f: _SketchFrame, t: dict[str, Any], out: list[str]) -> None:
    """One scatter trace: a (dashed) line through its points and/or its markers."""
    axis = "yaxis2" if t.get("yaxis") == "y2" else "yaxis"
    colour = _colour((t.get("line") or {}).get("color") or (t.get("marker") or {}).get("color"), 0, PALETTE["primary"])
    points = [(f.sx(x), f.sy(y, axis)) for x, y in zip(t.get("x") or [], _numbers(t.get("y")), strict=False) if y is not None and (f.numeric_x or str(x) in f.categories)]
    mode = t.get("mode") or "markers"
    if "lines" in mode and len(points) > 1:
        dash = ' stroke-dasharray="6 4"' if (t.get("line") or {}).get("dash") else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{escape(colour)}" stroke-width="2"{dash}/>')
    if "markers" in mode:
        symbol = (t.get("marker") or {}).get("symbol") or ""
        colour = _colour((t.get("marker") or {}).get("color") or ((t.get("marker") or {}).get("line") or {}).get("color"), 0, colour)
        for x, y in points:
            if "line-ew" in str(symbol):
                out.append(f'<line x1="{x - 12:.1f}" x2="{x + 12:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{escape(colour)}" stroke-width="3"/>')
            else:
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{escape(colour)}"/>')


def _sketch_legend(f: _SketchFrame, out: list[str]) -> None:
    """A swatch and the name of each named trace, in one row under the plot."""
    x = f.left
    y = _H - 8
    for t in f.named:
        marker = t.get("marker") or {}
        colour = _colour(marker.get("color") or (marker.get("line") or {}).get("color") or (t.get("line") or {}).get("color"), 0, PALETTE["primary"])
        out.append(f'<rect x="{x}" y="{y - 10}" width="10" height="10" fill="{escape(colour)}"/><text x="{x + 14}" y="{y}">{escape(str(t["name"]))}</text>')
        x += 28 + 7 * len(str(t["name"]))
