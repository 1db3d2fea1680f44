"""The city key figures: crime figures per quarter (key-figures page) and the safety index.

The figures are computed in ``keyfigures.py`` (``model.figures.key_figures``); this module
turns them into pages and charts. Where the package holds no figures the pages say so and
show the definitions and the cadence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ... import danish, keyfigures, urls
from ...charts import PALETTE, Chart, _fig, _Figure, _plotted, _said
from ...disclosure import Suppressed
from ...keyfigures import Comparison, KeyFigures
from ..contexts import ComparisonTable, KeyFiguresContext, SafetyIndexContext
from ..page import Page
from ..site import Site

CATEGORY_COLOURS = {"markant": "#b3261e", "intensiveret": "#c05a00", "ordinær": "#8a6d00", "reduceret": "#4a7c59", "minimal": "#2e7d32"}
POLICE = "Københavns Politi (nøgletal for kriminalitet i København)"


def generate(site: Site) -> Iterator[Page]:
    yield key_figures_page(site)
    yield safety_index_page(site)


def district_names(site: Site) -> dict[str, str]:
    return {d["id"]: d["name"] for d in site.model.figures.district_vocabulary}


def quarter_label(period: tuple[int, int] | None) -> str:
    return f"{period[1]}. kvartal {period[0]}" if period else "–"


def _text(value: Any) -> str:
    return "–" if value is None else _said(value)


def _change_cells(c: keyfigures.Change) -> list[Any]:
    percent = "ny" if c.new else ("–" if c.percent is None else ("+" if c.percent > 0 else "") + danish.number(c.percent, 1) + " %")
    absolute = "–" if c.absolute is None else ("+" if c.absolute > 0 else "") + danish.number(c.absolute)
    return [c.current, "–" if c.previous is None else c.previous, absolute, percent]


def comparison_table(
    comparison: Comparison | None, label: str, names: dict[str, str] | None = None, compared: bool = True
) -> ComparisonTable | None:
    """A year-to-date table: one row per key plus the total; cells are numbers, "<5" or text.

    ``compared=False``: this year to date only. The programme compares with the same period the
    year before only for reports and charges (000 "Nøgletal for kriminalitet i København"), not
    for cases and incidents, so those tables show no previous year and no change."""
    if comparison is None:
        return None
    names = names or {}
    keys = [names.get(c.key, c.key.capitalize() if c.key[:1].isalpha() else c.key) for c in comparison.lines]
    if not compared:
        current: list[list[object]] = [[k, c.current] for k, c in zip(keys, comparison.lines, strict=True)]
        current.append(["I alt", comparison.total.current])
        return {"columns": [label, comparison.period.capitalize()], "rows": current, "comparison": comparison, "compared": False}
    columns = [label, comparison.period.capitalize(), comparison.previous_period.capitalize(), "Ændring", "Ændring i %"]
    rows = [[k, *_change_cells(c)] for k, c in zip(keys, comparison.lines, strict=True)]
    rows.append(["I alt", *_change_cells(comparison.total)])
    return {"columns": columns, "rows": rows, "comparison": comparison, "compared": True}


def comparison_chart(
    chart_id: str, title: str, comparison: Comparison | None, label: str, source: str, names: dict[str, str] | None = None, compared: bool = True
) -> Chart | None:
    """Grouped bars: this year to date against the same period last year, per key (``compared=False``:
    this year to date only, see ``comparison_table``)."""
    if comparison is None or not comparison.lines:
        return None
    names = names or {}
    keys = [names.get(c.key, c.key.capitalize() if c.key[:1].isalpha() else c.key) for c in comparison.lines]
    if not compared:
        return _current_only_chart(chart_id, title, comparison, keys, label, source)
    fig = _Figure()
    if comparison.previous_available:
        fig.add_bar(
            name=f"{comparison.year - 1}", x=keys, y=[_plotted(c.previous) for c in comparison.lines], marker_color=PALETTE["muted"],
            text=[_text(c.previous) for c in comparison.lines], textposition="none", hovertemplate=f"{comparison.year - 1}: %{{text}}<extra></extra>",
        )  # fmt: skip
    fig.add_bar(
        name=f"{comparison.year}", x=keys, y=[_plotted(c.current) for c in comparison.lines], marker_color=PALETTE["primary"],
        text=[_text(c.current) for c in comparison.lines], textposition="none", hovertemplate=f"{comparison.year}: %{{text}}<extra></extra>",
    )  # fmt: skip
    total = comparison.total
    summary = f"{comparison.period.capitalize()}: i alt {_text(total.current)}"
    if total.previous is not None:
        summary += f" mod {_text(total.previous)} i samme periode {comparison.year - 1}"
        if total.percent is not None:
            summary += f" ({'+' if total.percent > 0 else ''}{danish.number(total.percent, 1)} %)"
    else:
        summary += f"; der er ingen tal for {comparison.year - 1} at sammenligne med"
    biggest = max((c for c in comparison.lines if not isinstance(c.current, Suppressed)), key=lambda c: c.current if isinstance(c.current, (int, float)) else 0, default=None)
    if biggest is not None:
        summary += f". Flest: {names.get(biggest.key, biggest.key)} ({_text(biggest.current)})"
    return Chart(
        id=chart_id,
        title=title,
        summary=summary + ".",
        columns=[label, comparison.period.capitalize(), comparison.previous_period.capitalize()],
        rows=[[k, c.current, "" if c.previous is None else c.previous] for k, c in zip(keys, comparison.lines, strict=True)],
        period=f"{comparison.period} mod {comparison.previous_period}",
        source=source,
        figure=_fig(fig, barmode="group", xaxis=dict(type="category"), yaxis=dict(rangemode="tozero", title=dict(text="Antal"))),
    )


def _current_only_chart(chart_id: str, title: str, comparison: Comparison, keys: list[str], label: str, source: str) -> Chart:
    fig = _Figure()
    fig.add_bar(
        name=f"{comparison.year}", x=keys, y=[_plotted(c.current) for c in comparison.lines], marker_color=PALETTE["primary"],
        text=[_text(c.current) for c in comparison.lines], textposition="none", hovertemplate=f"{comparison.year}: %{{text}}<extra></extra>",
    )  # fmt: skip
    summary = f"{comparison.period.capitalize()}: i alt {_text(comparison.total.current)}"
    return Chart(
        id=chart_id,
        title=title,
        summary=summary + ".",
        columns=[label, comparison.period.capitalize()],
        rows=[[k, c.current] for k, c in zip(keys, comparison.lines, strict=True)],
        period=comparison.period,
        source=source,
        figure=_fig(fig, xaxis=dict(type="category"), yaxis=dict(rangemode="tozero", title=dict(text="Antal"))),
    )


def quarters_chart(kf: KeyFigures, source: str) -> Chart | None:
    if len(kf.quarters_reports) < 2:
        return None
    fig = _Figure()
    labels = [f"{y} K{q}" for y, q, _ in kf.quarters_reports]
    fig.add_scatter(x=labels, y=[_plotted(v) for *_, v in kf.quarters_reports], mode="lines+markers", name="Anmeldelser", marker=dict(color=PALETTE["primary"]))
    first, last = kf.quarters_reports[0], kf.quarters_reports[-1]
    return Chart(
        id="chart-noegletal-kvartaler",
        title="Anmeldelser pr. kvartal",
        summary=f"Anmeldelser af de fem udvalgte typer i hele byen: {_text(first[2])} i {first[1]}. kvartal {first[0]} og {_text(last[2])} i {last[1]}. kvartal {last[0]}.",
        columns=["År", "Kvartal", "Anmeldelser"],
        rows=[[str(y), str(q), v] for y, q, v in kf.quarters_reports],
        period=f"{first[1]}. kvartal {first[0]} – {last[1]}. kvartal {last[0]}",
        source=source,
        figure=_fig(fig, xaxis=dict(type="category"), yaxis=dict(rangemode="tozero", title=dict(text="Antal"))),
    )


def _source_text(sources: list[str]) -> str:
    return "; ".join(sources) if sources else POLICE


def key_figures_page(site: Site) -> Page:
    kf: KeyFigures = site.model.figures.key_figures
    names = district_names(site)
    reports_source = _source_text(kf.reports_sources)
    charges_source = _source_text(kf.charges_sources)
    tables = {
        "by_type": comparison_table(kf.by_type, "Type"),
        "by_district": comparison_table(kf.by_district, "Bydel", names),
        "incidents": comparison_table(kf.incidents_by_district, "Bydel", names, compared=False),
        "charges": comparison_table(kf.charges_by_age, "Aldersgruppe"),
    }
    chart_list = {
        "by_type": comparison_chart("chart-noegletal-typer", "Anmeldelser efter type, år til dato", kf.by_type, "Type", reports_source),
        "by_district": comparison_chart("chart-noegletal-bydele", "Anmeldelser efter bydel, år til dato", kf.by_district, "Bydel", reports_source, names),
        "incidents": comparison_chart(
            "chart-noegletal-sager", "Sager og hændelser efter bydel, år til dato", kf.incidents_by_district, "Bydel", reports_source, names, compared=False
        ),
        "charges": comparison_chart("chart-noegletal-sigtelser", "Sigtelser af 10–25-årige efter aldersgruppe, år til dato", kf.charges_by_age, "Aldersgruppe", charges_source),
        "quarters": quarters_chart(kf, reports_source),
    }
    prose = site.prose.get("key-figures.md")
    return Page(
        path=urls.KEY_FIGURES,
        template="key_figures.md.j2",
        meta={"title": "Nøgletal for kriminalitet i København", "description": "Kvartalsvise nøgletal for kriminalitet i København fra Københavns Politi: anmeldelser, sager og sigtelser af 10–25-årige."},
        context=KeyFiguresContext(
            kf=kf,
            prose=prose,
            key_figure_defs=sorted(site.ref.key_figures, key=lambda k: k["number"]),
            tables=tables,
            charts=chart_list,
            latest_label=quarter_label(kf.latest),
            next_label=quarter_label(kf.next_expected),
            district_names=names,
            top_places=kf.top_places if site.internal else [],
            reports_source=reports_source,
            charges_source=charges_source,
        ),
        charts=[c for c in chart_list.values() if c is not None],
    )


def safety_chart(kf: KeyFigures) -> Chart | None:
    """Areas per need category and year (stacked), from the index rows."""
    if not kf.safety_categories:
        return None
    years = [str(y) for y in kf.safety_categories]
    fig = _Figure()
    for category in keyfigures.NEED_CATEGORIES:
        fig.add_bar(name=category.capitalize(), x=years, y=[c[category] for c in kf.safety_categories.values()], marker_color=CATEGORY_COLOURS[category])
    last_year, last = list(kf.safety_categories.items())[-1]
    high = sum(last[c] for c in keyfigures.HIGH_NEED)
    return Chart(
        id="chart-tryghedsindeks",
        title="Områder efter behov for indsats i Tryghedsindekset",
        summary=f"I {last_year} havde {high} af {sum(last.values())} områder markant eller intensiveret behov for indsats.",
        columns=["År", *[c.capitalize() for c in keyfigures.NEED_CATEGORIES]],
        rows=[[y, *[c[k] for k in keyfigures.NEED_CATEGORIES]] for y, c in kf.safety_categories.items()],
        period=f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0],
        source="; ".join(sorted({c.source for c in (kf.safety.counts if kf.safety else ()) if c.origin == "computed"})) or "Tryghedsindekset",
        figure=_fig(fig, barmode="stack", xaxis=dict(type="category"), yaxis=dict(rangemode="tozero", title=dict(text="Antal områder"))),
    )


def safety_index_page(site: Site) -> Page:
    kf: KeyFigures = site.model.figures.key_figures
    chart = safety_chart(kf)
    goal = next((g for g in site.model.goals if kf.safety and g["id"] == kf.safety.goal_id), None)
    names = district_names(site)
    order = {d["id"]: d["number"] for d in site.model.figures.district_vocabulary}
    areas = sorted(kf.safety_areas, key=lambda a: (order.get(a["district_id"], 999), a["area"].lower()))
    return Page(
        path=urls.SAFETY_INDEX,
        template="safety_index.md.j2",
        meta={"title": "Tryghedsindekset", "description": "Tryghedsindeksets behov for indsats pr. område og år, og effektmålet om færre områder med markant eller intensiveret behov."},
        context=SafetyIndexContext(safety=kf.safety, goal=goal, chart=chart, areas=areas, years=kf.safety_years, district_names=names,
                     glossary={g["id"]: g for g in site.ref.glossary}),
        charts=[chart] if chart else [],
    )  # fmt: skip
