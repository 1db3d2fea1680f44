"""The context of every page template: one frozen dataclass per template, as datasette documents
the context each of its templates receives.

A page generator (``pages/``) builds the context of its template; the writer hands the template
its fields (``variables()``) together with the ``BaseContext`` every template gets. Each class
names its template and documents its fields in its docstring; ``tests/test_contexts.py`` holds
the three together: every variable a template reads is a field of its context (or of the base
context), every field is read by the template, and every field is documented. A template that
needs a new value gets a new field here, never an untyped key.

Rows are typed: a data package row is its generated class (``records.py``, from
``data/datapackage.json``), a computed one is compute's (``compute.Activity``, ``compute.Followup``,
``compute.Goal`` …: the resource's row plus what compute adds), and what a generator builds for
one template is a TypedDict below. Left as plain mappings: the published descriptor's JSON and
the municipality's settings as shown (``municipal.as_context``, one entry per setting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypedDict

from .. import compute, records
from ..charts import Chart
from ..disclosure import Count
from ..keyfigures import Comparison, KeyFigures, SafetyArea, SafetyGoal
from ..load import ContentPage
from ..problems import Problem
from .history import ExplorerRow, HistoryView, YearRow

# ------------------------------------------------------------------ what a generator builds for its template


class FollowupWithCharts(compute.Followup):
    """A follow-up as its activity page shows it: with the charts of its measurement rows."""

    charts: list[Chart]


class Currency(TypedDict):
    """How current one kind of figure is: the period, the data package's date, cadence, next update."""

    period: str
    updated: str | None
    cadence: str
    next_update: str
    source: str | None  # the source of the cadence
    documents: list[int]  # the years of the source documents


class StoryLink(TypedDict):
    title: str
    path: str


class StoryCard(TypedDict):
    slug: str
    title: str | None
    fa: records.FocusAreasRow | None
    teaser: str


class ReportEntry(TypedDict):
    """One follow-up in the year's report document."""

    f: compute.Followup
    a: compute.Activity
    chart: Chart | None
    budget: str


class ReportGroup(TypedDict):
    """The follow-ups of one prevention category in the year's report document."""

    key: str
    label: str
    anchor: str
    entries: list[ReportEntry]


class DistrictRow(TypedDict):
    """A district on the districts' overview: activities working locally, safety-index areas."""

    d: records.DistrictsRow
    local: int
    areas: int


class UnplacedWording(TypedDict):
    """A source wording of an activity's area that names no district."""

    wording: str
    note: str | None
    activities: list[compute.Activity]  # the activities that give it


class StatusRow(TypedDict):
    """One administration's (or all activities') reporting status."""

    code: str
    name: str
    activities: int
    followed_up: int
    all_met: int
    scored: int
    followed_up_share: str
    all_met_share: str
    scored_share: str
    criteria: str


class ComparisonTable(TypedDict):
    """A year-to-date table of the key figures: columns, one row per key plus the total ("I alt")."""

    columns: list[str]
    rows: list[list[object]]  # cells: numbers, "<5" (``Suppressed``) or text
    comparison: Comparison
    compared: bool  # False: this year to date only (cases and incidents)


class SmallNumbers(TypedDict):
    """The suppression rule, and a worked example computed by the code the site uses."""

    rule: str
    example_counts: dict[str, int]
    example_shown: dict[str, Count]


class FigureRow(TypedDict):
    """A live figure for editors: its name, meaning, value now and per follow-up year."""

    name: str
    meaning: str
    now: object
    per_year: list[object]


@dataclass(frozen=True)
class PageContext:
    """What every page context has: its template, and its fields as template variables."""

    template: ClassVar[str] = ""

    def variables(self) -> dict[str, Any]:
        """The fields by name, as the template reads them (not copied)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class BaseContext(PageContext):
    """Variables every template may use.

    ``edition`` "public" or "internal"; ``internal`` whether this is the staff edition;
    ``figures`` the live figures (``compute.Model.figures``); ``focus_areas``, ``principles``,
    ``administrations`` the reference tables by id; ``criterion_names`` the score criteria's
    names; ``threshold`` the small-number threshold; ``periods_by_id`` the programme periods;
    ``data_updated`` the data package's ``updated`` date; ``currency`` how current each kind of
    figure is; ``pdfs`` whether the build prints PDFs; ``municipal`` the municipality's settings
    as shown (``municipal.as_context``).
    """

    edition: str
    internal: bool
    figures: compute.Figures
    focus_areas: Mapping[str, records.FocusAreasRow]
    principles: Mapping[str, records.PrinciplesRow]
    administrations: Mapping[str, records.AdministrationsRow]
    criterion_names: Mapping[str, str]
    threshold: int
    periods_by_id: Mapping[str, records.PeriodsRow]
    data_updated: str | None
    currency: Mapping[str, Currency]
    pdfs: bool
    municipal: Mapping[str, Any]


# ------------------------------------------------------------------ activities


@dataclass(frozen=True)
class ActivityContext(PageContext):
    """An activity's page.

    ``a`` the activity (computed row); ``followups`` its follow-ups, each with its ``charts``;
    ``goals`` the effect goals of its focus areas; ``stories`` links to the stories that name it;
    ``quality`` data-quality notes about it (internal edition only, else empty); ``search_forms``
    inflected forms of its name for search; ``history`` its results across the years (None below
    two follow-up years); ``overview`` its rows of the sources' overview; ``target_group_excerpt``
    the follow-up year whose fuller target group the activity's own is the start of;
    ``brief`` what, where, for whom and the budget in a sentence each.
    """

    template: ClassVar[str] = "activity.md.j2"
    a: compute.Activity
    followups: Sequence[FollowupWithCharts]
    goals: Sequence[compute.Goal]
    stories: Sequence[StoryLink]
    quality: list[Problem]
    search_forms: list[str]
    history: HistoryView | None
    overview: Sequence[records.OverviewRowsRow]
    target_group_excerpt: int | None
    brief: Mapping[str, str]


@dataclass(frozen=True)
class ExplorerContext(PageContext):
    """The activity explorer.

    ``activities`` every activity of the edition; ``options`` the filters' choices by filter;
    ``explorer_years`` the follow-up years (the year filter); ``explorer_rows`` each activity's
    row by id (its results per year).
    """

    template: ClassVar[str] = "explorer.md.j2"
    activities: Sequence[compute.Activity]
    options: Mapping[str, list[str]]
    explorer_years: list[int]
    explorer_rows: Mapping[str, ExplorerRow]


@dataclass(frozen=True)
class FactsheetContext(PageContext):
    """An activity's printable fact sheet.

    ``a`` the activity; ``latest`` its latest follow-up (or None); ``text`` its description cut
    to the sheet's length; ``category`` its prevention category's label.
    """

    template: ClassVar[str] = "factsheet.md.j2"
    a: compute.Activity
    latest: compute.Followup | None
    text: str
    category: str


@dataclass(frozen=True)
class ReportDocumentContext(PageContext):
    """A follow-up year's report as one printable document.

    ``year`` the follow-up year; ``groups`` its follow-ups by prevention category (key, label,
    anchor, entries); ``count`` how many follow-ups the year has.
    """

    template: ClassVar[str] = "report_document.md.j2"
    year: int
    groups: Sequence[ReportGroup]
    count: int


# ------------------------------------------------------------------ districts and key figures


@dataclass(frozen=True)
class DistrictContext(PageContext):
    """A district's page.

    ``d`` the district; ``local`` the activities placed in it; ``citywide`` the city-wide
    activities; ``also_local`` city-wide activities also placed in it; ``reaching`` every activity
    the explorer's district filter shows for it; ``wordings`` the sources' place wordings mapped
    to it; ``areas`` its Tryghedsindeks areas; ``years`` the index's years; ``table`` its reported crimes compared with last year; ``chart`` their chart (or
    None); ``latest_label`` the latest quarter in words.
    """

    template: ClassVar[str] = "district.md.j2"
    d: records.DistrictsRow
    local: Sequence[compute.Activity]
    citywide: Sequence[compute.Activity]
    also_local: Sequence[compute.Activity]
    reaching: Sequence[compute.Activity]
    wordings: Sequence[records.DistrictWordingsRow]
    areas: Sequence[SafetyArea]
    years: list[int]
    table: ComparisonTable | None
    chart: Chart | None
    latest_label: str


@dataclass(frozen=True)
class DistrictsContext(PageContext):
    """The district overview.

    ``rows`` each district with its counts of local activities and index areas; ``citywide`` the
    city-wide activities; ``unplaced`` the sources' place wordings no district is given for, with
    their activities.
    """

    template: ClassVar[str] = "districts.md.j2"
    rows: Sequence[DistrictRow]
    citywide: Sequence[compute.Activity]
    unplaced: Sequence[UnplacedWording]


@dataclass(frozen=True)
class KeyFiguresContext(PageContext):
    """The crime key figures.

    ``kf`` the key figures; ``prose`` the editors' page ``key-figures.md`` (or None);
    ``key_figure_defs`` the key figures' definitions in order; ``tables`` and ``charts`` by kind
    (by type, by district, incidents, charges, quarters); ``latest_label``/``next_label`` the
    latest and next expected quarter in words; ``district_names`` by id; ``top_places`` the most
    reported places (internal edition only, else empty); ``reports_source``/``charges_source``
    where the figures come from.
    """

    template: ClassVar[str] = "key_figures.md.j2"
    kf: KeyFigures
    prose: ContentPage | None
    key_figure_defs: Sequence[records.KeyFiguresRow]
    tables: Mapping[str, ComparisonTable | None]
    charts: Mapping[str, Chart | None]
    latest_label: str
    next_label: str
    district_names: Mapping[str, str]
    top_places: Sequence[records.IncidentLocationsRow]
    reports_source: str
    charges_source: str


@dataclass(frozen=True)
class SafetyIndexContext(PageContext):
    """The Tryghedsindeks page.

    ``safety`` the index's computed counts (or None); ``goal`` the effect
    goal it measures (or None); ``chart`` areas per need category and year (or None); ``areas``
    every area in district order; ``years`` the index's years; ``district_names`` by id;
    ``glossary`` the glossary's terms by id.
    """

    template: ClassVar[str] = "safety_index.md.j2"
    safety: SafetyGoal | None
    goal: compute.Goal | None
    chart: Chart | None
    areas: Sequence[SafetyArea]
    years: list[int]
    district_names: Mapping[str, str]
    glossary: Mapping[str, records.GlossaryRow]


# ------------------------------------------------------------------ programme and goals


@dataclass(frozen=True)
class GoalContext(PageContext):
    """An effect goal's page: ``g`` the goal (with its progress); ``chart`` its progress chart."""

    template: ClassVar[str] = "goal.md.j2"
    g: compute.Goal
    chart: Chart


@dataclass(frozen=True)
class GoalsContext(PageContext):
    """The effect goals' overview: ``goals`` every goal."""

    template: ClassVar[str] = "goals.md.j2"
    goals: Sequence[compute.Goal]


@dataclass(frozen=True)
class FocusAreaContext(PageContext):
    """A focus area's page: ``fa`` the focus area; ``goals`` its effect goals; ``activities``
    the activities in it; ``stories`` links to its stories."""

    template: ClassVar[str] = "focus_area.md.j2"
    fa: records.FocusAreasRow
    goals: Sequence[compute.Goal]
    activities: Sequence[compute.Activity]
    stories: Sequence[StoryLink]


@dataclass(frozen=True)
class PrincipleContext(PageContext):
    """A principle's page: ``p`` the principle; ``activities`` the activities that follow it."""

    template: ClassVar[str] = "principle.md.j2"
    p: records.PrinciplesRow
    activities: Sequence[compute.Activity]


@dataclass(frozen=True)
class ProgrammeContext(PageContext):
    """The programme's page: ``goals`` the effect goals; ``key_figures`` the key figures'
    definitions."""

    template: ClassVar[str] = "programme.md.j2"
    goals: Sequence[compute.Goal]
    key_figures: Sequence[records.KeyFiguresRow]


@dataclass(frozen=True)
class StoryContext(PageContext):
    """A vision story: ``s`` the editors' page; ``activities`` the activities it names; ``fa``
    its focus area (or None)."""

    template: ClassVar[str] = "story.md.j2"
    s: ContentPage
    activities: Sequence[compute.Activity]
    fa: records.FocusAreasRow | None


@dataclass(frozen=True)
class StoriesContext(PageContext):
    """The stories' overview: ``stories`` a card per story (slug, title, fa, teaser)."""

    template: ClassVar[str] = "stories.md.j2"
    stories: Sequence[StoryCard]


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class ResultsContext(PageContext):
    """The results' overview.

    ``years`` the follow-up years; ``marking_chart`` and ``score_chart`` the markings and the
    score distribution (or None); ``year_rows`` the results per year; ``years_chart`` and
    ``years_score_chart`` the same across the years (None below two years).
    """

    template: ClassVar[str] = "results.md.j2"
    years: list[int]
    marking_chart: Chart | None
    score_chart: Chart | None
    year_rows: Sequence[YearRow]
    years_chart: Chart | None
    years_score_chart: Chart | None


@dataclass(frozen=True)
class AnnualReportContext(PageContext):
    """A follow-up year's report page: ``year``; ``groups`` its follow-ups by prevention
    category (key, label, follow-ups); ``names`` activity names by id; ``followups`` the year's
    follow-ups."""

    template: ClassVar[str] = "annual_report.md.j2"
    year: int
    groups: Sequence[tuple[str, str, Sequence[compute.Followup]]]
    names: Mapping[str, str]
    followups: Sequence[compute.Followup]


@dataclass(frozen=True)
class BudgetEffectContext(PageContext):
    """Budget against effect: ``chart`` the activities with a budget and a score (or None);
    ``unscored`` the activities without."""

    template: ClassVar[str] = "budget_effect.md.j2"
    chart: Chart | None
    unscored: Sequence[compute.Activity]


@dataclass(frozen=True)
class StatusContext(PageContext):
    """The reporting status: ``activities`` every activity; ``by_administration`` the counts per
    administration and a last row for all."""

    template: ClassVar[str] = "status.md.j2"
    activities: Sequence[compute.Activity]
    by_administration: Sequence[StatusRow]


@dataclass(frozen=True)
class SummariesContext(PageContext):
    """The administrations' summaries: ``summaries`` by administration; ``participants`` who took part."""

    template: ClassVar[str] = "summaries.md.j2"
    summaries: Mapping[str, Sequence[compute.Summary]]
    participants: Mapping[str, Count]


# ------------------------------------------------------------------ reference pages


@dataclass(frozen=True)
class FrontContext(PageContext):
    """The front page: ``front`` the editors' ``front.md`` (or None); ``goals`` the effect goals;
    ``intake`` the follow-up intake's progress (internal edition only, else empty)."""

    template: ClassVar[str] = "front.md.j2"
    front: ContentPage | None
    goals: Sequence[compute.Goal]
    intake: Sequence[compute.Intake]


@dataclass(frozen=True)
class GlossaryContext(PageContext):
    """The glossary: ``glossary`` its terms."""

    template: ClassVar[str] = "glossary.md.j2"
    glossary: Sequence[records.GlossaryRow]


@dataclass(frozen=True)
class MethodologyContext(PageContext):
    """The method page: ``rubric`` the scoring rubric; ``example`` a worked score computed by the
    site's own code; ``on_track_ratio`` the share of the needed progress that counts as on track;
    ``small_numbers`` the suppression rule and its worked example."""

    template: ClassVar[str] = "methodology.md.j2"
    rubric: Sequence[records.RubricRow]
    example: compute.WorkedExample
    on_track_ratio: float
    small_numbers: SmallNumbers


@dataclass(frozen=True)
class OpenDataContext(PageContext):
    """The open data page: ``resources`` the package's resources; ``licence`` its licence in
    words; ``years`` the follow-up years; ``documents`` the source documents by id."""

    template: ClassVar[str] = "open_data.md.j2"
    resources: Sequence[Mapping[str, Any]]  # the published descriptor's resources (JSON)
    licence: str
    years: list[int]
    documents: Sequence[records.DocumentsRow]


@dataclass(frozen=True)
class AccessibilityContext(PageContext):
    """The accessibility statement: ``prose`` the editors' text."""

    template: ClassVar[str] = "accessibility.md.j2"
    prose: str


@dataclass(frozen=True)
class QualityContext(PageContext):
    """Data quality (internal edition only): ``warnings`` the build's warnings; ``names``
    activity names by id."""

    template: ClassVar[str] = "quality.md.j2"
    warnings: list[Problem]
    names: Mapping[str, str]


@dataclass(frozen=True)
class FiguresReferenceContext(PageContext):
    """The live figures for editors (internal edition only): ``rows`` each figure's name, value
    and meaning; ``years`` the follow-up years."""

    template: ClassVar[str] = "figures_reference.md.j2"
    rows: Sequence[FigureRow]
    years: list[int]


def _every_context() -> dict[str, type[PageContext]]:
    found: dict[str, type[PageContext]] = {}
    pending = list(PageContext.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.template:
            found[cls.template] = cls
    return dict(sorted(found.items()))


CONTEXTS: dict[str, type[PageContext]] = _every_context()
"""Template name -> its context class."""
