"""Vision stories (editorial content in content/stories/) and their overview."""

from __future__ import annotations

from collections.abc import Iterator

from ... import urls
from ..contexts import StoriesContext, StoryCard, StoryContext
from ..page import Page
from ..site import Site


def generate(site: Site) -> Iterator[Page]:
    focus_areas = site.ref.focus_areas
    for story in site.stories:
        slug = urls.story_slug(story.path)
        wanted = story.meta.get("activities") or []
        yield Page(
            path=urls.story(slug),
            template="story.md.j2",
            meta={"title": story.meta.get("title", slug)},
            context=StoryContext(s=story, activities=[a for a in site.model.activities if a["id"] in wanted], fa=focus_areas.get(story.meta.get("focus_area", ""))),
        )
    cards: list[StoryCard] = [
        {"slug": urls.story_slug(s.path), "title": s.meta.get("title"), "fa": focus_areas.get(s.meta.get("focus_area", "")), "teaser": s.body.strip().split("\n\n")[0]}
        for s in site.stories
    ]
    yield Page(urls.STORIES, "stories.md.j2", {"title": "Visionsfortællinger"}, StoriesContext(stories=cards))
