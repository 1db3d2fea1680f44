"""The rules a news post's front matter must follow (title, date, categories, description, a
usable file name). Validation checks them before any build, and the news pages read dates with
the same function; neither depends on the other's stage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import urls
from .load import ContentPage
from .problems import Problem

RESERVED_SLUGS = {"posts", "arkiv", "kategori", "page", "feed"}  # the blog plugin's own addresses


def post_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def check_posts(pages: list[ContentPage]) -> list[Problem]:
    """Located Danish problems in news posts' front matter (title, date, categories, description)."""
    problems: list[Problem] = []
    slugs: dict[str, str] = {}
    for page in pages:
        if not urls.is_news(page.path):
            continue
        file = f"content/{page.path}"

        def problem(kind: str, key: str, message: str, file: str = file, page: ContentPage = page) -> None:
            problems.append(Problem(kind, file, message, row=page.meta_lines.get(key) or 1, field=key))

        meta = page.meta
        if not isinstance(meta.get("title"), str) or not meta["title"].strip():
            problem("news-title", "title", "Nyheden mangler en titel: skriv fx 'title: \"Sikker By ugen\"' i front matter.")
        if post_date(meta.get("date")) is None:
            shown = "mangler" if meta.get("date") is None else f"er '{meta.get('date')}'"
            problem("news-date", "date", f"Nyheden skal have en dato som 'date: 2026-11-22' (år-måned-dag), men datoen {shown}.")
        categories = meta.get("categories")
        if categories is not None and (not isinstance(categories, list) or not all(isinstance(c, str) and c.strip() for c in categories)):
            problem("news-categories", "categories", "categories skal være en liste af tekster, fx 'categories: [Effektopfølgning]'.")
        if not isinstance(meta.get("description"), str) or not meta["description"].strip():
            problem("news-description", "description", "Nyheden mangler en kort beskrivelse (description), som vises i oversigten, i feedet og ved deling.")
        slug = urls.news_slug(page.path)
        if not slug or slug in RESERVED_SLUGS:
            problems.append(Problem("news-filename", file, f"Filnavnet giver adressen '{slug}', som ikke kan bruges; giv filen et andet navn."))
        elif slug in slugs:
            problems.append(Problem("news-filename", file, f"Filnavnet giver samme adresse som {slugs[slug]}; giv en af filerne et andet navn."))
        else:
            slugs[slug] = file
    return problems
