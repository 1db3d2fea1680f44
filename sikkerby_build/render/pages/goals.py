"""The city-wide effect goals: one page per goal and an overview."""

from __future__ import annotations

from collections.abc import Iterator

from ... import charts, compute, urls
from ...sanitize import unescaped_text
from .. import text
from ..contexts import GoalContext, GoalsContext
from ..page import Page
from ..site import Site


def generate(site: Site) -> Iterator[Page]:
    for goal in site.model.goals:
        yield _goal_page(goal, site.labels["progress"][goal["progress"].status])
    yield Page(urls.GOALS, "goals.md.j2", {"title": "Effektmål"}, GoalsContext(goals=site.model.goals))


def _goal_page(goal: compute.Goal, status_label: str) -> Page:
    chart = charts.goal_chart(goal, status_label)
    return Page(
        path=urls.goal(goal["id"]),
        template="goal.md.j2",
        meta={"title": f"Effektmål {goal['number']}", "description": text.cut_at_word(unescaped_text(goal["text"]), 160)},
        context=GoalContext(g=goal, chart=chart),
        charts=[chart],
    )
