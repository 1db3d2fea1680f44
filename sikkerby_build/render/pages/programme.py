"""The programme: focus areas (2010–2014), principles (2018–2021) and the programme overview."""

from __future__ import annotations

from collections.abc import Iterator

from ... import urls
from ..contexts import FocusAreaContext, PrincipleContext, ProgrammeContext
from ..page import Page
from ..site import Site


def generate(site: Site) -> Iterator[Page]:
    model = site.model
    for fa in site.ref.focus_areas.values():
        yield Page(
            path=urls.focus_area(fa["id"]),
            template="focus_area.md.j2",
            meta={"title": fa["name"]},
            context=FocusAreaContext(
                fa=fa,
                goals=model.goals_by_focus.get(fa["id"], []),
                activities=[a for a in model.activities if fa["id"] in a["focus_areas"]],
                stories=[site.story_link(s) for s in site.stories if s.meta.get("focus_area") == fa["id"]],
            ),
        )
    for p in site.ref.principles.values():
        yield Page(
            path=urls.principle(p["id"]),
            template="principle.md.j2",
            meta={"title": f"Princip {p['number']}: {p['name']}"},
            context=PrincipleContext(p=p, activities=[a for a in model.activities if p["id"] in a["principles"]]),
        )
    yield Page(
        urls.PROGRAMME, "programme.md.j2", {"title": "Programmet"},
        ProgrammeContext(goals=model.goals, key_figures=site.ref.key_figures),
    )  # fmt: skip
