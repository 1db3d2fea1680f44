"""Stage: render. View -> Markdown/HTML pages, chart specs and downloads in a staging folder.

Entry point: ``render(data, model, staging, warnings) -> RenderResult``.
Page templates live in ``overrides/pages/`` (Jinja, autoescaped); text that arrives in data
is Markdown and reaches a page only through the ``md`` filter (rendered and sanitized).
This stage knows nothing about MkDocs: it writes a plain docs folder that any
Markdown site engine can build.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import charts, compute, downloads, search_forms
from .edition import EditionData
from .load import ContentPage
from .problems import Problem
from .sanitize import markdown_to_safe_html, plain_text, unescaped_text

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "overrides" / "pages"
PLOTLY_BUNDLE = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"

CATEGORY_LABELS = {"primær": "Primær forebyggelse", "sekundær": "Sekundær forebyggelse", "tertiær": "Tertiær forebyggelse", "områdebaseret": "Områdebaserede indsatser"}
MET_LABELS = {"ja": "Ja", "nej": "Nej", "kan ikke vurderes": "Kan ikke vurderes"}

# Content pages that are rendered into generated pages instead of being copied as they are.
STORIES_DIR = "stories/"
CONTENT_TARGETS = {
    "vision.md": "vision.md",
    "about.md": "om/index.md",
    "effect-model.md": "om/effektmodel.md",
    "communication.md": "om/kommunikation.md",
    "key-figures.md": "program/noegletal.md",
    "accessibility.md": "om/tilgaengelighed.md",
    "front.md": None,  # prose used by the front page template
}


@dataclass
class RenderResult:
    pages: list[str] = field(default_factory=list)
    charts: int = 0


def _fmt_dkk(value: float | None) -> str:
    if value is None:
        return "Ikke oplyst"
    if value >= 1_000_000:
        return f"{charts.fmt_number(value / 1e6, 1)} mio. kr."
    return f"{charts.fmt_number(value)} kr."


def _fmt_share(value: float | None) -> str:
    return "–" if value is None else f"{charts.fmt_number(value * 100)} %"


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    """One Jinja environment per process: compiled templates are reused across editions and previews."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda text: Markup(markdown_to_safe_html(text))
    env.filters["plain"] = plain_text
    env.filters["mdesc"] = markdown_escape
    env.filters["dkk"] = _fmt_dkk
    env.filters["share"] = _fmt_share
    env.filters["num"] = charts.fmt_number
    env.filters["fulfilment"] = compute.format_fulfilment
    env.filters["oneline"] = lambda text: " ".join(str(text or "").split())
    env.filters["rel"] = lambda target, current: _rel(current, target)
    env.globals.update(
        MARKINGS=compute.MARKINGS,
        CATEGORY_LABELS=CATEGORY_LABELS,
        MET_LABELS=MET_LABELS,
        CRITERIA=compute.CRITERIA,
    )
    return env


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


def markdown_escape(text: object) -> str:
    """Backslash-escape Markdown syntax in data placed in Markdown context (headings).

    HTML is escaped by Jinja's autoescape afterwards; this stops '[x](javascript:…)' from
    becoming a link and '{: …}' from becoming attributes.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _front_matter(meta: dict[str, Any]) -> str:
    clean = {k: (plain_text(v) if isinstance(v, str) else v) for k, v in meta.items()}
    return "---\n" + yaml.safe_dump(clean, allow_unicode=True, sort_keys=True) + "---\n\n"


class _Writer:
    def __init__(self, docs: Path, env: Environment, base_context: dict[str, Any]):
        self.docs, self.env, self.base = docs, env, base_context
        self.result = RenderResult()
        self.written: set[Path] = set()

    def page(self, target: str, template: str, meta: dict[str, Any], **context: Any) -> None:
        body = self.env.get_template(template).render(**self.base, **context, page_path=target)
        self.write(target, _front_matter(meta) + body)

    def write(self, target: str, text: str) -> None:
        path = self.docs / target
        self.written.add(path)
        if target.endswith(".md"):
            self.result.pages.append(target)
        # Unchanged files are not touched, so a live preview rebuilds only what changed.
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def chart(self, chart: charts.Chart | None) -> charts.Chart | None:
        if chart is not None:
            self.result.charts += 1
            self.write(f"data/diagrammer/{chart.id}.csv", chart.csv)
        return chart


def page_url(path: str) -> str:
    """Site URL (relative to the root) of a staged file, with directory URLs as MkDocs builds them."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _rel(from_page: str, to_page: str) -> str:
    """Relative href from one staged page to another page or file, as the browser resolves it."""
    start = page_url(from_page)
    start_dir = start if start.endswith("/") or start == "" else posixpath.dirname(start)
    target = page_url(to_page)
    rel = posixpath.relpath(target or ".", start_dir or ".")
    if target.endswith("/") or target == "":
        rel = rel.rstrip("/") + "/"
        if rel == "./":
            rel = "./"
    return rel


def _activity_path(activity_id: str) -> str:
    return f"aktiviteter/{activity_id}.md"


def _story_slug(page: ContentPage) -> str:
    return page.path[len(STORIES_DIR) : -3]


def render(
    data: EditionData,
    model: compute.Model,
    staging: Path,
    warnings: list[Problem],
    glossary_tooltips: bool = True,
) -> RenderResult:
    docs = staging / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    before = {p for p in docs.rglob("*") if p.is_file()}
    t = data.tables
    env = _environment()
    focus_areas = {f["id"]: f for f in sorted(t.get("focus_areas", []), key=lambda r: r["number"])}
    principles = {p["id"]: p for p in sorted(t.get("principles", []), key=lambda r: r["number"])}
    rubric: dict[tuple[str, int], dict[str, Any]] = {(r["criterion"], r["level"]): r for r in t.get("rubric", [])}
    criterion_names = {r["criterion"]: r["name"] for r in t.get("rubric", [])}
    justifications = {(s["activity_id"], s["year"], s["criterion"]): s["justification"] for s in t.get("effect_scores", [])}
    administrations = {a["code"]: a for a in t.get("administrations", [])}
    goals_by_focus = compute.group_by(model.goals, "focus_area_id")
    warnings_by_activity: dict[str, list[Problem]] = {}
    for warning in warnings:
        if warning.subject:
            warnings_by_activity.setdefault(warning.subject, []).append(warning)
    stories = [p for p in data.pages if p.path.startswith(STORIES_DIR)]
    stories_by_activity: dict[str, list[ContentPage]] = {}
    for story in stories:
        for aid in story.meta.get("activities", []) or []:
            stories_by_activity.setdefault(aid, []).append(story)
    prose = {p.path: p for p in data.pages}
    base = dict(
        edition=data.edition,
        internal=not data.is_public,
        figures=model.figures,
        focus_areas=focus_areas,
        principles=principles,
        administrations=administrations,
        criterion_names=criterion_names,
        threshold=data.threshold,
    )
    w = _Writer(docs, env, base)

    # -- activities
    for activity in model.activities:
        target = _activity_path(activity["id"])
        followups = []
        for f in activity["followups"]:
            followups.append(
                {
                    **f,
                    "chart": w.chart(
                        charts.measurement_chart(
                            f"chart-{activity['id']}-{f['year']}", activity["name"], f["year"], f["measurements"], f["source"]
                        )
                    ),
                    "bars": [
                        {
                            "criterion": c,
                            "name": criterion_names.get(c, c),
                            "score": f["score"].parts.get(c),
                            "level_text": (rubric.get((c, f["score"].parts[c])) or {}).get("text") if c in f["score"].parts else None,
                            "justification": justifications.get((activity["id"], f["year"], c)),
                        }
                        for c in compute.CRITERIA
                    ],
                }
            )
        goals = [g for fa in activity["focus_areas"] for g in goals_by_focus.get(fa, [])]
        w.page(
            target,
            "activity.md.j2",
            {
                "title": activity["name"],
                "description": unescaped_text(activity["description"])[:160],
                "tags": [x for x in [*activity["administrations"], activity["prevention_category"]] if x],
            },
            a=activity,
            followups=followups,
            goals=goals,
            stories=[{"title": s.meta.get("title", _story_slug(s)), "path": f"fortaellinger/{_story_slug(s)}.md"} for s in stories_by_activity.get(activity["id"], [])],
            quality=warnings_by_activity.get(activity["id"], []) if not data.is_public else [],
            search_forms=search_forms.inflections(activity["name"]),
        )

    # -- explorer
    options = {
        "forvaltning": sorted({c for a in model.activities for c in a["administrations"]}),
        "kategori": [c for c in CATEGORY_LABELS if any(a["prevention_category"] == c for a in model.activities)],
        "princip": [p for p in principles if any(p in a["principles"] for a in model.activities)],
        "omraade": sorted({d for a in model.activities for d in a["districts"]}),
    }
    w.page("aktiviteter/index.md", "explorer.md.j2", {"title": "Aktiviteter", "description": "Find en Sikker By aktivitet: filtrér efter forvaltning, forebyggelseskategori, princip, område, effektscore og målopfyldelse."}, activities=model.activities, options=options)

    # -- goals
    for goal in model.goals:
        chart = w.chart(charts.goal_chart(goal))
        w.page(f"maal/{goal['id']}.md", "goal.md.j2", {"title": f"Effektmål {goal['number']}", "description": unescaped_text(goal["text"])[:160]}, g=goal, chart=chart)
    w.page("maal/index.md", "goals.md.j2", {"title": "Effektmål"}, goals=model.goals)

    # -- programme
    for fa in focus_areas.values():
        acts = [a for a in model.activities if fa["id"] in a["focus_areas"]]
        fa_stories = [{"title": s.meta.get("title"), "path": f"fortaellinger/{_story_slug(s)}.md"} for s in stories if s.meta.get("focus_area") == fa["id"]]
        w.page(f"program/{fa['id']}.md", "focus_area.md.j2", {"title": fa["name"]}, fa=fa, goals=goals_by_focus.get(fa["id"], []), activities=acts, stories=fa_stories)
    for p in principles.values():
        acts = [a for a in model.activities if p["id"] in a["principles"]]
        w.page(f"program/{p['id']}.md", "principle.md.j2", {"title": f"Princip {p['number']}: {p['name']}"}, p=p, activities=acts)
    w.page("program/index.md", "programme.md.j2", {"title": "Programmet"}, goals=model.goals, key_figures=t.get("key_figures", []), periods=t.get("periods", []))

    # -- results
    years = model.figures["followup_years"]
    year_label = ", ".join(str(y) for y in years) or "–"
    marking_counts = Counter(a["marking"] for a in model.activities)
    marking_chart = w.chart(charts.marking_chart(dict(marking_counts), {k: v[0] for k, v in compute.MARKINGS.items()}, year_label))
    score_chart = w.chart(charts.score_distribution_chart([f["score"].total for f in model.followups if f["score"].total is not None], year_label))
    for year in years:
        year_followups = [f for f in model.followups if f["year"] == year]
        names = {a["id"]: a["name"] for a in model.activities}
        groups = [(c, CATEGORY_LABELS[c], sorted((f for f in year_followups if f["prevention_category"] == c), key=lambda f: names[f["activity_id"]])) for c in CATEGORY_LABELS]
        w.page(f"resultater/aarsrapport-{year}.md", "annual_report.md.j2", {"title": f"Effektopfølgning {year}"}, year=year, groups=groups, names=names, followups=year_followups)
    w.page("resultater/index.md", "results.md.j2", {"title": "Resultater"}, years=years, marking_chart=marking_chart, score_chart=score_chart, summaries=model.summaries, activities=model.activities)
    budget_points = [
        {"name": a["name"], "budget_dkk": a["latest"]["budget_dkk"] or a["budget_dkk"], "score": a["latest"]["score"].total, "year": a["latest"]["year"], "id": a["id"]}
        for a in model.activities
        if a["latest"] and a["latest"]["score"].total is not None and (a["latest"]["budget_dkk"] or a["budget_dkk"]) is not None
    ]
    w.page("resultater/budget-og-effekt.md", "budget_effect.md.j2", {"title": "Budget og effekt"}, chart=w.chart(charts.budget_effect_chart(budget_points)), points=budget_points, unscored=[a for a in model.activities if a["latest"] and a["latest"]["score"].total is not None and not any(p["id"] == a["id"] for p in budget_points)])
    w.page("resultater/status.md", "status.md.j2", {"title": "Rapporteringsstatus"}, activities=model.activities)
    participants = data.participants
    w.page("resultater/sammenfatning.md", "summaries.md.j2", {"title": "Sammenfatning"}, summaries=model.summaries, participants=participants)

    # -- stories, glossary, content pages
    for story in stories:
        slug = _story_slug(story)
        acts = [a for a in model.activities if a["id"] in (story.meta.get("activities") or [])]
        w.page(f"fortaellinger/{slug}.md", "story.md.j2", {"title": story.meta.get("title", slug)}, s=story, activities=acts, fa=focus_areas.get(story.meta.get("focus_area")))
    w.page("fortaellinger/index.md", "stories.md.j2", {"title": "Visionsfortællinger"}, stories=[{"slug": _story_slug(s), "title": s.meta.get("title"), "fa": focus_areas.get(s.meta.get("focus_area")), "teaser": s.body.strip().split("\n\n")[0]} for s in stories])
    glossary = sorted(t.get("glossary", []), key=lambda g: g["term"].lower())
    w.page("ordliste.md", "glossary.md.j2", {"title": "Ordliste"}, glossary=glossary)
    w.page("om/metode.md", "methodology.md.j2", {"title": "Metode"}, rubric=sorted(t.get("rubric", []), key=lambda r: (r["criterion"], r["level"])), example=compute.worked_example())
    w.page("om/data.md", "open_data.md.j2", {"title": "Åbne data"}, resources=data.descriptor["resources"])
    w.page("index.md", "front.md.j2", {"title": "Sikker By", "hide": ["toc"]}, front=prose.get("front.md"), goals=model.goals, stories=stories[:3], story_slug=_story_slug)
    for page in data.pages:
        if page.path.startswith(STORIES_DIR) or page.path == "front.md":
            continue
        target = CONTENT_TARGETS.get(page.path, page.path)
        if target is None:
            continue
        meta = {k: v for k, v in page.meta.items() if k in {"title", "description", "render_macros", "hide"}}
        w.write(target, _front_matter(meta) + page.body)
    if not data.is_public:
        w.page("intern/datakvalitet.md", "quality.md.j2", {"title": "Datakvalitet"}, warnings=warnings, names={a["id"]: a["name"] for a in model.activities})

    # -- glossary tooltips (Material 'abbr' via snippets auto-append), figures for macros
    abbreviations = []
    if glossary_tooltips:
        for g in glossary:
            definition = " ".join(unescaped_text(markdown_to_safe_html(g["definition"])).split())
            for term in [g["term"], *(g.get("aliases") or "").split("|")]:
                if term.strip():
                    abbreviations.append(f"*[{term.strip()}]: {definition[:300]}")
    (staging / "includes").mkdir(exist_ok=True)
    (staging / "includes" / "abbreviations.md").write_text("\n".join(abbreviations) + "\n", encoding="utf-8")
    (staging / "figures.yml").write_text(yaml.safe_dump({"figures": _macro_figures(model)}, allow_unicode=True, sort_keys=True), encoding="utf-8")

    # -- downloads and assets
    for path in downloads.write(docs / "data", data, model):
        w.written.add(path)
    if PLOTLY_BUNDLE.exists():
        target_js = docs / "assets" / "javascripts" / "plotly-basic.min.js"
        target_js.parent.mkdir(parents=True, exist_ok=True)
        # The only third-party URL in the bundle is the default topojson location for geo maps,
        # which the basic bundle cannot draw; point it at the site so no file names a CDN.
        bundle = PLOTLY_BUNDLE.read_text(encoding="utf-8").replace('"https://cdn.plot.ly/un/"', '"topojson/"')
        if not target_js.exists() or target_js.read_text(encoding="utf-8") != bundle:
            target_js.write_text(bundle, encoding="utf-8")
        w.written.add(target_js)
    else:
        raise FileNotFoundError(f"{PLOTLY_BUNDLE} mangler: kør 'npm ci' i projektets rod (se README).")
    for stale in before - w.written:  # pages of removed records
        stale.unlink()
    return w.result


def _macro_figures(model: compute.Model) -> dict[str, Any]:
    f = model.figures
    return {
        "aktiviteter": f["activities"],
        "opfoelgninger": f["followups"],
        "scorede": f["scored"],
        "maalepunkter": f["measurements"],
        "kriterier_opfyldt": f["criteria_met"],
        "kriterier_i_alt": f["criteria_total"],
        "andel_opfyldt": _fmt_share(f["criteria_met"] / f["criteria_total"]) if f["criteria_total"] else "–",
        "median_effektscore": charts.fmt_number(f["score_median"], 1 if f["score_median"] and f["score_median"] % 1 else 0) if f["score_median"] is not None else "–",
        "effektmaal": f["goals"],
        "indikatorer": f["indicators"],
        "aar": ", ".join(str(y) for y in f["followup_years"]),
    }
