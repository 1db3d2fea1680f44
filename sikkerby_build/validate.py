"""Stage 2, validate: frictionless plus the project's own rules -> a Report of Problems.

Entry point: ``validate(data_dir, content_dir=None) -> Report``.

Order: cheap file checks first (encoding, byte-order mark, delimiter, header, empty table),
because frictionless' own messages for those are hard for an editor to act on; then the
frictionless package validation (types, constraints, primary and foreign keys); then the
project rules that a Table Schema cannot express, and data-quality warnings.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from typing import Any

from frictionless import Package

from . import compute
from .load import ContentPage, Dataset, load_content, load_data, read_descriptor
from .problems import Problem, Report

EXCEL_HINT = 'Gem filen i Excel som "CSV UTF-8 (kommasepareret)".'

TYPE_NAMES = {
    "integer": "et helt tal",
    "number": "et tal (brug punktum som decimaltegn, ingen tusindtalsseparator)",
    "boolean": "true eller false",
    "date": "en dato (ÅÅÅÅ-MM-DD)",
    "year": "et årstal",
    "string": "tekst",
}


# ---------------------------------------------------------------- file checks


def _check_file(data_dir: Path, resource: dict[str, Any]) -> list[Problem]:
    path = data_dir / resource["path"]
    name = resource["path"]
    expected = [f["name"] for f in resource["schema"]["fields"]]
    if not path.exists():
        return [Problem("missing-file", name, "Filen findes ikke, men er nævnt i datapackage.json.")]
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return [
            Problem(
                "byte-order-mark",
                name,
                "Filen begynder med et usynligt byte-order-mærke (BOM). "
                "Gem den som UTF-8 uden BOM (fx i VS Code: 'Save with Encoding' > 'UTF-8').",
                row=1,
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [
            Problem(
                "encoding-error",
                name,
                "Filen er ikke gemt som UTF-8 (den ligner Latin-1/Windows-1252, så æ, ø og å "
                f"bliver forkerte). {EXCEL_HINT}",
                row=line,
            )
        ]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [Problem("empty-file", name, "Filen er tom; den skal mindst have en overskriftslinje.", row=1)]
    header_line = lines[0]
    if ";" in header_line and "," not in header_line:
        return [
            Problem(
                "semicolon-delimiter",
                name,
                "Kolonnerne er adskilt med semikolon (dansk Excel). Filen skal være "
                f"kommasepareret. {EXCEL_HINT}",
                row=1,
            )
        ]
    header = next(csv.reader(io.StringIO(header_line)))
    if header != expected:
        missing = [h for h in expected if h not in header]
        extra = [h for h in header if h not in expected]
        detail = []
        if missing:
            detail.append("mangler: " + ", ".join(missing))
        if extra:
            detail.append("ukendte: " + ", ".join(extra))
        if not detail:
            detail.append("kolonnerne står i en anden rækkefølge end i skemaet")
        return [
            Problem(
                "header-mismatch",
                name,
                "Overskriftslinjen passer ikke til skemaet i datapackage.json ("
                + "; ".join(detail)
                + "). Forventet: "
                + ",".join(expected),
                row=1,
            )
        ]
    if len([ln for ln in lines[1:] if ln.strip()]) == 0:
        return [Problem("empty-table", name, "Tabellen har ingen rækker, kun en overskrift.", row=2)]
    return []


# ---------------------------------------------------------------- frictionless


def _frictionless_message(error: Any, field_types: dict[str, str]) -> tuple[str, str]:
    kind = error.type
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "") or ""
    field_name = getattr(error, "field_name", None)
    if kind == "type-error":
        wanted = TYPE_NAMES.get(field_types.get(field_name or "", ""), "den rigtige type")
        return kind, f"'{cell}' er ikke {wanted}."
    if kind == "constraint-error":
        if "required" in note:
            return "required", "Feltet skal udfyldes."
        if "enum" in note:
            return "enum", f"'{cell}' er ikke en tilladt værdi ({note.split('is', 1)[-1].strip()})."
        if "minimum" in note or "maximum" in note:
            return "out-of-range", f"'{cell}' er uden for det tilladte interval ({note})."
        if "pattern" in note:
            return (
                "invalid-id",
                f"'{cell}' er ikke en gyldig id: brug kun små bogstaver a–z, tal og bindestreger "
                "(æ→ae, ø→oe, å→aa), fx 'den-korte-snor'.",
            )
        if "unique" in note:
            return "duplicate-value", f"'{cell}' forekommer mere end én gang; værdien skal være unik."
        return kind, f"'{cell}': {note}"
    if kind == "primary-key":
        return "duplicate-id", f"Id'en findes allerede i en tidligere række ({note})."
    if kind == "foreign-key":
        return "unknown-reference", f"Henvisningen findes ikke i den tabel, den peger på ({note})."
    if kind in {"missing-cell", "extra-cell"}:
        return kind, "Rækken har for få eller for mange kolonner (mangler der et komma eller anførselstegn?)."
    if kind == "blank-row":
        return kind, "Rækken er tom; slet den."
    return kind, note or error.message


def _run_frictionless(data_dir: Path, descriptor: dict[str, Any]) -> list[Problem]:
    package = Package(descriptor, basepath=str(data_dir))
    report = package.validate()
    problems = []
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    types = {
        r["name"]: {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]}
        for r in descriptor["resources"]
    }
    for task in report.tasks:
        resource_name = task.name
        for error in task.errors:
            kind, message = _frictionless_message(error, types.get(resource_name, {}))
            problems.append(
                Problem(
                    kind,
                    paths.get(resource_name, resource_name),
                    message,
                    row=getattr(error, "row_number", None),
                    field=getattr(error, "field_name", None),
                )
            )
    for error in report.errors:
        problems.append(Problem(error.type, "datapackage.json", error.message))
    return problems


# ---------------------------------------------------------------- project rules


def _row_lookup(dataset: Dataset, name: str, key: tuple[str, ...]) -> dict[tuple, int]:
    """Map a row's key to its line number in the CSV (header = line 1)."""
    return {tuple(r[k] for k in key): i + 2 for i, r in enumerate(dataset.table(name))}


def _project_rules(dataset: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    for line, row in enumerate(dataset.table("followups"), start=2):
        met, total = row["criteria_met"], row["criteria_total"]
        if (met is None) != (total is None):
            problems.append(
                Problem(
                    "fulfilment-incomplete",
                    "followups.csv",
                    "Udfyld både opfyldte (criteria_met) og opstillede (criteria_total) succeskriterier, "
                    "eller lad begge være tomme, når målopfyldelsen ikke kan vurderes.",
                    row=line,
                    field="criteria_met" if met is None else "criteria_total",
                )
            )
        elif met is not None and met > total:
            problems.append(
                Problem(
                    "met-exceeds-total",
                    "followups.csv",
                    f"Der kan ikke være flere opfyldte ({met}) end opstillede ({total}) succeskriterier.",
                    row=line,
                    field="criteria_met",
                )
            )
    return problems


def _content_rules(dataset: Dataset, pages: list[ContentPage]) -> list[Problem]:
    """Front matter of content pages must point at records that exist (cross-source keys)."""
    problems: list[Problem] = []
    activity_ids = {a["id"] for a in dataset.table("activities")}
    focus_ids = {f["id"] for f in dataset.table("focus_areas")}
    for page in pages:
        file = f"content/{page.path}"
        focus = page.meta.get("focus_area")
        if focus is not None and focus not in focus_ids:
            problems.append(
                Problem("unknown-reference", file, f"Indsatsområdet '{focus}' findes ikke i focus_areas.csv.", field="focus_area")
            )
        for activity in page.meta.get("activities", []) or []:
            if activity not in activity_ids:
                problems.append(
                    Problem("unknown-reference", file, f"Aktiviteten '{activity}' findes ikke i activities.csv.", field="activities")
                )
        if page.audience not in {"public", "internal"}:
            problems.append(
                Problem("enum", file, f"audience skal være public eller internal, ikke '{page.audience}'.", field="audience")
            )
    return problems


def _followup_warning(
    into: list[Problem], who: str, line: int, subject: str, kind: str, message: str, field: str | None = None
) -> None:
    into.append(Problem(kind, "followups.csv", f"{who}: {message}", row=line, field=field, severity="warning", subject=subject))


def quality_warnings(dataset: Dataset) -> list[Problem]:
    """Data-quality findings in the source itself: reported, not fixed."""
    warnings: list[Problem] = []
    names = {a["id"]: a["name"] for a in dataset.table("activities")}
    lines = _row_lookup(dataset, "followups", ("activity_id", "year"))
    rows_by_followup = compute.group_measurements(dataset.table("measurements"))
    scores_by_followup = compute.group_scores(dataset.table("effect_scores"))
    for row in dataset.table("followups"):
        key = (row["activity_id"], row["year"])
        who = f"{names.get(row['activity_id'], row['activity_id'])} {row['year']}"
        line = lines[key]
        computed = compute.fulfilment_from_rows(rows_by_followup.get(key, []))
        reported = compute.Fulfilment(row["criteria_met"], row["criteria_total"])
        warn = functools.partial(_followup_warning, warnings, who, line, row["activity_id"])

        if not compute.fulfilment_agrees(reported, computed):
            warn(
                "fulfilment-mismatch",
                f"rapporten angiver målopfyldelse {compute.format_fulfilment(reported)}, "
                f"men målepunkterne giver {compute.format_fulfilment(computed)}.",
                "criteria_met",
            )
        scores = scores_by_followup.get(key, {})
        stated = row["effect_score_total"]
        if scores and stated is not None and sum(scores.values()) != stated:
            parts = "+".join(str(scores[c]) for c in sorted(scores))
            warn(
                "effect-total-mismatch",
                f"samlet effektscore er angivet som {stated}, men A1+A2+A3+A4 = {parts} = {sum(scores.values())}.",
                "effect_score_total",
            )
        if stated is not None and not scores:
            warn("effect-total-without-scores", f"samlet effektscore {stated} er angivet, men A1–A4 mangler.", "effect_score_total")
        if scores and len(scores) < 4:
            warn("effect-scores-incomplete", f"kun {', '.join(sorted(scores))} er scoret; effektscoren kræver A1–A4.")
    for resource in ("activities", "followups"):
        id_field = "id" if resource == "activities" else "activity_id"
        for line, row in enumerate(dataset.table(resource), start=2):
            if row["budget_text"] and row["budget_dkk"] is None:
                warnings.append(
                    Problem(
                        "budget-unreadable",
                        f"{resource}.csv",
                        f"{names.get(row[id_field], row[id_field])}: budgetteksten kan ikke læses som ét "
                        f"årligt beløb: \"{_shorten(row['budget_text'])}\".",
                        row=line,
                        field="budget_text",
                        severity="warning",
                        subject=row[id_field],
                    )
                )
    return warnings


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- entry point


def revalidate_content(previous: Report, data_dir: Path, content_dir: Path) -> Report:
    """After an edit to content/ only: keep the data findings, re-check the content pages."""
    report = Report([p for p in previous.problems if not p.file.startswith("content/")])
    report.extend(_content_rules(load_data(Path(data_dir)), load_content(Path(content_dir))))
    return report


def validate(data_dir: Path, content_dir: Path | None = None) -> Report:
    data_dir = Path(data_dir)
    report = Report()
    descriptor_path = data_dir / "datapackage.json"
    if not descriptor_path.exists():
        report.add(Problem("missing-file", str(descriptor_path), "datapackage.json findes ikke i datamappen."))
        return report
    descriptor = read_descriptor(data_dir)
    for resource in descriptor["resources"]:
        report.extend(_check_file(data_dir, resource))
    if not report.ok:
        return report
    report.extend(_run_frictionless(data_dir, descriptor))
    if not report.ok:
        return report
    dataset = load_data(data_dir)
    report.extend(_project_rules(dataset))
    if content_dir is not None and Path(content_dir).exists():
        report.extend(_content_rules(dataset, load_content(Path(content_dir))))
    if report.ok:
        report.extend(quality_warnings(dataset))
    return report
