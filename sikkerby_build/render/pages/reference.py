"""Reference pages: front page, glossary, methodology, open data, and (internal) data quality."""

from __future__ import annotations

from collections.abc import Iterator

from ... import compute, disclosure, downloads, live_figures, urls
from ..contexts import (
    FigureRow,
    FiguresReferenceContext,
    FrontContext,
    GlossaryContext,
    MethodologyContext,
    OpenDataContext,
    QualityContext,
    SmallNumbers,
)
from ..page import Page
from ..site import Site


def generate(site: Site) -> Iterator[Page]:
    ref = site.ref
    yield Page(urls.GLOSSARY, "glossary.md.j2", {"title": "Ordliste"}, GlossaryContext(glossary=ref.glossary))
    context = MethodologyContext(rubric=ref.rubric, example=compute.worked_example(), on_track_ratio=compute.ON_TRACK_RATIO, small_numbers=small_numbers(site))
    yield Page(urls.METHODOLOGY, "methodology.md.j2", {"title": "Metode"}, context)
    yield Page(
        urls.OPEN_DATA, "open_data.md.j2",
        {"title": "Åbne data", "description": "Hent hele Sikker By datapakken som én zip-fil: alle tabeller som CSV, datapackage.json, scores.json og en vejledning."},
        OpenDataContext(resources=site.data.descriptor["resources"], licence=downloads.licence_text(site.data.descriptor),
             years=site.model.figures.followup_years,
             documents=sorted(site.data.records.get("documents", []), key=lambda d: d["id"])),
    )  # fmt: skip
    yield Page(
        urls.HOME, "front.md.j2", {"title": "Sikker By"},
        FrontContext(front=site.prose.get("front.md"), goals=site.model.goals,
             intake=site.model.intake if site.internal else []),
        layout="landing",
    )  # fmt: skip
    if site.internal:
        names = {a["id"]: a["name"] for a in site.model.activities}
        yield Page(urls.DATA_QUALITY, "quality.md.j2", {"title": "Datakvalitet"}, QualityContext(warnings=site.warnings, names=names))
        yield _figures_reference(site)


def small_numbers(site: Site) -> SmallNumbers:
    """The suppression rule and a worked example computed by the same code the site uses."""
    t = site.data.threshold
    counts = {"primær": 12, "sekundær": 3, "tertiær": 40}
    return {
        "rule": disclosure.METHOD_TEXT_DA.format(t=t),
        "example_counts": counts,
        "example_shown": disclosure.suppress_table(counts, t),
    }


def _figures_reference(site: Site) -> Page:
    """For editors: every live figure, what it means and its value now, per follow-up year."""
    values = live_figures.values(site.model)
    years = sorted(values["aar"])
    rows: list[FigureRow] = [
        {
            "name": f.name,
            "meaning": f.meaning,
            "now": values[f.name],
            "per_year": [values["aar"][y][f.name] for y in years] if f.per_year else [],
        }
        for f in live_figures.CATALOGUE
    ]
    return Page(urls.FIGURES_REFERENCE, "figures_reference.md.j2", {"title": "Tal til redaktører"}, FiguresReferenceContext(rows=rows, years=years))
