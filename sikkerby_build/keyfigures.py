"""City key figures: quarterly crime figures, the safety index (Tryghedsindeks) and districts.

Pure functions, no I/O, no labels or CSS. ``compute.build_model`` calls them for

- ``key_figures(tables)``: a ``KeyFigures`` (year-to-date comparisons, safety-index counts,
  the goal measured on them, the top-25 list when the edition has it), ``figures.key_figures``;
- ``activity_districts``: per activity the city districts it works in (from ``district_wordings``),
  whether it covers the whole city, and the source wordings that name no district (e.g.
  "Udsatte byområder");
- computed observations (``Observation`` rows): the number of safety-index areas with marked or
  intensified need per year for the goal defined on it (the goal whose ``measure`` names the
  Tryghedsindeks, ``safety_observations``), and the yearly number of reports of the five crime
  types for the indicator on reports (``report_observations``).

Seed 000, "Nøgletal for kriminalitet i København": the figures cover the year from 1 January to
date, and reports and charges are compared with the same period of the previous year. A CSV row
holds one quarter; the year to date is the sum of the year's quarters up to the latest one.
A quarter without a row for a type counts as no reports; a year without any row is "no data".

Small numbers: charges are counts of persons (``personCount``); in the public edition their
rows already hold ``disclosure.Suppressed`` values, and every sum here is made with
``disclosure.add_counts`` (an interval when a part is hidden). Changes are computed only from
exact numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, TypeVar

from typing_extensions import ReadOnly

from . import disclosure, records
from .disclosure import Suppressed

Count = disclosure.Count


class Observation(records.ObservationsRow, total=False):
    """An observation row; ``computed`` (set only then) when the build counted it from the key figures."""

    computed: bool


class QuarterCount(TypedDict):
    """What the year-to-date sums read of a row: a row of ``crime_reports`` or ``crime_charges``, or
    a city figure summed from them (read-only, so every one of those fits)."""

    year: ReadOnly[int]
    quarter: ReadOnly[int]
    district_id: ReadOnly[str]
    count: ReadOnly[Count]


Q = TypeVar("Q", bound=QuarterCount)


class CityReport(TypedDict):
    """Reports of one crime type in one quarter for the whole city: a stated city row, or the sum
    of the districts' rows (``source`` None then)."""

    year: ReadOnly[int]
    quarter: ReadOnly[int]
    crime_type: ReadOnly[str]
    district_id: ReadOnly[str]
    count: ReadOnly[int]
    source: ReadOnly[str | None]


class CityCharges(TypedDict):
    """Charges of one age group in one quarter for the whole city (a count of persons)."""

    year: int
    quarter: int
    age_group: str
    district_id: str
    count: Count


class Placed(TypedDict):
    """What the district filter reads of an activity (``compute.Activity`` has both)."""

    district_ids: ReadOnly[list[str]]
    citywide: ReadOnly[bool]

CITYWIDE = "hele-byen"
CRIME_TYPES = ("indbrud", "vold", "røveri", "tyveri", "overtrædelse af våbenloven")
ALL_TYPES = "alle typer"
REPORTS = "anmeldelser"
INCIDENTS = "sager og hændelser"
AGE_GROUPS = ("10–14", "15–17", "18–25")
NEED_CATEGORIES = ("markant", "intensiveret", "ordinær", "reduceret", "minimal")
HIGH_NEED = ("markant", "intensiveret")
GOAL_REDUCTION = 0.5  # seed 000: "falder med minimum 50 %"
QUARTER_SPAN = {1: "januar–marts", 2: "januar–juni", 3: "januar–september", 4: "januar–december"}


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, (bool, Suppressed))


# ---------------------------------------------------------------- year to date


@dataclass(frozen=True)
class Change:
    """One line of a year-to-date comparison."""

    key: str
    current: Count
    previous: Count  # None: no figures for the same period last year

    @property
    def absolute(self) -> int | float | None:
        if _is_number(self.current) and _is_number(self.previous):
            return self.current - self.previous  # type: ignore[operator]
        return None

    @property
    def percent(self) -> float | None:
        """Change in per cent of last year; None when last year is 0, hidden or missing."""
        if self.absolute is None or not self.previous:
            return None
        return 100 * self.absolute / self.previous  # type: ignore[operator]

    @property
    def new(self) -> bool:
        """Reported this year, none in the same period last year."""
        return self.previous == 0 and _is_number(self.current) and self.current > 0  # type: ignore[operator]


@dataclass(frozen=True)
class Comparison:
    """Year to date (1 January to the end of ``quarter``) against the same period a year before."""

    year: int
    quarter: int
    lines: tuple[Change, ...]
    total: Change
    previous_available: bool  # the previous year has figures
    previous_complete: bool  # ... for every quarter of the period

    @property
    def period(self) -> str:
        return f"{QUARTER_SPAN[self.quarter]} {self.year}"

    @property
    def previous_period(self) -> str:
        return f"{QUARTER_SPAN[self.quarter]} {self.year - 1}"


def latest_period(rows: Iterable[QuarterCount]) -> tuple[int, int] | None:
    """The latest (year, quarter) with any row."""
    periods = [(r["year"], r["quarter"]) for r in rows]
    return max(periods) if periods else None


def year_to_date(
    rows: Iterable[Q], year: int, quarter: int, key: Callable[[Q], str], threshold: int = disclosure.DEFAULT_THRESHOLD
) -> dict[str, Count]:
    """Sum of ``count`` per key over the year's quarters 1..quarter (``add_counts``: hidden parts give intervals)."""
    parts: dict[str, list[Count]] = defaultdict(list)
    for r in rows:
        if r["year"] == year and r["quarter"] <= quarter:
            parts[key(r)].append(r["count"])
    return {k: disclosure.add_counts(v, threshold) for k, v in parts.items()}


def compare(
    rows: Sequence[Q],
    key: Callable[[Q], str],
    order: Iterable[str] = (),
    period: tuple[int, int] | None = None,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> Comparison | None:
    """Year to date per key against the same period last year (seed 000), with a total.

    ``period`` defaults to the latest quarter in ``rows``. A key with rows in only one of the two
    years counts 0 in the other, provided that year has any figures at all; when the previous
    year has none, every ``previous`` is None (no comparison, not a fall to zero).
    """
    period = period or latest_period(rows)
    if period is None:
        return None
    year, quarter = period
    current = year_to_date(rows, year, quarter, key, threshold)
    previous_rows = [r for r in rows if r["year"] == year - 1 and r["quarter"] <= quarter]
    previous = year_to_date(previous_rows, year - 1, quarter, key, threshold)
    available = bool(previous_rows)
    complete = {r["quarter"] for r in previous_rows} >= set(range(1, quarter + 1))
    order = list(order)
    keys = [k for k in order if k in current or k in previous] + sorted((set(current) | set(previous)) - set(order))
    lines = tuple(
        Change(k, current.get(k, 0), previous.get(k, 0) if available else None) for k in keys
    )
    total = Change(
        "I alt",
        disclosure.add_counts([c.current for c in lines], threshold) or 0,
        disclosure.add_counts([c.previous for c in lines], threshold) if available else None,
    )
    return Comparison(year, quarter, lines, total, available, available and complete)


def quarters(rows: Iterable[QuarterCount], threshold: int = disclosure.DEFAULT_THRESHOLD) -> list[tuple[int, int, Count]]:
    """(year, quarter, sum) for every quarter with rows, oldest first."""
    parts: dict[tuple[int, int], list[Count]] = defaultdict(list)
    for r in rows:
        parts[(r["year"], r["quarter"])].append(r["count"])
    return [(y, q, disclosure.add_counts(v, threshold)) for (y, q), v in sorted(parts.items())]


def full_years(rows: Iterable[Q]) -> dict[int, list[Q]]:
    """The rows of each year that has figures for all four quarters."""
    by_year: dict[int, list[Q]] = defaultdict(list)
    for r in rows:
        by_year[r["year"]].append(r)
    return {y: rs for y, rs in sorted(by_year.items()) if {r["quarter"] for r in rs} >= {1, 2, 3, 4}}


def next_period(period: tuple[int, int] | None) -> tuple[int, int] | None:
    if period is None:
        return None
    year, quarter = period
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


# ---------------------------------------------------------------- charges (persons)


def city_charges(
    rows: Sequence[records.CrimeChargesRow], threshold: int = disclosure.DEFAULT_THRESHOLD
) -> tuple[list[CityCharges], list[tuple[int, int, str]]]:
    """One row per (year, quarter, age group) for the whole city.

    Where the package has district rows for a period and age group, the city figure is their
    sum from the published cells (``add_counts``); a stated city row next to district rows is
    not used, because it minus the other districts would reveal a hidden district count. Those
    conflicts are returned for the editor.
    """
    grouped: dict[tuple[int, int, str], list[records.CrimeChargesRow]] = defaultdict(list)
    for r in rows:
        grouped[(r["year"], r["quarter"], r["age_group"])].append(r)
    out: list[CityCharges] = []
    conflicts = []
    for key, rs in sorted(grouped.items()):
        districts = [r for r in rs if r["district_id"] != CITYWIDE]
        if districts and len(districts) < len(rs):
            conflicts.append(key)
        count = disclosure.add_counts([r["count"] for r in districts], threshold) if districts else rs[0]["count"]
        out.append({"year": key[0], "quarter": key[1], "age_group": key[2], "district_id": CITYWIDE, "count": count})
    return out, conflicts


# ---------------------------------------------------------------- safety index and goal


@dataclass(frozen=True)
class NeedCount:
    """Areas with marked or intensified need in one year's safety index."""

    year: int
    count: int
    areas: int | None  # areas in that year's index (None: only the count is known)
    origin: str  # "stated": the sources give the count; "computed": counted from safety_index rows
    source: str


@dataclass(frozen=True)
class SafetyGoal:
    goal_id: str
    baseline_year: int
    baseline: float
    target: float
    deadline: int | None
    counts: tuple[NeedCount, ...]
    mismatches: tuple[tuple[int, float, int], ...] = ()  # (year, stated, counted) that disagree

    @property
    def latest(self) -> NeedCount | None:
        return self.counts[-1] if self.counts else None

    @property
    def reduction(self) -> float | None:
        """Fall since the baseline as a share of it (0.5 = 50 % fewer)."""
        latest = self.latest
        if latest is None or latest.year <= self.baseline_year or not self.baseline:
            return None
        return 1 - latest.count / self.baseline

    @property
    def met(self) -> bool | None:
        """The goal (at least 50 % fewer areas) is met by the latest count; None: no count after baseline."""
        latest = self.latest
        if latest is None or latest.year <= self.baseline_year:
            return None
        return latest.count <= self.target


def need_counts(
    safety_rows: Iterable[records.SafetyIndexRow], stated: Iterable[records.ObservationsRow] = ()
) -> tuple[list[NeedCount], list[tuple[int, float, int]]]:
    """Per year: the stated count (observations) where the sources give one, else the count of
    safety-index rows with category markant or intensiveret. Returns the counts and the years
    where a stated count and the rows disagree."""
    by_year: dict[int, list[records.SafetyIndexRow]] = defaultdict(list)
    for r in safety_rows:
        by_year[r["year"]].append(r)
    computed = {
        y: NeedCount(y, sum(1 for r in rs if r["category"] in HIGH_NEED), len(rs), "computed", "; ".join(sorted({r["source"] for r in rs})))
        for y, rs in by_year.items()
    }
    given = {o["year"]: o for o in stated}
    out: list[NeedCount] = []
    mismatches = []
    for y in sorted(set(computed) | set(given)):
        if y in given:
            o = given[y]
            out.append(NeedCount(y, int(o["value"]), computed[y].areas if y in computed else None, "stated", o["source"]))
            if y in computed and computed[y].count != o["value"]:
                mismatches.append((y, o["value"], computed[y].count))
        else:
            out.append(computed[y])
    return out, mismatches


def is_safety_goal(goal: records.EffectGoalsRow) -> bool:
    """The effect goal measured on the Tryghedsindeks (seed 000: goal 1)."""
    return "tryghedsindeks" in (goal.get("measure") or "").lower()


def is_reports_indicator(indicator: records.IndicatorsRow) -> bool:
    """The indicator on reports of burglary, violence, robbery, theft and weapons offences."""
    return "anmeldelser" in (indicator.get("text") or "").lower()


def safety_goal(
    goal: records.EffectGoalsRow, safety_rows: Iterable[records.SafetyIndexRow], observations: Iterable[records.ObservationsRow]
) -> SafetyGoal:
    """The goal "at least 50 % fewer areas with marked or intensified need than the baseline".

    The baseline is the goal's own (2010: 12 areas); the target is the goal's target value or,
    without one, half the baseline.
    """
    stated = [o for o in observations if o["goal_id"] == goal["id"]]  # the package's own (compute adds the counted ones later)
    primary = stated[0]["series"] if stated else None
    stated = [o for o in stated if o["series"] == primary]
    counts, mismatches = need_counts(safety_rows, stated)
    baseline = goal.get("baseline_value")
    baseline_year = goal.get("baseline_year")
    if baseline is None and counts:
        baseline, baseline_year = counts[0].count, counts[0].year
    target = goal.get("target_value")
    if target is None and baseline is not None:
        target = baseline * (1 - GOAL_REDUCTION)
    return SafetyGoal(
        goal_id=goal["id"],
        baseline_year=baseline_year or 0,
        baseline=baseline or 0,
        target=target or 0,
        deadline=goal.get("deadline_year"),
        counts=tuple(counts),
        mismatches=tuple(mismatches),
    )


class SafetyArea(TypedDict):
    """An area of the safety index: its district (the latest year's) and its category and score per year."""

    area: str
    district_id: str
    by_year: dict[int, str]
    scores: dict[int, float]


def categories_by_area(safety_rows: Iterable[records.SafetyIndexRow]) -> tuple[list[int], list[SafetyArea]]:
    """Years, and one record per index area: its district and its category per year."""
    rows = list(safety_rows)
    years = sorted({r["year"] for r in rows})
    areas: dict[str, SafetyArea] = {}
    for r in sorted(rows, key=lambda r: (r["area"].lower(), r["year"])):
        area = areas.setdefault(r["area"], {"area": r["area"], "district_id": r["district_id"], "by_year": {}, "scores": {}})
        area["by_year"][r["year"]] = r["category"]
        area["district_id"] = r["district_id"]  # the latest year's district
        if (score := r.get("score")) is not None:
            area["scores"][r["year"]] = score
    return years, list(areas.values())


def category_counts(safety_rows: Iterable[records.SafetyIndexRow]) -> dict[int, dict[str, int]]:
    """Year -> category -> number of areas."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(NEED_CATEGORIES, 0))
    for r in safety_rows:
        out[r["year"]][r["category"]] += 1
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- districts


def wording_map(wordings: Iterable[records.DistrictWordingsRow]) -> dict[str, list[str]]:
    """Source wording (case- and space-insensitive) -> district ids ([] = names no district)."""
    out: dict[str, list[str]] = {}
    for w in wordings:
        ids = out.setdefault(_norm(w["wording"]), [])
        if (district := w["district_id"]) and district not in ids:
            ids.append(district)
    return out


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def activity_districts(wordings: list[str], mapping: dict[str, list[str]], order: dict[str, int]) -> tuple[list[str], bool, list[str]]:
    """(district ids, city-wide, wordings that name no district or are not in the mapping)."""
    ids: set[str] = set()
    unmapped = []
    for w in wordings:
        found = mapping.get(_norm(w))
        if not found:
            unmapped.append(w)
        ids.update(found or [])
    citywide = CITYWIDE in ids
    ids.discard(CITYWIDE)
    return sorted(ids, key=lambda d: (order.get(d, 999), d)), citywide, unmapped


def in_district(activity: Placed, district_id: str, include_citywide: bool = True) -> bool:
    """The explorer's district filter: an activity matches a district it works in and, unless
    asked otherwise, every city-wide activity; the filter "Hele byen" matches city-wide ones only."""
    if district_id == CITYWIDE:
        return bool(activity.get("citywide"))
    return district_id in activity.get("district_ids", []) or (include_citywide and bool(activity.get("citywide")))


# ---------------------------------------------------------------- the model's key figures


@dataclass
class KeyFigures:
    """What the key-figures, safety-index and district pages show."""

    latest: tuple[int, int] | None  # latest quarter with any crime figure
    next_expected: tuple[int, int] | None
    by_type: Comparison | None  # reports, whole city, per crime type
    by_district: Comparison | None  # reports (all five types), per district
    incidents_by_district: Comparison | None  # cases and incidents, per district
    charges_by_age: Comparison | None  # charges of 10–25-year-olds, per age group (persons)
    quarters_reports: list[tuple[int, int, Count]]  # whole-city reports per quarter
    district_comparisons: dict[str, Comparison]  # per district: reports per crime type
    safety: SafetyGoal | None
    safety_years: list[int]
    safety_areas: list[SafetyArea]
    safety_categories: dict[int, dict[str, int]]
    top_places: list[records.IncidentLocationsRow]  # internal edition only (the resource is left out of the public one)
    charge_conflicts: list[tuple[int, int, str]] = field(default_factory=list)
    reports_sources: list[str] = field(default_factory=list)
    charges_sources: list[str] = field(default_factory=list)

    @property
    def has_crime_figures(self) -> bool:
        return self.latest is not None


def _sources(rows: Iterable[records.CrimeReportsRow | records.CrimeChargesRow | CityReport]) -> list[str]:
    return sorted({source for r in rows if (source := r["source"])})


def _city_reports(reports: Sequence[records.CrimeReportsRow]) -> list[CityReport]:
    """Reports of the five types for the whole city: the city rows, or the sum of the districts'
    rows for a (year, quarter, type) that has no city row."""
    city: list[CityReport] = [r for r in reports if r["district_id"] == CITYWIDE]
    stated = {(r["year"], r["quarter"], r["crime_type"]) for r in city}
    summed: dict[tuple[int, int, str], int] = defaultdict(int)
    for r in reports:
        key = (r["year"], r["quarter"], r["crime_type"])
        if r["district_id"] != CITYWIDE and key not in stated:
            summed[key] += r["count"]
    return city + [{"year": y, "quarter": q, "crime_type": t, "district_id": CITYWIDE, "count": c, "source": None} for (y, q, t), c in summed.items()]


def five_crime_type_reports(crime: Iterable[records.CrimeReportsRow]) -> list[records.CrimeReportsRow]:
    """The rows of reports (not cases) of the five crime types the key figures follow."""
    return [r for r in crime if r["measure"] == REPORTS and r["crime_type"] in CRIME_TYPES]


def key_figures(tables: records.Tables, threshold: int = disclosure.DEFAULT_THRESHOLD) -> KeyFigures:
    crime = tables.get("crime_reports", [])
    reports = five_crime_type_reports(crime)
    incidents = [r for r in crime if r["measure"] == INCIDENTS]
    charges, conflicts = city_charges(tables.get("crime_charges", []), threshold)
    latest = latest_period([*crime, *charges])
    city = _city_reports(reports)
    districts = [r for r in reports if r["district_id"] != CITYWIDE]
    district_order = [d["id"] for d in sorted(tables.get("districts", []), key=lambda d: d["number"])]
    safety_rows = tables.get("safety_index", [])
    goal = next((g for g in tables.get("effect_goals", []) if is_safety_goal(g)), None)
    years, areas = categories_by_area(safety_rows)
    return KeyFigures(
        latest=latest,
        next_expected=next_period(latest),
        by_type=compare(city, lambda r: r["crime_type"], CRIME_TYPES, latest, threshold),
        by_district=compare(districts, lambda r: r["district_id"], district_order, latest, threshold) if districts else None,
        incidents_by_district=compare(
            [r for r in incidents if r["district_id"] != CITYWIDE], lambda r: r["district_id"], district_order, latest, threshold
        )
        if any(r["district_id"] != CITYWIDE for r in incidents)
        else None,
        charges_by_age=compare(charges, lambda r: r["age_group"], AGE_GROUPS, latest, threshold) if charges else None,
        quarters_reports=quarters(city, threshold),
        district_comparisons={
            d: c
            for d in district_order
            if (c := compare([r for r in districts if r["district_id"] == d], lambda r: r["crime_type"], CRIME_TYPES, latest, threshold))
        },
        safety=safety_goal(goal, safety_rows, tables.get("observations", [])) if goal else None,
        safety_years=years,
        safety_areas=areas,
        safety_categories=category_counts(safety_rows),
        top_places=sorted(tables.get("incident_locations", []), key=lambda r: (-r["year"], -r["quarter"], r["rank"])),
        charge_conflicts=conflicts,
        reports_sources=_sources(crime),
        charges_sources=_sources(tables.get("crime_charges", [])),
    )


# ---------------------------------------------------------------- observations fed to goals


def safety_observations(goal: records.EffectGoalsRow, safety: SafetyGoal) -> list[Observation]:
    """Observation rows for the years counted from the safety index (stated years are already there)."""
    return [
        {
            "id": f"obs-{goal['id']}-{c.year}-tryghedsindeks",
            "goal_id": goal["id"],
            "indicator_id": None,
            "series": "København",
            "year": c.year,
            "period": str(c.year),
            "value": c.count,
            "unit": goal.get("unit") or "områder",
            "note": f"Beregnet af Tryghedsindekset {c.year}: {c.count} af {c.areas} områder har markant eller intensiveret behov.",
            "source": c.source,
            "computed": True,
        }
        for c in safety.counts
        if c.origin == "computed"
    ]


def report_observations(indicator: records.IndicatorsRow, reports: Sequence[records.CrimeReportsRow]) -> list[Observation]:
    """Yearly reports of the five crime types for the whole city, for every complete year."""
    out: list[Observation] = []
    for year, rows in full_years(_city_reports(reports)).items():
        out.append(
            {
                "id": f"obs-{indicator['id']}-{year}-anmeldelser",
                "goal_id": None,
                "indicator_id": indicator["id"],
                "series": "København",
                "year": year,
                "period": str(year),
                "value": sum(r["count"] for r in rows),
                "unit": indicator.get("unit") or "antal",
                "note": f"Beregnet af nøgletallene: anmeldelser af {', '.join(CRIME_TYPES[:-1])} og {CRIME_TYPES[-1]} i hele {year}.",
                "source": "; ".join(_sources(rows)) or "Nøgletal for kriminalitet",
                "computed": True,
            }
        )
    return out
