"""Printed documents: one fact sheet (one A4 page) per activity, and the annual report
"Effektopfølgning <år>" as one document per year. Both are HTML pages with a print stylesheet;
the build prints them to PDF under ``data/`` (``urls.print_jobs``, ``printing.py``).

The public edition's documents are rendered from the public data, so no internal field can
reach them; internal-only parts (contact, staff note, computed fulfilment) are shown only when
``site.internal``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import charts, compute, urls
from ...sanitize import unescaped_text
from ..contexts import FactsheetContext, ReportDocumentContext, ReportEntry, ReportGroup
from ..page import Page
from ..site import Site
from .activities import CATEGORY_ORDER

FACTSHEET_TEXT_LIMIT = 650  # characters of the description that fit one A4 page with the rest


def cut(text: str | None, limit: int) -> str:
    """Plain text cut at a word boundary (with "…" when cut)."""
    plain = " ".join(unescaped_text(text or "").split())
    if len(plain) <= limit:
        return plain
    head = plain[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return head + " …"


def generate(site: Site) -> Iterator[Page]:
    for activity in site.model.activities:
        latest = activity["latest"]
        yield Page(
            path=urls.factsheet(activity["id"]),
            template="factsheet.md.j2",
            meta={
                "title": f"Faktaark: {activity['name']}",
                "description": cut(activity["description"], 160),
            },
            context=FactsheetContext(
                a=activity,
                latest=latest,
                text=cut(activity["description"], FACTSHEET_TEXT_LIMIT),
                category=site.labels["categories"].get(activity["prevention_category"] or "", "Ikke angivet"),
            ),
            layout="print",
        )


def _entry(activity: compute.Activity, followup: compute.Followup) -> ReportEntry:
    budget = " ".join(unescaped_text(followup.get("budget_text") or activity.get("budget_text") or "").split())
    return {"f": followup, "a": activity, "chart": _document_chart(activity, followup), "budget": budget}


def _document_chart(activity: compute.Activity, followup: compute.Followup) -> charts.Chart | None:
    """The document's chart: the measurements of its most frequent unit (one unit per axis)."""
    found = charts.measurement_charts(
        f"doc-{activity['id']}-{followup['year']}", activity["name"], followup["year"], followup["measurements"], followup["source"]
    )
    return found[0] if found else None


def generate_reports(site: Site) -> Iterator[Page]:
    activities = {a["id"]: a for a in site.model.activities}
    labels = site.labels["categories"]
    for year in site.model.figures.followup_years:
        year_followups = [f for f in site.model.followups if f["year"] == year]
        groups: list[ReportGroup] = []
        for category in CATEGORY_ORDER:
            chosen = sorted(
                (f for f in year_followups if f["prevention_category"] == category),
                key=lambda f: activities[f["activity_id"]]["name"].lower(),
            )
            items = [_entry(activities[f["activity_id"]], f) for f in chosen]
            if items:
                groups.append({"key": category, "label": labels[category], "anchor": urls.slugify(labels[category]), "entries": items})
        uncategorised = [f for f in year_followups if f["prevention_category"] not in CATEGORY_ORDER]
        if uncategorised:
            items = [_entry(activities[f["activity_id"]], f) for f in uncategorised]
            groups.append({"key": "", "label": "Uden forebyggelseskategori", "anchor": "uden-kategori", "entries": items})
        yield Page(
            path=urls.report_document(year),
            template="report_document.md.j2",
            meta={
                "title": f"Effektopfølgning {year} – samlet rapport",
                "description": f"Den samlede effektopfølgning for {year} som dokument: alle aktiviteter grupperet efter forebyggelseskategori med målepunkter og effektscore.",
            },
            context=ReportDocumentContext(year=year, groups=groups, count=len(year_followups)),
            layout="print",
        )
