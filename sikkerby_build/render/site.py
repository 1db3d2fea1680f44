"""The context every page generator reads: the edition's data and the computed model, plus
the lookups the templates need. Built once per render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import compute
from ..edition import EditionData
from ..load import ContentPage
from ..problems import Problem
from . import urls


@dataclass
class Site:
    data: EditionData
    model: compute.Model
    warnings: list[Problem]
    stories: list[ContentPage]
    prose: dict[str, ContentPage]
    labels: dict[str, Any] = field(default_factory=dict)  # presentation labels (templates' labels.yml)

    @property
    def ref(self) -> compute.Reference:
        return self.model.reference

    @property
    def internal(self) -> bool:
        return not self.data.is_public

    def base_context(self) -> dict[str, Any]:
        """Variables every template may use."""
        return dict(
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
        )

    def warnings_about(self, subject: str) -> list[Problem]:
        return [w for w in self.warnings if w.subject == subject] if self.internal else []

    def stories_of_activity(self, activity_id: str) -> list[ContentPage]:
        return [s for s in self.stories if activity_id in (s.meta.get("activities") or [])]

    def story_link(self, story: ContentPage) -> dict[str, Any]:
        slug = urls.story_slug(story.path)
        return {"title": story.meta.get("title", slug), "path": urls.story(slug)}


def make_site(data: EditionData, model: compute.Model, warnings: list[Problem]) -> Site:
    stories = [p for p in data.pages if urls.is_story(p.path)]
    return Site(data, model, warnings, stories, {p.path: p for p in data.pages})
