"""Every address of the site, in one place (as datasette's ``Urls`` and Material's
``_format_path_for_*``): generators, templates (global ``urls``), the audit and the engine's
navigation all ask this module, so a page's path is spelled once.

Paths are *staged* paths (``aktiviteter/sjakket.md``), relative to the docs folder; ``page_url``
turns one into the address the site serves (``aktiviteter/sjakket/``).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# ---------------------------------------------------------------- fixed pages

HOME = "index.md"
EXPLORER = "aktiviteter/index.md"
PROGRAMME = "program/index.md"
VISION = "vision.md"
KEY_FIGURES = "program/noegletal.md"
SAFETY_INDEX = "program/tryghedsindeks.md"
DISTRICTS = "bydele/index.md"
GOALS = "maal/index.md"
STORIES = "fortaellinger/index.md"
RESULTS = "resultater/index.md"
SUMMARIES = "resultater/sammenfatning.md"
BUDGET_EFFECT = "resultater/budget-og-effekt.md"
STATUS = "resultater/status.md"
GLOSSARY = "ordliste.md"
ABOUT = "om/index.md"
METHODOLOGY = "om/metode.md"
EFFECT_MODEL = "om/effektmodel.md"
COMMUNICATION = "om/kommunikation.md"
OPEN_DATA = "om/data.md"
ACCESSIBILITY = "om/tilgaengelighed.md"
DATA_QUALITY = "intern/datakvalitet.md"
FIGURES_REFERENCE = "intern/tal.md"
DOWNLOADS = "data"
PLOTLY_BUNDLE = "assets/javascripts/plotly-basic.min.js"
NEWS = "nyheder/index.md"  # the news listing (the engine's blog index)
NEWS_DIR = "nyheder/"  # content/nyheder/*.md are news posts
NEWS_FEED = "nyheder/feed.xml"
SHARE_IMAGE = "assets/images/deling.png"  # the card image of shared links (og:image)


def share_image(page_path: str) -> str:
    """A page's own card image (og:image), for pages that have one (activities, districts)."""
    return "assets/images/deling/" + (page_path[:-3] if page_path.endswith(".md") else page_path).replace("/", "-") + ".png"

# Content files (content/…) that have a fixed place on the site; ``None``: used by a template.
CONTENT_TARGETS: dict[str, str | None] = {
    "vision.md": VISION,
    "about.md": ABOUT,
    "effect-model.md": EFFECT_MODEL,
    "communication.md": COMMUNICATION,
    "key-figures.md": None,  # the prose of the generated key-figures page
    "accessibility.md": ACCESSIBILITY,
    "front.md": None,
}
STORIES_DIR = "stories/"


# ---------------------------------------------------------------- one function per page kind


def activity(activity_id: str) -> str:
    return f"aktiviteter/{activity_id}.md"


def district(district_id: str) -> str:
    return f"bydele/{district_id}.md"


def goal(goal_id: str) -> str:
    return f"maal/{goal_id}.md"


def focus_area(focus_area_id: str) -> str:
    return f"program/{focus_area_id}.md"


def principle(principle_id: str) -> str:
    return f"program/{principle_id}.md"


def story(slug: str) -> str:
    return f"fortaellinger/{slug}.md"


def annual_report(year: int) -> str:
    return f"resultater/aarsrapport-{year}.md"


def chart_csv(chart_id: str) -> str:
    return f"{DOWNLOADS}/diagrammer/{chart_id}.csv"


def chart_embed(chart_id: str) -> str:
    """A chart alone on a page, with its citation: for embedding (an iframe) elsewhere."""
    return f"{DOWNLOADS}/diagrammer/{chart_id}.html"


DATA_ZIP = f"{DOWNLOADS}/sikkerby-data.zip"  # the whole open-data package in one file


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str, separator: str = "-") -> str:
    """An ASCII address part: Danish letters transliterated (æ→ae, ø→oe, å→aa), the rest folded."""
    folded = unicodedata.normalize("NFKD", text.translate(_DANISH)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", separator, folded.lower()).strip(separator)


def is_news(content_path: str) -> bool:
    return content_path.startswith(NEWS_DIR)


def news_slug(content_path: str) -> str:
    """``nyheder/sikker-by-ugen.md`` -> ``sikker-by-ugen`` (ASCII, whatever the file name)."""
    return slugify(content_path[len(NEWS_DIR) : -3])


def news_post(slug: str) -> str:
    """Where a post is staged (the blog engine reads posts from ``<blog>/posts/``)."""
    return f"{NEWS_DIR}posts/{slug}.md"


def news_url(slug: str) -> str:
    """The address a post is served at (the engine is configured to match: ``post_url_format: "{slug}"``)."""
    return f"{NEWS_DIR}{slug}/"


def factsheet(activity_id: str) -> str:
    return f"faktaark/{activity_id}.md"


def factsheet_pdf(activity_id: str) -> str:
    return f"{DOWNLOADS}/faktaark/{activity_id}.pdf"


def report_document(year: int) -> str:
    return f"resultater/effektopfoelgning-{year}.md"


def report_pdf(year: int) -> str:
    return f"{DOWNLOADS}/effektopfoelgning-{year}.pdf"


def print_jobs(pages: list[str]) -> list[tuple[str, str]]:
    """(served page address, PDF file) for every staged page that is also printed as a PDF."""
    jobs = []
    for path in pages:
        if m := re.fullmatch(r"faktaark/([^/]+)\.md", path):
            jobs.append((page_url(path), factsheet_pdf(m.group(1))))
        elif m := re.fullmatch(r"resultater/effektopfoelgning-(\d{4})\.md", path):
            jobs.append((page_url(path), report_pdf(int(m.group(1)))))
    return jobs


def story_slug(content_path: str) -> str:
    """``stories/deniz.md`` -> ``deniz``."""
    return content_path[len(STORIES_DIR) : -3]


def is_story(content_path: str) -> bool:
    return content_path.startswith(STORIES_DIR)


def served_address(content_path: str) -> str | None:
    """The address a content file is served at (news posts are served by the blog engine at their slug)."""
    if is_news(content_path):
        return news_url(news_slug(content_path))
    target = content_page(content_path)
    return page_url(target) if target is not None else None


def content_page(content_path: str) -> str | None:
    """Where a content file is published (``None``: not a page of its own)."""
    if is_story(content_path):
        return story(story_slug(content_path))
    if is_news(content_path):
        return news_post(news_slug(content_path))
    return CONTENT_TARGETS.get(content_path, content_path)


# ---------------------------------------------------------------- addresses


def page_url(path: str) -> str:
    """The address (relative to the site root) a staged file is served at: directory URLs."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def rel(from_page: str, to_page: str) -> str:
    """Relative href from one staged page to another page or file, as the browser resolves it."""
    start = page_url(from_page)
    start_dir = start if start.endswith("/") or start == "" else posixpath.dirname(start)
    target = page_url(to_page)
    relative = posixpath.relpath(target or ".", start_dir or ".")
    if target.endswith("/") or target == "":
        relative = relative.rstrip("/") + "/"
    return relative


def href(to_page: str, from_page: str) -> Markup:
    """``rel`` for templates: an attribute-safe relative href."""
    return Markup(escape(rel(from_page, to_page)))


# ---------------------------------------------------------------- navigation


@dataclass(frozen=True)
class NavItem:
    """One entry of the site navigation: a page, or a section with children (first = its index)."""

    title: str | None
    path: str | None = None
    children: tuple[NavItem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class NavPage:
    """A content page that places itself in the navigation (front matter ``section``/``nav_title``)."""

    path: str
    title: str
    section: str
    order: int = 100


SECTIONS = ("program", "resultater", "om", "intern")


def site_nav(report_years: list[int], extra: list[NavPage], internal: bool) -> list[NavItem]:
    """The whole navigation, from the data (report years) and the content (pages that place themselves)."""

    def placed(section: str) -> tuple[NavItem, ...]:
        pages = sorted((p for p in extra if p.section == section), key=lambda p: (p.order, p.title.lower()))
        return tuple(NavItem(p.title, p.path) for p in pages)

    nav = [
        NavItem("Forside", HOME),
        NavItem("Aktiviteter", EXPLORER),
        NavItem("Min bydel", DISTRICTS),
        NavItem("Nyheder", NEWS),
        NavItem(
            "Program",
            children=(
                NavItem(None, PROGRAMME),
                NavItem("Vision", VISION),
                NavItem("Effektmål", GOALS),
                NavItem("Nøgletal for kriminalitet", KEY_FIGURES),
                NavItem("Tryghedsindeks", SAFETY_INDEX),
                NavItem("Visionsfortællinger", STORIES),
                *placed("program"),
            ),
        ),
        NavItem(
            "Resultater",
            children=(
                NavItem(None, RESULTS),
                *(NavItem(f"Effektopfølgning {year}", annual_report(year)) for year in sorted(report_years, reverse=True)),
                NavItem("Sammenfatning", SUMMARIES),
                NavItem("Budget og effekt", BUDGET_EFFECT),
                NavItem("Rapporteringsstatus", STATUS),
                *placed("resultater"),
            ),
        ),
        NavItem("Ordliste", GLOSSARY),
        NavItem(
            "Om",
            children=(
                NavItem(None, ABOUT),
                NavItem("Metode", METHODOLOGY),
                NavItem("Effektmodellen", EFFECT_MODEL),
                NavItem("Kommunikation", COMMUNICATION),
                NavItem("Åbne data", OPEN_DATA),
                NavItem("Tilgængelighed", ACCESSIBILITY),
                *placed("om"),
            ),
        ),
    ]
    if internal:
        nav.append(NavItem("Intern", children=(NavItem("Datakvalitet", DATA_QUALITY), NavItem("Tal til redaktører", FIGURES_REFERENCE), *placed("intern"))))
    return nav
