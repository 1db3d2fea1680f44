"""Stage 3, compute: scores, fulfilment, eligibility, progress status and summaries.

Pure functions, no I/O. Entry point: ``build_model(tables) -> Model``.

Typed in and out: the tables are the generated ``records.Tables`` (the data package's schema),
and every row compute hands on is a TypedDict that extends its resource's row with what compute
adds (``Measurement``, ``Followup``, ``Activity``, ``Observation``, ``Indicator``, ``Goal``), so
a type checker knows every key a later stage reads.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar

from . import keyfigures, records
from .disclosure import Suppressed
from .progress import ON_TRACK_RATIO, PROGRESS_STATUSES, Progress, goal_progress  # noqa: F401 (re-exported)

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
CRITERIA = ("A1", "A2", "A3", "A4")
EFFECT_SCORE_MAX = 20
ELIGIBILITY_BUDGET_DKK = 500_000


# ---------------------------------------------------------------- effect score


@dataclass(frozen=True)
class EffectScore:
    parts: dict[str, int]  # criterion -> 1..5

    @property
    def complete(self) -> bool:
        return all(c in self.parts for c in CRITERIA)

    @property
    def total(self) -> int | None:
        return sum(self.parts[c] for c in CRITERIA) if self.complete else None

    max: int = EFFECT_SCORE_MAX


def effect_score(parts: dict[str, int]) -> EffectScore:
    """A1+A2+A3+A4, each 1–5, out of 20 (seed 003, EFFEKT)."""
    return EffectScore(dict(parts))


# ---------------------------------------------------------------- fulfilment


def share_met(met: int | None, total: int | None) -> float | None:
    """The share of success criteria met (0–1), or None when no criterion could be assessed.

    The one place this share is computed: fulfilments, years, summaries and the explorer use it."""
    return met / total if met is not None and total else None


@dataclass(frozen=True)
class Fulfilment:
    met: int | None
    total: int | None

    @property
    def assessable(self) -> bool:
        return self.met is not None and self.total is not None and self.total > 0

    @property
    def share(self) -> float | None:
        return share_met(self.met, self.total) if self.assessable else None

    @property
    def counted(self) -> tuple[int, int]:
        """(met, total) when assessable, else (0, 0): what a sum over follow-ups adds."""
        if not self.assessable:
            return (0, 0)
        assert self.met is not None and self.total is not None  # assessable says so
        return (self.met, self.total)


def fulfilment_from_rows(rows: Iterable[records.MeasurementsRow]) -> Fulfilment:
    """Success criteria met / criteria assessable, from the measurement rows' own readings."""
    readings = [r["met"] for r in rows]
    assessable = [m for m in readings if m in ("ja", "nej")]
    if not assessable:
        return Fulfilment(None, None)
    return Fulfilment(sum(1 for m in assessable if m == "ja"), len(assessable))


def fulfilment_agrees(reported: Fulfilment, computed: Fulfilment) -> bool:
    if not reported.assessable and not computed.assessable:
        return True
    return (reported.met, reported.total) == (computed.met, computed.total)


def headline_fulfilment(reported: Fulfilment, computed: Fulfilment) -> Fulfilment:
    """The figure every page, chart, download and live figure uses: the measurement rows' own
    readings when the follow-up has assessable rows, else the report's stated a/b (a follow-up
    without a measurement table). Where the two differ, pages show both (``fulfilment_reported``)."""
    return computed if computed.assessable else reported


def format_fulfilment(f: Fulfilment) -> str:
    return f"{f.met}/{f.total}" if f.assessable else "ikke vurderbar"


def fulfilment_marking(f: Fulfilment | None) -> str:
    """all / partly / none / not_assessable / no_followup. 'No data' is never 'none'."""
    if f is None:
        return "no_followup"
    if not f.assessable:
        return "not_assessable"
    assert f.met is not None and f.total is not None
    if f.met == f.total:
        return "all"
    if f.met == 0:
        return "none"
    return "partly"


def missing_facts(activity: records.ActivitiesRow, administrations: list[str], districts: list[str]) -> list[str]:
    """Which registry facts an activity lacks (for the reporting-status page)."""
    checks = [
        ("budget", activity.get("budget_dkk") is None),
        ("kategori", not activity.get("prevention_category")),
        ("område", not districts),
        ("forvaltning", not administrations),
    ]
    return [name for name, missing in checks if missing]


# ---------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Eligibility:
    status: str  # eligible / not_eligible / unknown
    reasons: tuple[str, ...]


def effect_model_eligibility(activity: records.ActivitiesRow) -> Eligibility:
    """Seed 000 'Effektmodel for Sikker By': in the programme, budget >= 0.5 mio. kr., knowledge gap."""
    checks = [
        ("indgår i Sikker By Programmet", activity.get("in_programme")),
        ("årligt budget ≥ 0,5 mio. kr.", None if (budget := activity.get("budget_dkk")) is None else budget >= ELIGIBILITY_BUDGET_DKK),
        ("kommunen mangler viden om virkninger", activity.get("knowledge_gap")),
    ]
    failed = tuple(f"opfylder ikke: {label}" for label, ok in checks if ok is False)
    unknown = tuple(f"ukendt: {label}" for label, ok in checks if ok is None)
    if failed:
        return Eligibility("not_eligible", failed + unknown)
    if unknown:
        return Eligibility("unknown", unknown)
    return Eligibility("eligible", ())


# ---------------------------------------------------------------- progress


# Progress towards a target (``progress.goal_progress``) is its own module: key figures use it too.


# ---------------------------------------------------------------- a measured value, stored once


@dataclass(frozen=True)
class MeasuredValue:
    """One cell of a measurement row (before, after or criterion): the number and its unit, and the
    source's wording only when it says more than the number (``says_more``). The page shows the
    number + unit, and the wording under it only then, so correcting a number means editing one cell."""

    value: float | int | Suppressed | None
    unit: str | None
    text: str | None  # Markdown, None when it says nothing beyond the number

    @property
    def has_number(self) -> bool:
        return self.value is not None


_PERCENT_WORDS = ("%", "pct.", "pct", "procent", "procentpoint")


def _number_forms(value: float) -> set[str]:
    whole = float(value).is_integer()
    plain = str(int(value)) if whole else repr(float(value))
    forms = {plain, plain.replace(".", ",")}
    if whole and abs(value) >= 1000:
        grouped = f"{int(value):,}"
        forms |= {grouped.replace(",", "."), grouped.replace(",", " "), grouped.replace(",", "\u00a0")}
    return forms


def says_more(text: str | None, value: object, unit: str | None) -> bool:
    """Whether the source's wording holds anything beyond the number and its unit.

    The number (as written in Danish or plain: 1.158, 1158, 88,5, 88.5), the unit's words, a
    per cent sign and punctuation are taken away; whatever is left means the wording says more.
    """
    if not text or not text.strip():
        return False
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    rest = text.casefold()
    for form in sorted(_number_forms(value), key=len, reverse=True):
        rest = rest.replace(form.casefold(), " ")
    words = (unit or "").casefold().split()
    if "procent" in words or (unit or "").strip() == "%":
        words += list(_PERCENT_WORDS)
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, " ")
    return bool("".join(ch for ch in rest if ch.isalnum()))


def measured_value(value: float | int | Suppressed | None, text: str | None, unit: str | None) -> MeasuredValue:
    return MeasuredValue(value, unit, text if value is None or says_more(text, value, unit) else None)


def measured_values(row: records.MeasurementsRow) -> dict[str, MeasuredValue]:
    """The before, after and criterion cells of a measurement row."""
    unit = row.get("unit") or None
    return {
        "before": measured_value(row.get("value_before"), row.get("before_text"), unit),
        "after": measured_value(row.get("value_after"), row.get("after_text"), unit),
        "criterion": measured_value(row.get("value_criterion"), row.get("criterion_text"), unit),
    }


# ---------------------------------------------------------------- the rows compute hands on


class Measurement(records.MeasurementsRow):
    """A measurement row with its before, after and criterion cells."""

    cells: dict[str, MeasuredValue]


class ScoreBar(TypedDict):
    """One of A1–A4 of a follow-up: its level, the rubric's wording for it and the report's justification."""

    criterion: str
    name: str
    score: int | None
    level_text: str | None
    justification: str | None


class Followup(records.FollowupsRow):
    """A follow-up with its measurement rows, fulfilment (shown, reported, computed) and score."""

    measurements: list[Measurement]
    fulfilment: Fulfilment  # the headline figure (``headline_fulfilment``)
    fulfilment_reported: Fulfilment  # the report's stated a/b
    fulfilment_computed: Fulfilment  # the measurement rows' own readings
    fulfilment_from_rows: bool
    fulfilment_agrees: bool
    marking: str
    score: EffectScore
    bars: list[ScoreBar]
    in_progress: bool  # a year an editor has not marked complete (internal edition)


class Activity(records.ActivitiesRow):
    """An activity with its links, follow-ups, history, latest result, eligibility and districts."""

    administrations: list[str]
    administration_names: list[str]
    principles: list[str]
    focus_areas: list[str]
    focus_area_links: list[records.ActivityFocusAreasRow]
    districts: list[str]  # the source's wordings
    district_ids: list[str]  # the city districts they name (``keyfigures.activity_districts``)
    citywide: bool
    followups: list[Followup]  # every year, oldest first
    history: list[YearChange]
    in_progress: list[Followup]
    recurring: list[RecurringPoint]
    latest: Followup | None  # the last complete year
    marking: str
    effect_score: int | None
    eligibility: Eligibility
    missing: list[str]


Observation = records.ObservationsRow  # or a ``keyfigures.Observation`` the build counted from the key figures


class Indicator(records.IndicatorsRow):
    observations: list[Observation]
    progress: Progress


class Goal(records.EffectGoalsRow):
    observations: list[Observation]
    series: list[str]
    primary_series: str | None
    progress: Progress
    indicators: list[Indicator]
    activities: list[Activity]


# ---------------------------------------------------------------- grouping helpers


def group_measurements(rows: Iterable[records.MeasurementsRow]) -> dict[tuple[str, int], list[records.MeasurementsRow]]:
    grouped: dict[tuple[str, int], list[records.MeasurementsRow]] = defaultdict(list)
    for r in rows:
        grouped[(r["activity_id"], r["year"])].append(r)
    for key in grouped:
        grouped[key].sort(key=lambda r: r["position"])
    return dict(grouped)


def group_scores(rows: Iterable[records.EffectScoresRow]) -> dict[tuple[str, int], dict[str, int]]:
    grouped: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for r in rows:
        grouped[(r["activity_id"], r["year"])][r["criterion"]] = r["score"]
    return dict(grouped)


def group_by(rows: Iterable[R], key: Callable[[R], K]) -> dict[K, list[R]]:
    """Rows by the value of ``key``, each group in the rows' order."""
    grouped: dict[K, list[R]] = defaultdict(list)
    for r in rows:
        grouped[key(r)].append(r)
    return dict(grouped)


# ---------------------------------------------------------------- summaries


@dataclass
class Summary:
    key: str
    label: str
    activities: int = 0
    budget_dkk: float = 0
    budget_known: int = 0
    criteria_met: int = 0
    criteria_total: int = 0
    scores: list[int] = field(default_factory=list)

    @property
    def share_met(self) -> float | None:
        return share_met(self.criteria_met, self.criteria_total)

    @property
    def score_median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None


def summarise(
    groups: dict[str, str],
    membership: dict[str, list[str]],
    activities: list[Activity],
    latest_followup: dict[str, Followup],
) -> list[Summary]:
    """Per group: activities, known budget, share of criteria met (as reported), effect scores."""
    out = {k: Summary(k, label) for k, label in groups.items()}
    for activity in activities:
        for key in membership.get(activity["id"], []):
            s = out[key]
            s.activities += 1
            if (budget := activity.get("budget_dkk")) is not None:
                s.budget_dkk += budget
                s.budget_known += 1
            followup = latest_followup.get(activity["id"])
            if followup:
                met, total = followup["fulfilment"].counted
                s.criteria_met += met
                s.criteria_total += total
                if (score := followup["score"].total) is not None:
                    s.scores.append(score)
    return [s for s in out.values()]


# ---------------------------------------------------------------- figures per year


@dataclass(frozen=True)
class YearFigures:
    """The effect follow-up of one year in numbers; activities are counted once each."""

    year: int | None
    followed_up: int
    scored: int
    measurements: int
    criteria_met: int
    criteria_total: int
    score_median: float | None
    # The report's own a/b lines ("Opfyldelse af succeskriterier"), summed over the follow-ups
    # that state one; criteria_met/criteria_total above are the site's reading of each row.
    reported_met: int = 0
    reported_total: int = 0
    reported_followups: int = 0

    @property
    def share_met(self) -> float | None:
        return share_met(self.criteria_met, self.criteria_total)

    @property
    def reported_share(self) -> float | None:
        return share_met(self.reported_met, self.reported_total)


def year_figures(year: int | None, followups: list[Followup]) -> YearFigures:
    scored = [f["score"].total for f in followups if f["score"].total is not None]
    assessable = [f["fulfilment"] for f in followups if f["fulfilment"].assessable]
    stated = [f["fulfilment_reported"] for f in followups if f["fulfilment_reported"].assessable]
    return YearFigures(
        year=year,
        followed_up=len({f["activity_id"] for f in followups}),
        scored=len(scored),
        measurements=sum(len(f["measurements"]) for f in followups),
        criteria_met=sum(f.counted[0] for f in assessable),
        criteria_total=sum(f.counted[1] for f in assessable),
        score_median=statistics.median(scored) if scored else None,
        reported_met=sum(f.counted[0] for f in stated),
        reported_total=sum(f.counted[1] for f in stated),
        reported_followups=len(stated),
    )


# ---------------------------------------------------------------- years in progress

COMPLETE = "afsluttet"


def complete_years(tables: records.Tables) -> set[int] | None:
    """The follow-up years an editor has marked complete (``followup_years.status``).

    None when the tables have no ``followup_years`` at all (a bare set of tables in a unit
    test): then every year counts as complete. The public edition never sees a year in
    progress in the first place (``edition``: the resource's ``publicWhen``).
    """
    if "followup_years" not in tables:
        return None
    return {r["year"] for r in tables["followup_years"] if (r.get("status") or "").strip() == COMPLETE}


def is_complete(year: int, complete: set[int] | None) -> bool:
    return complete is None or year in complete


@dataclass(frozen=True)
class IntakeCount:
    """Follow-ups received for a year in progress, against those asked for (one administration or all)."""

    code: str
    name: str
    received: int
    expected: int
    missing: tuple[str, ...] = ()  # names of the activities asked for but not received


@dataclass(frozen=True)
class Intake:
    year: int
    total: IntakeCount
    by_administration: tuple[IntakeCount, ...]


def expected_followups(followups: list[Followup], year: int, complete: set[int] | None) -> dict[str, str]:
    """activity id -> administration of the follow-ups asked for in ``year``: those of the last
    complete year before it (the workbooks 'sikkerby template followup' writes)."""
    earlier = sorted({f["year"] for f in followups if f["year"] < year and is_complete(f["year"], complete)})
    if not earlier:
        return {}
    return {f["activity_id"]: f["administration"] for f in followups if f["year"] == earlier[-1]}


def build_intake(followups: list[Followup], tables: records.Tables, admins: dict[str, records.AdministrationsRow]) -> list[Intake]:
    """One ``Intake`` per year in progress (declared in followup_years and not complete), newest last."""
    complete = complete_years(tables)
    if complete is None:
        return []
    names = {a["id"]: a["name"] for a in tables.get("activities", [])}
    out = []
    for year in sorted({r["year"] for r in tables.get("followup_years", [])} - complete):
        expected = expected_followups(followups, year, complete)
        received = {f["activity_id"]: f["administration"] for f in followups if f["year"] == year}
        asked = {**expected, **received}
        rows = []
        for code in sorted(set(asked.values())):
            mine = [a for a, c in asked.items() if c == code]
            got = [a for a in mine if a in received]
            missing = tuple(sorted(names.get(a, a) for a in mine if a not in received))
            name = admins[code]["name"] if code in admins else code
            rows.append(IntakeCount(code, name, len(got), len(mine), missing))
        total = IntakeCount("", "I alt", len(received), len(asked), tuple(sorted(names.get(a, a) for a in asked if a not in received)))
        out.append(Intake(year, total, tuple(rows)))
    return out


# ---------------------------------------------------------------- history of one activity


@dataclass(frozen=True)
class YearResult:
    """One follow-up year of an activity: fulfilment (from the rows), effect score and A1–A4."""

    year: int
    fulfilment: Fulfilment
    marking: str
    score: int | None
    parts: dict[str, int | None]

    @property
    def share_met(self) -> float | None:
        return self.fulfilment.share


@dataclass(frozen=True)
class YearChange:
    """A follow-up year with the change from the activity's previous follow-up year (None: the first)."""

    current: YearResult
    previous: YearResult | None

    @property
    def year(self) -> int:
        return self.current.year

    @property
    def score_delta(self) -> int | None:
        if self.previous is None or self.previous.score is None or self.current.score is None:
            return None
        return self.current.score - self.previous.score

    @property
    def share_delta(self) -> float | None:
        if self.previous is None or self.previous.share_met is None or self.current.share_met is None:
            return None
        return self.current.share_met - self.previous.share_met

    @property
    def part_deltas(self) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for c in CRITERIA:
            now, before = self.current.parts.get(c), self.previous.parts.get(c) if self.previous else None
            out[c] = now - before if now is not None and before is not None else None
        return out


def year_result(followup: Followup) -> YearResult:
    score = followup["score"]
    return YearResult(
        year=followup["year"],
        fulfilment=followup["fulfilment"],
        marking=followup["marking"],
        score=score.total,
        parts={c: score.parts.get(c) for c in CRITERIA},
    )


def history(followups: list[Followup]) -> list[YearChange]:
    """Every follow-up year of one activity, oldest first, each with the change from the year before it."""
    results = [year_result(f) for f in sorted(followups, key=lambda f: f["year"])]
    return [YearChange(r, results[i - 1] if i else None) for i, r in enumerate(results)]


@dataclass(frozen=True)
class RecurringPoint:
    """A measurement point that recurs across follow-up years (see ``recurring_points``)."""

    indicator: str
    unit: str | None
    by_year: dict[int, Measurement]  # year -> measurement row


def indicator_key(text: str | None) -> str:
    """An indicator's wording for matching: case, spacing and trailing punctuation ignored."""
    return " ".join((text or "").casefold().split()).rstrip(" .:;,")


class _Point(TypedDict):
    key: str
    rows: dict[int, Measurement]


def recurring_points(followups: list[Followup]) -> list[RecurringPoint]:
    """Measurement points that recur across an activity's follow-up years, to show side by side.

    Matching rule: a row belongs to a point of an earlier year when its indicator has the same
    wording (``indicator_key``: case, spacing and trailing punctuation ignored). A row that found
    no point that way continues a point by position only when that point has a row in the previous
    follow-up year in the same position, no row yet in this year, and the same non-empty unit (a
    reworded indicator in an unchanged table). Only points seen in two or more years are returned,
    in the order of their first appearance.
    """
    points: list[_Point] = []
    previous_year: int | None = None
    for followup in sorted(followups, key=lambda f: f["year"]):
        year = followup["year"]
        taken: set[int] = set()
        rows = followup["measurements"]
        leftover = []
        for row in rows:
            key = indicator_key(row.get("indicator"))
            match = next((i for i, p in enumerate(points) if i not in taken and p["key"] == key and year not in p["rows"]), None)
            if match is None:
                leftover.append(row)
                continue
            taken.add(match)
            points[match]["rows"][year] = row
        for row in leftover:
            match = next(
                (
                    i for i, p in enumerate(points)
                    if i not in taken and previous_year in p["rows"] and year not in p["rows"]
                    and p["rows"][previous_year].get("position") == row.get("position")
                    and row.get("unit") and p["rows"][previous_year].get("unit") == row.get("unit")
                ),
                None,
            )  # fmt: skip
            if match is None:
                points.append({"key": indicator_key(row.get("indicator")), "rows": {year: row}})
                continue
            taken.add(match)
            points[match]["rows"][year] = row
            points[match]["key"] = indicator_key(row.get("indicator"))  # later years match the new wording
        previous_year = year
    return [
        RecurringPoint(p["rows"][max(p["rows"])].get("indicator") or "", p["rows"][max(p["rows"])].get("unit"), dict(sorted(p["rows"].items())))
        for p in points
        if len(p["rows"]) >= 2
    ]


# ---------------------------------------------------------------- model


@dataclass
class Reference:
    """Lookup tables of the programme's vocabulary, ordered as the pages show them."""

    focus_areas: dict[str, records.FocusAreasRow]
    principles: dict[str, records.PrinciplesRow]
    administrations: dict[str, records.AdministrationsRow]
    rubric: list[records.RubricRow]
    criterion_names: dict[str, str]
    glossary: list[records.GlossaryRow]
    key_figures: list[records.KeyFiguresRow]
    periods: list[records.PeriodsRow]


def build_reference(t: records.Tables) -> Reference:
    return Reference(
        focus_areas={f["id"]: f for f in sorted(t.get("focus_areas", []), key=lambda r: r["number"])},
        principles={p["id"]: p for p in sorted(t.get("principles", []), key=lambda r: r["number"])},
        administrations={a["code"]: a for a in t.get("administrations", [])},
        rubric=sorted(t.get("rubric", []), key=lambda r: (r["criterion"], r["level"])),
        criterion_names={r["criterion"]: r["name"] for r in t.get("rubric", [])},
        glossary=sorted(t.get("glossary", []), key=lambda g: g["term"].lower()),
        key_figures=t.get("key_figures", []),
        periods=t.get("periods", []),
    )


Justifications = dict[tuple[str, int, str], str | None]  # (activity, year, criterion) -> the report's text


def score_bars(
    key: tuple[str, int], score: EffectScore, reference: Reference, rubric: dict[tuple[str, int], records.RubricRow], justifications: Justifications
) -> list[ScoreBar]:
    """A1–A4 of one follow-up with the rubric's wording for the level and the report's justification."""
    parts = score.parts
    return [
        {
            "criterion": c,
            "name": reference.criterion_names.get(c, c),
            "score": parts.get(c),
            "level_text": rubric[(c, parts[c])]["text"] if (c, parts.get(c)) in rubric else None,
            "justification": justifications.get((*key, c)),
        }
        for c in CRITERIA
    ]


@dataclass
class Figures:
    """The programme in numbers: the complete follow-up years, counts and the city key figures."""

    activities: int
    followup_years: list[int]
    by_year: dict[int, YearFigures]
    latest: YearFigures  # the last complete year (an empty one when there is none)
    administrations: int
    goals: int
    indicators: int
    budget_dkk_known: float
    key_figures: keyfigures.KeyFigures
    district_vocabulary: list[records.DistrictsRow]  # page order, ``Hele byen`` last
    district_wordings_unmapped: dict[str, list[str]]  # source wording -> activity ids (names no district)


@dataclass
class Model:
    """Everything the later stages need, computed once."""

    reference: Reference
    activities: list[Activity]
    followups: list[Followup]
    goals: list[Goal]
    indicators: list[Indicator]
    summaries: dict[str, list[Summary]]
    figures: Figures
    intake: list[Intake] = field(default_factory=list)  # years in progress (internal edition)

    @property
    def goals_by_focus(self) -> dict[str, list[Goal]]:
        return group_by(self.goals, lambda g: g["focus_area_id"])


def _observation_points(observations: list[Observation], series: str | None = None) -> list[tuple[int, float]]:
    rows = [o for o in observations if series is None or o["series"] == series]
    return [(o["year"], o["value"]) for o in rows]


def _followup(
    row: records.FollowupsRow, rows: list[records.MeasurementsRow], score: EffectScore, bars: list[ScoreBar], in_progress: bool
) -> Followup:
    """One follow-up with its measurement rows, headline and reported fulfilment, and score."""
    measurements: list[Measurement] = [{**r, "cells": measured_values(r)} for r in rows]
    reported = Fulfilment(row.get("criteria_met"), row.get("criteria_total"))
    computed = fulfilment_from_rows(measurements)
    shown = headline_fulfilment(reported, computed)
    return {
        **row,
        "measurements": measurements,
        "fulfilment": shown,
        "fulfilment_reported": reported,
        "fulfilment_computed": computed,
        "fulfilment_from_rows": shown is computed,
        "fulfilment_agrees": fulfilment_agrees(reported, computed),
        "marking": fulfilment_marking(shown),
        "score": score,
        "bars": bars,
        "in_progress": in_progress,
    }


def build_followups(t: records.Tables, reference: Reference) -> list[Followup]:
    measurements = group_measurements(t.get("measurements", []))
    scores = group_scores(t.get("effect_scores", []))
    rubric = {(r["criterion"], r["level"]): r for r in reference.rubric}
    justifications: Justifications = {(s["activity_id"], s["year"], s["criterion"]): s["justification"] for s in t.get("effect_scores", [])}
    complete = complete_years(t)
    followups = []
    for row in sorted(t.get("followups", []), key=lambda r: (r["activity_id"], r["year"])):
        key = (row["activity_id"], row["year"])
        score = effect_score(scores.get(key, {}))
        bars = score_bars(key, score, reference, rubric, justifications)
        in_progress = not is_complete(row["year"], complete)  # shown on its activity page (internal edition)
        followups.append(_followup(row, measurements.get(key, []), score, bars, in_progress))
    return followups


@dataclass
class _Links:
    """An activity's link-table rows, by activity id."""

    administrations: dict[str, list[records.ActivityAdministrationsRow]]
    principles: dict[str, list[records.ActivityPrinciplesRow]]
    focus_areas: dict[str, list[records.ActivityFocusAreasRow]]
    districts: dict[str, list[records.ActivityDistrictsRow]]

    @classmethod
    def of(cls, t: records.Tables) -> _Links:
        return cls(
            administrations=group_by(t.get("activity_administrations", []), lambda r: r["activity_id"]),
            principles=group_by(t.get("activity_principles", []), lambda r: r["activity_id"]),
            focus_areas=group_by(t.get("activity_focus_areas", []), lambda r: r["activity_id"]),
            districts=group_by(t.get("activity_districts", []), lambda r: r["activity_id"]),
        )


@dataclass(frozen=True)
class _DistrictWordings:
    """The source's district wordings mapped to city districts (``keyfigures.wording_map``)."""

    mapping: dict[str, list[str]]
    order: dict[str, int]

    @classmethod
    def of(cls, t: records.Tables) -> _DistrictWordings:
        order = {d["id"]: d["number"] for d in t.get("districts", [])}
        return cls(keyfigures.wording_map(t.get("district_wordings", [])), order)


def _administrations_of(activity: records.ActivitiesRow, links: _Links) -> list[str]:
    codes = sorted({link["administration"] for link in links.administrations.get(activity["id"], [])})
    lead = activity.get("lead_administration")
    if lead and lead not in codes:
        codes.insert(0, lead)
    return codes


def _activity(
    a: records.ActivitiesRow, links: _Links, own_followups: list[Followup], admins: dict[str, records.AdministrationsRow], wordings: _DistrictWordings
) -> Activity:
    """One activity with its links, follow-ups by year, history, latest result, eligibility and districts."""
    aid = a["id"]
    administrations = _administrations_of(a, links)
    districts = [link["district"] for link in links.districts.get(aid, [])]
    district_ids, citywide, _ = keyfigures.activity_districts(districts, wordings.mapping, wordings.order)
    done = [f for f in own_followups if not f.get("in_progress")]
    latest_f = max(done, key=lambda f: f["year"]) if done else None  # the last complete year
    return {
        **a,
        "administrations": administrations,
        "administration_names": [admins[c]["name"] for c in administrations if c in admins],
        "principles": [link["principle_id"] for link in links.principles.get(aid, [])],
        "focus_areas": [link["focus_area_id"] for link in links.focus_areas.get(aid, [])],
        "focus_area_links": links.focus_areas.get(aid, []),
        "districts": districts,
        "district_ids": district_ids,
        "citywide": citywide,
        "followups": sorted(own_followups, key=lambda f: f["year"]),
        "history": history(done),  # every complete year with its change
        "in_progress": [f for f in own_followups if f.get("in_progress")],
        "recurring": recurring_points(done),
        "latest": latest_f,
        "marking": fulfilment_marking(latest_f["fulfilment"] if latest_f else None),
        "effect_score": latest_f["score"].total if latest_f else None,
        "eligibility": effect_model_eligibility(a),
        "missing": missing_facts(a, administrations, districts),
        "prevention_category": a.get("prevention_category") or (latest_f["prevention_category"] if latest_f else None),
    }


def build_activities(t: records.Tables, followups: list[Followup], admins: dict[str, records.AdministrationsRow]) -> list[Activity]:
    links = _Links.of(t)
    wordings = _DistrictWordings.of(t)
    by_activity = group_by(followups, lambda f: f["activity_id"])
    ordered = sorted(t.get("activities", []), key=lambda r: r["name"].lower())
    return [_activity(a, links, by_activity.get(a["id"], []), admins, wordings) for a in ordered]


def unmapped_district_wordings(t: records.Tables) -> dict[str, list[str]]:
    """Source wordings of the activities' areas that name no city district -> the activities' ids."""
    wordings = _DistrictWordings.of(t)
    unmapped: dict[str, list[str]] = defaultdict(list)
    links = _Links.of(t)
    for a in sorted(t.get("activities", []), key=lambda r: r["name"].lower()):
        districts = [link["district"] for link in links.districts.get(a["id"], [])]
        for w in keyfigures.activity_districts(districts, wordings.mapping, wordings.order)[2]:
            unmapped[w].append(a["id"])
    return dict(unmapped)


def _with_observations(observations: list[Observation], extra: Iterable[Observation], order: Callable[[Observation], Any]) -> list[Observation]:
    extra = list(extra)
    return sorted([*observations, *extra], key=order) if extra else observations


def build_indicators(t: records.Tables) -> list[Indicator]:
    """Indicators with their observations; the one on reports gets every complete year of the key figures."""
    observations: list[Observation] = list(t.get("observations", []))
    reports = keyfigures.five_crime_type_reports(t.get("crime_reports", []))
    out: list[Indicator] = []
    for ind in t.get("indicators", []):
        obs = [o for o in observations if o["indicator_id"] == ind["id"]]
        if keyfigures.is_reports_indicator(ind):
            stated = {o["year"] for o in obs}
            extra = [o for o in keyfigures.report_observations(ind, reports) if o["year"] not in stated]
            obs = _with_observations(obs, extra, lambda o: o["year"])
        primary_series = obs[0]["series"] if obs else None  # as a goal's: one series, never several mixed
        out.append({**ind, "observations": obs, "progress": goal_progress(_observation_points(obs, primary_series), None, None, ind["direction"])})
    return out


def _goal(g: records.EffectGoalsRow, observations: list[Observation], indicators: list[Indicator], activities: list[Activity], safety: keyfigures.SafetyGoal | None) -> Goal:
    obs = [o for o in observations if o["goal_id"] == g["id"]]
    primary_series = obs[0]["series"] if obs else None
    if keyfigures.is_safety_goal(g) and safety is not None and safety.goal_id == g["id"]:
        extra = keyfigures.safety_observations(g, safety)  # the years counted from the safety index
        obs = _with_observations(obs, extra, lambda o: (o["year"], o["series"]))
        primary_series = primary_series or (obs[0]["series"] if obs else None)
    return {
        **g,
        "observations": obs,
        "series": sorted({o["series"] for o in obs}),
        "primary_series": primary_series,
        "progress": goal_progress(_observation_points(obs, primary_series), g.get("target_value"), g.get("deadline_year"), g["direction"]),
        "indicators": indicators,
        "activities": [a for a in activities if g["focus_area_id"] in a["focus_areas"]],
    }


def build_goals(t: records.Tables, indicators: list[Indicator], activities: list[Activity], kf: keyfigures.KeyFigures) -> list[Goal]:
    by_goal = group_by(indicators, lambda i: i["goal_id"])
    ordered = sorted(t.get("effect_goals", []), key=lambda r: r["number"])
    observations: list[Observation] = list(t.get("observations", []))
    return [_goal(g, observations, by_goal.get(g["id"], []), activities, kf.safety) for g in ordered]


def build_summaries(activities: list[Activity], reference: Reference) -> dict[str, list[Summary]]:
    """Per prevention category, administration and principle (latest follow-up of each activity)."""
    latest = {a["id"]: f for a in activities if (f := a["latest"])}
    categories = {c: c.capitalize() for c in ("primær", "sekundær", "tertiær", "områdebaseret")}
    principles = {p["id"]: f"{p['number']}. {p['name']}" for p in reference.principles.values()}
    administrations = {c: a["name"] for c, a in reference.administrations.items()}
    return {
        "prevention_category": summarise(categories, {a["id"]: [c] for a in activities if (c := a["prevention_category"])}, activities, latest),
        "administration": summarise(administrations, {a["id"]: a["administrations"] for a in activities}, activities, latest),
        "principle": summarise(principles, {a["id"]: a["principles"] for a in activities}, activities, latest),
    }


def build_figures(
    t: records.Tables, activities: list[Activity], followups: list[Followup], goals: list[Goal], indicators: list[Indicator], reference: Reference, kf: keyfigures.KeyFigures
) -> Figures:
    """Figures of the complete follow-up years only; a year in progress is left to ``build_intake``."""
    done = [f for f in followups if not f.get("in_progress")]
    by_year = {year: year_figures(year, fs) for year, fs in sorted(group_by(done, lambda f: f["year"]).items())}
    return Figures(
        activities=len(activities),
        followup_years=sorted(by_year),
        by_year=by_year,
        latest=by_year[max(by_year)] if by_year else year_figures(None, []),
        administrations=len(reference.administrations),
        goals=len(goals),
        indicators=len(indicators),
        budget_dkk_known=sum(b for a in activities if (b := a.get("budget_dkk")) is not None),
        key_figures=kf,
        district_vocabulary=sorted(t.get("districts", []), key=lambda d: d["number"]),
        district_wordings_unmapped=unmapped_district_wordings(t),
    )


def build_model(tables: records.Tables) -> Model:
    """Compute the model from (already edition-selected) tables, in named steps."""
    reference = build_reference(tables)
    followups = build_followups(tables, reference)
    activities = build_activities(tables, followups, reference.administrations)
    kf = keyfigures.key_figures(tables)
    indicators = build_indicators(tables)
    goals = build_goals(tables, indicators, activities, kf)
    return Model(
        reference=reference,
        activities=activities,  # an activity's page also shows its year in progress
        followups=[f for f in followups if not f["in_progress"]],  # results, reports, downloads: complete years
        goals=goals,
        indicators=indicators,
        summaries=build_summaries(activities, reference),
        figures=build_figures(tables, activities, followups, goals, indicators, reference, kf),
        intake=build_intake(followups, tables, reference.administrations),
    )


# ---------------------------------------------------------------- methodology


class WorkedExample(TypedDict):
    """The methodology page's made-up example of progress towards a target."""

    baseline: tuple[int, float]
    latest: tuple[int, float]
    target: tuple[int, float]
    observed_rate: float | None
    required_rate: float | None
    ratio: float
    status: str


def worked_example() -> WorkedExample:
    """A made-up example for the methodology page (clearly labelled as such)."""
    baseline, latest, target = (2010, 12.0), (2012, 9.0), (2014, 6.0)
    progress = goal_progress([baseline, latest], target[1], target[0], "falling")
    return {
        "baseline": baseline,
        "latest": latest,
        "target": target,
        "observed_rate": progress.observed_rate,
        "required_rate": progress.required_rate,
        "ratio": (progress.observed_rate or 0) / (progress.required_rate or 1),
        "status": progress.status,
    }
