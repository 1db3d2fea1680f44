"""Activity pages and the activity explorer."""

from __future__ import annotations

from collections.abc import Iterator

from ... import charts, compute, search_forms, urls
from ...sanitize import unescaped_text
from .. import history, text
from ..contexts import ActivityContext, ExplorerContext, FollowupWithCharts
from ..page import Page
from ..site import Site

CATEGORY_ORDER = ("primær", "sekundær", "tertiær", "områdebaseret")


def generate(site: Site) -> Iterator[Page]:
    for activity in site.model.activities:
        yield _activity_page(site, activity)
    yield _explorer_page(site)


def _followup_charts(activity: compute.Activity, followup: compute.Followup) -> list[charts.Chart]:
    return charts.measurement_charts(
        f"chart-{activity['id']}-{followup['year']}", activity["name"], followup["year"], followup["measurements"], followup["source"]
    )


def _activity_page(site: Site, activity: compute.Activity) -> Page:
    followups: list[FollowupWithCharts] = [{**f, "charts": _followup_charts(activity, f)} for f in activity["followups"]]
    goals_by_focus = site.model.goals_by_focus
    past = history.activity_history(activity)  # None below two follow-up years
    return Page(
        path=urls.activity(activity["id"]),
        template="activity.md.j2",
        meta={
            "title": activity["name"],
            "description": text.cut_at_word(unescaped_text(activity["description"] or activity["name"]), 160),
            "tags": [x for x in [*activity["administrations"], activity["prevention_category"]] if x],
        },
        context=ActivityContext(
            a=activity,
            followups=followups,
            goals=[g for fa in activity["focus_areas"] for g in goals_by_focus.get(fa, [])],
            stories=[site.story_link(s) for s in site.stories_of_activity(activity["id"])],
            quality=site.warnings_about(activity["id"]),
            search_forms=search_forms.inflections(activity["name"]),
            history=past,
            overview=[o for o in site.data.records.get("overview_rows", []) if o["activity_id"] == activity["id"]],
            target_group_excerpt=_excerpt_year(activity),
            brief=brief(activity),
        ),
        charts=[c for f in followups for c in f["charts"]] + ([past["chart"]] if past and past["chart"] else []),
        card=card_lines(activity),
    )


def _excerpt_year(activity: compute.Activity) -> int | None:
    """The follow-up year whose target-group field the activity's own target group is only the
    beginning of (the report's field goes on, e.g. with user counts), or None."""
    own = " ".join(str(activity.get("target_group") or "").split())
    for f in sorted(activity["followups"], key=lambda f: f["year"], reverse=True):
        full = " ".join(str(f.get("target_group") or "").split())
        if own and full.startswith(own) and len(full) > len(own):
            return f["year"]
    return None
def card_lines(activity: compute.Activity) -> list[str]:
    """The latest result for the activity's share image."""
    latest = activity["latest"]
    if not latest:
        return ["Ikke fulgt op i en effektopfølgning endnu"]
    f = latest["fulfilment"]
    first = f"Effektopfølgning {latest['year']}: " + (f"{f.met} af {f.total} succeskriterier opfyldt" if f.assessable else "målopfyldelsen kan ikke vurderes")
    score = latest["score"].total
    return [first, f"Effektscore {score} af {latest['score'].max}" if score is not None else "Ingen effektvurdering"]


NOT_STATED = "ikke oplyst i kilderne"


def brief(activity: compute.Activity) -> dict[str, str]:
    """"Hvad, hvor, for hvem, hvad koster det" from the activity's own fields (plain text, cut at a
    sentence; the facts box below has them whole); a field the sources do not fill is said to be
    missing, never guessed."""
    what = text.first_sentences(unescaped_text(activity["description"] or ""), 280)
    where = ", ".join(activity["districts"]) or " ".join((activity.get("area_text") or "").split())
    return {
        "what": what or NOT_STATED,
        "where": where or NOT_STATED,
        "who": text.first_sentences(activity.get("target_group") or "", 200) or NOT_STATED,
        "budget_text": " ".join((activity.get("budget_text") or "").split()),
    }


def explorer_options(site: Site) -> dict[str, list[str]]:
    acts = site.model.activities
    return {
        "forvaltning": sorted({c for a in acts for c in a["administrations"]}),
        "kategori": [c for c in CATEGORY_ORDER if any(a["prevention_category"] == c for a in acts)],
        "princip": [p for p in site.ref.principles if any(p in a["principles"] for a in acts)],
        "omraade": sorted({d for a in acts for d in a["districts"]}),
    }


def _explorer_page(site: Site) -> Page:
    return Page(
        path=urls.EXPLORER,
        template="explorer.md.j2",
        meta={
            "title": "Aktiviteter",
            "description": "Find en Sikker By aktivitet: filtrér efter forvaltning, forebyggelseskategori, princip, område, effektscore og målopfyldelse.",
        },
        context=ExplorerContext(
            activities=site.model.activities, options=explorer_options(site),
            explorer_years=site.model.figures.followup_years,  # the year filter (render/history.py)
            explorer_rows={a["id"]: history.explorer_row(a) for a in site.model.activities},
        ),  # fmt: skip
    )
