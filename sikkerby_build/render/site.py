"""The context every page generator reads: the edition's data and the computed model, plus
the lookups the templates need. Built once per render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from .. import compute, records, urls
from ..edition import EditionData
from ..load import ContentPage
from ..problems import Problem
from .contexts import BaseContext, Currency, StoryLink
from .jinja import Labels


@dataclass
class Site:
    data: EditionData
    model: compute.Model
    warnings: list[Problem]
    stories: list[ContentPage]
    prose: dict[str, ContentPage]
    labels: Labels = field(default_factory=lambda: cast(Labels, {}))  # presentation labels (templates' labels.yml), set by render

    @property
    def ref(self) -> compute.Reference:
        return self.model.reference

    @property
    def internal(self) -> bool:
        return not self.data.is_public

    def base_context(self, pdfs: bool, municipal: dict[str, Any]) -> BaseContext:
        """Variables every template may use."""
        return BaseContext(
            edition=self.data.edition,
            internal=self.internal,
            figures=self.model.figures,
            focus_areas=self.ref.focus_areas,
            principles=self.ref.principles,
            administrations=self.ref.administrations,
            criterion_names=self.ref.criterion_names,
            threshold=self.data.threshold,
            periods_by_id={p["id"]: p for p in self.ref.periods},
            data_updated=self.data.descriptor.get("updated"),
            currency=self.currency(),
            pdfs=pdfs,
            municipal=municipal,
        )

    def currency(self) -> dict[str, Currency]:
        """How current each kind of figure is (issue 18 item 15): the period covered, the date the
        data package last changed (``updated`` in datapackage.json: from the data, never the clock)
        and the cadence and next update as the sources state them (``cadences``)."""
        cadences = {c["id"]: c for c in self.data.records.get("cadences", [])}
        figures = self.model.figures
        latest = figures.latest.year
        kf = figures.key_figures
        goal_years = sorted({o["year"] for g in self.model.goals for o in g["observations"]} | {y for g in self.model.goals if (y := g["baseline_year"])})
        periods = {p["id"]: p for p in self.ref.periods}
        programme = next(iter(periods.values()), None)
        doc_years = sorted(y for d in self.data.records.get("documents", []) if (y := d["year"]))
        covered = {
            "followups": f"Effektopfølgning gældende for {latest}" if latest else "Ingen effektopfølgning indberettet",
            "goals": (
                f"Programperioden {programme['start_year']}–{programme['end_year']}" if programme else "Programperioden"
            ) + (f"; målinger fra {goal_years[0]}–{goal_years[-1]}" if goal_years else "; ingen målinger indberettet"),
            "key_figures": (f"Fra årets begyndelse til og med {kf.latest[1]}. kvartal {kf.latest[0]}" if kf is not None and kf.latest else "Ingen nøgletal indberettet"),
            "safety_index": (f"Tryghedsindekset {kf.safety_years[0]}–{kf.safety_years[-1]}" if kf is not None and kf.safety_years else "Ingen tal fra Tryghedsindekset indberettet"),
            "registry": (
                "Kildernes oversigter: Sikker By Programmet 2010–2014, oversigten 2018–2021"
                + (f" og Effektopfølgning {latest}" if latest else "")
            ),
        }
        updated = self.data.descriptor.get("updated")
        return {kind: _currency(cadences.get(kind), period, updated, doc_years) for kind, period in covered.items()}

    def warnings_about(self, subject: str) -> list[Problem]:
        return [w for w in self.warnings if w.subject == subject] if self.internal else []

    def stories_of_activity(self, activity_id: str) -> list[ContentPage]:
        return [s for s in self.stories if activity_id in (s.meta.get("activities") or [])]

    def story_link(self, story: ContentPage) -> StoryLink:
        slug = urls.story_slug(story.path)
        return {"title": story.meta.get("title", slug), "path": urls.story(slug)}


def _currency(cadence: records.CadencesRow | None, period: str, updated: str | None, documents: list[int]) -> Currency:
    if cadence is None:
        return {"cadence": "Kilderne angiver ingen hyppighed.", "next_update": "Kilderne angiver ikke, hvornår der kommer nye tal.",
                "source": None, "period": period, "updated": updated, "documents": documents}  # fmt: skip
    return {"cadence": cadence["cadence"], "next_update": cadence["next_update"], "source": cadence["source"],
            "period": period, "updated": updated, "documents": documents}  # fmt: skip


def make_site(data: EditionData, model: compute.Model, warnings: list[Problem]) -> Site:
    stories = [p for p in data.pages if urls.is_story(p.path)]
    return Site(data, model, warnings, stories, {p.path: p for p in data.pages})
