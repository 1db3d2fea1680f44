"""The yearly intake: workbooks out to the administrations, validated rows back into the package.

``sikkerby template followup --year Y [--administration CODE] --out DIR`` (``write_templates``)
writes one ``.xlsx`` per administration: an instructions sheet first, then one sheet per
activity to follow up (those followed up in the last complete year before Y). The stable
facts (id, year, administration, heading, category) are pre-filled on locked cells (sheet
protection); last year's measurement points are the starting rows; the rubric's text stands
beside A1–A4; every cell the administration fills carries Excel data validation (lists, whole
and decimal numbers with ranges, text lengths), so most mistakes are stopped in Excel.

``sikkerby import FILE.xlsx … [--write]`` (``plan_import`` then ``write_import``) turns the
sheets into the rows of ``followups.csv``, ``measurements.csv`` and ``effect_scores.csv``,
writes the would-be package into a temporary copy and runs the package's own validation
(``validate.check_project``) on it; every problem on an imported row is reported at its
workbook, sheet and cell (``SOF-2020.xlsx, ark "Sjakket", celle B7: …``). Nothing is written
when anything is wrong. Without ``--write`` the plan says what would change per activity; with
it each CSV is replaced atomically (``os.replace``), other rows byte for byte as they were.
Importing the same workbooks again changes nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import csvlines
from .editing import COPIED_FROM_PREVIOUS, CRITERIA, EditError, Package, Written
from .problems import Problem
from .suggest import mente_du

INSTRUCTIONS = "Vejledning"
ID_LABEL = "Aktivitets-id"
MAX_MEASUREMENTS = 15  # rows offered in the measurement table
LONG_TEXT = 10000
SHORT_TEXT = 500
MET_VALUES = ("ja", "nej", "kan ikke vurderes")
GOAL_TYPES = ("resultatmål", "effektmål", "begge", "ikke angivet")


@dataclass(frozen=True)
class Cell:
    """One fillable cell: the field it fills, its Danish label and its Excel validation."""

    field: str
    label: str
    kind: str  # "text", "long", "whole", "decimal", "list:<a>,<b>"
    help: str = ""


# The follow-up's own cells, column B from row FIRST_FIELD_ROW on (labels in column A).
FOLLOWUP_CELLS = (
    Cell("description", "Kort beskrivelse af indsatsen (skal udfyldes)", "long", "Hvad indsatsen gik ud på i året."),
    Cell("target_group", "Målgruppe", "text"),
    Cell("sub_activities", "Delaktiviteter", "long"),
    Cell("risk_factors", "Risiko- og beskyttelsesfaktorer", "long"),
    Cell("budget_text", "Samlet budget pr. år (som tekst)", "text", "Fx '1,2 mio. kr. årligt'."),
    Cell("budget_dkk", "Årligt budget i kr. (tal)", "decimal", "Kun ét klart beløb i kroner, fx 1200000."),
    Cell("districts_text", "Geografiske områder", "text"),
    Cell("participants", "Antal deltagende personer (tal)", "whole", "Kun når I tæller personer."),
    Cell("participants_text", "Deltagere (som tekst)", "text"),
    Cell("courses", "Antal forløb (tal)", "whole", "Når I tæller forløb og ikke personer."),
    Cell("effect_summary", "Fælles bemærkning til effektvurderingen", "long"),
)
STABLE = (  # locked rows above the fillable ones: (label, followup field or special key)
    (ID_LABEL, "activity_id"),
    ("År", "year"),
    ("Forvaltning", "administration"),
    ("Overskrift", "heading"),
    ("Forebyggelseskategori", "prevention_category"),
)
FIRST_STABLE_ROW = 3
FIRST_FIELD_ROW = FIRST_STABLE_ROW + len(STABLE)
SCORE_HEADER_ROW = FIRST_FIELD_ROW + len(FOLLOWUP_CELLS) + 1
FIRST_SCORE_ROW = SCORE_HEADER_ROW + 1
MEASUREMENT_HEADER_ROW = FIRST_SCORE_ROW + len(CRITERIA) + 2
FIRST_MEASUREMENT_ROW = MEASUREMENT_HEADER_ROW + 1
SCORE_CELLS = {"score": ("C", Cell("score", "Score 1–5", "list:1,2,3,4,5")), "justification": ("D", Cell("justification", "Begrundelse", "long"))}
MEASUREMENT_CELLS = (  # column B on: the measurement row's fields
    Cell("indicator", "Indikator / målepunkt", "long"),
    Cell("goal_type", "Resultat- eller effektmål", "list:" + ",".join(GOAL_TYPES)),
    Cell("value_before", "Førmåling (tal)", "decimal"),
    Cell("value_after", "Eftermåling (tal)", "decimal"),
    Cell("value_criterion", "Succeskriterium (tal)", "decimal"),
    Cell("unit", "Enhed (fx personer, procent, antal)", "text"),
    Cell("before_text", "Førmåling (tekst, kun hvis tallet ikke siger det hele)", "long"),
    Cell("after_text", "Eftermåling (tekst)", "long"),
    Cell("criterion_text", "Succeskriterium (tekst)", "long"),
    Cell("met", "Opfyldt?", "list:" + ",".join(MET_VALUES)),
    Cell("met_basis", "Kort begrundelse for 'Opfyldt'", "text"),
)
PREFILLED_MEASUREMENT = ("indicator", "goal_type", "unit", "value_criterion", "criterion_text")


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def measurement_column(field_name: str) -> str:
    return _column(2 + [c.field for c in MEASUREMENT_CELLS].index(field_name))


def followup_cell(field_name: str) -> str:
    return f"B{FIRST_FIELD_ROW + [c.field for c in FOLLOWUP_CELLS].index(field_name)}"


# ---------------------------------------------------------------- what the package says


@dataclass
class YearPlan:
    """Who is asked for a follow-up of ``year``: last complete year's follow-ups, by administration."""

    year: int
    previous: int | None
    followups: dict[str, dict[str, str]]  # activity id -> last year's follow-up row
    names: dict[str, str]


def _complete_years(package: Package) -> set[int] | None:
    try:
        rows = package.rows("followup_years")
    except (EditError, OSError):
        return None
    return {int(r["year"]) for r in rows if (r.get("year") or "").isdigit() and (r.get("status") or "").strip() == "afsluttet"}


def year_plan(package: Package, year: int) -> YearPlan:
    followups = package.rows("followups")
    complete = _complete_years(package)
    earlier = sorted(
        {int(f["year"]) for f in followups if (f.get("year") or "").isdigit() and int(f["year"]) < year and (complete is None or int(f["year"]) in complete)}
    )
    previous = earlier[-1] if earlier else None
    rows = {f["activity_id"]: f for f in followups if previous is not None and f.get("year") == str(previous)}
    names = {a["id"]: a.get("name") or a["id"] for a in package.rows("activities")}
    return YearPlan(year, previous, rows, names)


# ---------------------------------------------------------------- workbooks out


def _sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31].strip() or "Aktivitet"
    title, n = base, 2
    while title.casefold() in taken or title.casefold() == INSTRUCTIONS.casefold():
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _validation(cell: Cell):
    from openpyxl.worksheet.datavalidation import DataValidation

    common = dict(allow_blank=True, showErrorMessage=True, showInputMessage=bool(cell.help), errorTitle="Ugyldig værdi", promptTitle=cell.label[:32])
    if cell.kind.startswith("list:"):
        values = cell.kind[5:]
        dv = DataValidation(type="list", formula1=f'"{values}"', error=f"Vælg en af: {values.replace(',', ', ')}.", **common)
    elif cell.kind == "whole":
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="10000000", error="Skriv et helt tal (0 eller større) uden punktum og mellemrum.", **common)
    elif cell.kind == "decimal":
        dv = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000", error="Skriv et tal, fx 12 eller 12,5.", **common)
    else:
        limit = LONG_TEXT if cell.kind == "long" else SHORT_TEXT
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit), error=f"Teksten må højst have {limit} tegn.", **common)
    if cell.help:
        dv.prompt = cell.help
    return dv


def _rubric_text(rubric: list[dict[str, str]], criterion: str) -> tuple[str, str]:
    rows = sorted((r for r in rubric if r.get("criterion") == criterion), key=lambda r: -int(r.get("level") or 0))
    name = rows[0].get("name", "") if rows else ""
    return name, "\n".join(f"{r['level']}: {r['text']}" for r in rows)


def _instructions(ws: Any, code: str, admin_name: str, year: int, previous: int | None, sheets: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    lines = [
        (f"Effektopfølgning {year} – {admin_name} ({code})", True),
        ("", False),
        (f"Skemaet har ét ark pr. aktivitet, som {code} skal følge op på for {year}.", False),
        ("Sådan udfylder I skemaet:", True),
        ("1. Udfyld de hvide felter på hvert aktivitetsark. Grå felter er låst: de er aktivitetens faste oplysninger.", False),
        (f"2. Målepunkterne fra {previous} står som startrækker. Ret dem, tilføj nye i de tomme rækker, og ryd en række helt, hvis målepunktet ikke længere bruges." if previous else "2. Skriv målepunkterne i de tomme rækker.", False),
        ("3. Giv A1–A4 en score fra 1 til 5; kriteriernes beskrivelse står til højre for hver score.", False),
        ("4. Skriv tal som tal (fx 12 eller 12,5), uden enhed; enheden har sin egen kolonne. 'Opfyldt?' er ja, nej eller kan ikke vurderes.", False),
        ("5. Gem filen som Excel-projektmappe (.xlsx) med samme navn, og send den tilbage. Gem den ikke som CSV.", False),
        ("", False),
        ("Excel afviser de fleste forkerte værdier, når I skriver dem. Resten finder kommunikationsteamet ved indlæsningen og melder tilbage med ark og celle.", False),
        ("", False),
        ("Ark i skemaet:", True),
        *((f"– {s}", False) for s in sheets),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=14 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def _activity_sheet(ws: Any, activity_id: str, name: str, year: int, last: dict[str, str], measurements: list[dict[str, str]],
                    rubric: list[dict[str, str]]) -> None:  # fmt: skip
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    grey = PatternFill("solid", fgColor="DDDDDD")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def locked(ref: str, value: Any, font: Any = None) -> None:
        cell = ws[ref]
        _set(cell, value)
        cell.fill = grey
        cell.alignment = wrap
        if font is not None:
            cell.font = font

    validations: dict[Cell, Any] = {}

    def fillable(ref: str, cell: Cell, value: Any = None) -> None:
        target = ws[ref]
        _set(target, value)
        target.protection = Protection(locked=False)
        target.alignment = wrap
        if cell not in validations:
            validations[cell] = _validation(cell)
            ws.add_data_validation(validations[cell])
        validations[cell].add(ref)

    ws["A1"] = f"Effektopfølgning {year}: {name}"
    ws["A1"].font = Font(bold=True, size=14)
    facts = {"activity_id": activity_id, "year": year, "administration": last.get("administration", ""),
             "heading": last.get("heading", ""), "prevention_category": last.get("prevention_category", "")}  # fmt: skip
    for offset, (label, key) in enumerate(STABLE):
        row = FIRST_STABLE_ROW + offset
        locked(f"A{row}", label, bold)
        locked(f"B{row}", facts[key])
    for offset, cell in enumerate(FOLLOWUP_CELLS):
        row = FIRST_FIELD_ROW + offset
        locked(f"A{row}", cell.label, bold)
        fillable(f"B{row}", cell)
        if cell.help:
            locked(f"C{row}", cell.help)
    for col, text in zip("ABCDE", ("Kriterium", "Navn", "Score 1–5", "Begrundelse", "Pointskala (5 = højest)"), strict=True):
        locked(f"{col}{SCORE_HEADER_ROW}", text, bold)
    for offset, criterion in enumerate(CRITERIA):
        row = FIRST_SCORE_ROW + offset
        criterion_name, scale = _rubric_text(rubric, criterion)
        locked(f"A{row}", criterion, bold)
        locked(f"B{row}", criterion_name)
        fillable(f"C{row}", SCORE_CELLS["score"][1])
        fillable(f"D{row}", SCORE_CELLS["justification"][1])
        locked(f"E{row}", scale)
        ws.row_dimensions[row].height = 90
    locked(f"A{MEASUREMENT_HEADER_ROW}", "Nr.", bold)
    for index, cell in enumerate(MEASUREMENT_CELLS):
        locked(f"{_column(2 + index)}{MEASUREMENT_HEADER_ROW}", cell.label, bold)
    for offset in range(MAX_MEASUREMENTS):
        row = FIRST_MEASUREMENT_ROW + offset
        start = measurements[offset] if offset < len(measurements) else {}
        locked(f"A{row}", offset + 1)
        for index, cell in enumerate(MEASUREMENT_CELLS):
            value = start.get(cell.field) if cell.field in PREFILLED_MEASUREMENT else None
            fillable(f"{_column(2 + index)}{row}", cell, _typed(value, cell))
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 60
    for col in "CDEFGHIJKL":
        ws.column_dimensions[col].width = 24
    ws.column_dimensions["E"].width = 60
    ws.protection.sheet = True
    ws.protection.formatRows = False  # rows may be made taller to read long texts


def _set(cell: Any, value: Any) -> None:
    """Write a value as data, never as a formula: data text is untrusted, and openpyxl would make
    a text starting with '=' a formula that Excel runs at the administration."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _typed(value: Any, cell: Cell) -> Any:
    if value in (None, ""):
        return None
    if cell.kind in ("whole", "decimal"):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def write_templates(data_dir: Path, year: int, out_dir: Path, administration: str | None = None) -> list[Path]:
    """One workbook per administration with follow-ups to send out for ``year``; returns the files."""
    from openpyxl import Workbook

    package = Package(data_dir)
    plan = year_plan(package, year)
    if plan.previous is None:
        raise EditError(f"Der er intet afsluttet opfølgningsår før {year} at lave skemaer ud fra.")
    admins = {a["code"]: a.get("name", a["code"]) for a in package.rows("administrations")}
    if administration is not None and administration not in admins:

        raise EditError(f"Forvaltningen '{administration}' findes ikke i administrations.csv.{mente_du(administration, admins)}")
    rubric = package.rows("rubric")
    measurements: dict[str, list[dict[str, str]]] = {}
    for m in package.rows("measurements"):
        if m.get("year") == str(plan.previous):
            measurements.setdefault(m["activity_id"], []).append(m)
    by_admin: dict[str, list[str]] = {}
    for activity_id, row in plan.followups.items():
        by_admin.setdefault(row.get("administration") or "", []).append(activity_id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    def by_name(activity_id: str) -> str:  # a def, not a lambda: mypy mis-infers dict.get in a sort key lambda
        return plan.names.get(activity_id, activity_id).casefold()

    written = []
    for code in sorted(by_admin):
        if administration is not None and code != administration:
            continue
        wb = Workbook()
        intro = wb.active
        intro.title = INSTRUCTIONS
        taken: set[str] = set()
        titles = []
        for activity_id in sorted(by_admin[code], key=by_name):
            title = _sheet_title(plan.names.get(activity_id, activity_id), taken)
            titles.append(title)
            rows = sorted(measurements.get(activity_id, []), key=lambda m: int(m.get("position") or 0))
            _activity_sheet(wb.create_sheet(title), activity_id, plan.names.get(activity_id, activity_id), year, plan.followups[activity_id], rows, rubric)
        _instructions(intro, code, admins.get(code, code), year, plan.previous, titles)
        path = out_dir / f"{code}-{year}.xlsx"
        wb.save(path)
        written.append(path)
    if administration is not None and not written:
        raise EditError(f"{administration} havde ingen opfølgninger i {plan.previous}, så der er intet skema at lave for {year}.")
    return written


# ---------------------------------------------------------------- workbooks in


@dataclass(frozen=True)
class Origin:
    workbook: str
    sheet: str
    cells: dict[str, str]  # field -> cell reference
    anchor: str  # the cell to point at when no field is named
    labels: dict[str, str] = field(default_factory=dict)  # field -> the label the sheet shows
    hint: str = ""  # said after the message (e.g. how to drop a measurement row)

    def where(self, field_name: str | None) -> str:
        label = self.labels.get(field_name or "")
        return f'{self.workbook}, ark "{self.sheet}", celle {self.cells.get(field_name or "", self.anchor)}' + (f" ({label})" if label else "")


FOLLOWUP_LABELS = {c.field: c.label.replace(" (skal udfyldes)", "") for c in FOLLOWUP_CELLS} | {k: label for label, k in STABLE}
MEASUREMENT_LABELS = {c.field: c.label for c in MEASUREMENT_CELLS}
SCORE_LABELS = {"score": "Score 1–5", "justification": "Begrundelse"}
DROP_ROW_HINT = " Bruges målepunktet ikke i år, så ryd hele rækken."


@dataclass
class SheetRows:
    """The rows one activity sheet becomes."""

    activity_id: str
    year: int
    followup: dict[str, str]
    measurements: list[dict[str, str]]
    scores: list[dict[str, str]]
    origins: dict[tuple[str, int], Origin]  # (resource, index in this sheet's rows) -> cells


@dataclass
class Change:
    activity_id: str
    name: str
    year: int
    status: str  # "tilføjet", "ændret", "uændret"
    counts: dict[str, int]


@dataclass
class ImportPlan:
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # resource path -> new text
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sheets with nothing filled in yet

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(c.status != "uændret" for c in self.changes)


def _text(value: Any) -> str:
    """A workbook value as the CSV text of the package (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text


_DANISH_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")


def _number_text(value: Any) -> str:
    """A number typed as text on a Danish PC ('12,5', '1.200') read as the package's '12.5', '1200'."""
    text = _text(value)
    if isinstance(value, str) and _DANISH_NUMBER.match(text.replace(" ", "")):
        text = text.replace(" ", "").replace(".", "").replace(",", ".")
    return text


def _read_sheet(ws: Any, workbook: str, problems: list[Problem], plan: YearPlan, document: str | None, skipped: list[str]) -> SheetRows | None:
    activity_id = _text(ws[f"B{FIRST_STABLE_ROW}"].value)
    year_text = _text(ws[f"B{FIRST_STABLE_ROW + 1}"].value)
    where = f'{workbook}, ark "{ws.title}"'
    if activity_id not in plan.names:

        problems.append(Problem("import-sheet", workbook, f"{where}, celle B{FIRST_STABLE_ROW}: aktiviteten '{activity_id}' findes ikke i activities.csv.{mente_du(activity_id, plan.names)} "
                                "Cellen er låst; brug et nyt skema fra 'sikkerby template followup'."))  # fmt: skip
        return None
    if year_text != str(plan.year):
        problems.append(Problem("import-sheet", workbook, f"{where}, celle B{FIRST_STABLE_ROW + 1}: skemaet er for {year_text or 'intet år'}, men der indlæses {plan.year}. "
                                f"Brug --year {year_text}, eller send årets skema ud."))  # fmt: skip
        return None
    if _untouched(ws):
        skipped.append(f'{workbook}, ark "{ws.title}" ({plan.names[activity_id]}): intet udfyldt endnu, springes over')
        return None
    last = plan.followups.get(activity_id, {})
    source = f"{document} {last.get('heading') or plan.names[activity_id]}" if document else ""
    followup: dict[str, str] = {k: last.get(k, "") for k in COPIED_FROM_PREVIOUS}
    for offset, (_, key) in enumerate(STABLE):
        followup[key] = _text(ws[f"B{FIRST_STABLE_ROW + offset}"].value)
    cells = {"activity_id": f"B{FIRST_STABLE_ROW}", "year": f"B{FIRST_STABLE_ROW + 1}"}
    for offset, (_, key) in enumerate(STABLE):
        cells[key] = f"B{FIRST_STABLE_ROW + offset}"
    for cell in FOLLOWUP_CELLS:
        ref = followup_cell(cell.field)
        raw = ws[ref].value
        followup[cell.field] = _number_text(raw) if cell.kind in ("whole", "decimal") else _text(raw)
        cells[cell.field] = ref
    followup["source"] = source
    origins: dict[tuple[str, int], Origin] = {("followups", 0): Origin(workbook, ws.title, cells, f"B{FIRST_FIELD_ROW}", FOLLOWUP_LABELS)}
    scores: list[dict[str, str]] = []
    for offset, criterion in enumerate(CRITERIA):
        row = FIRST_SCORE_ROW + offset
        score, justification = ws[f"C{row}"].value, ws[f"D{row}"].value
        if score in (None, "") and justification in (None, ""):
            continue
        origins[("effect_scores", len(scores))] = Origin(
            workbook, ws.title, {"score": f"C{row}", "justification": f"D{row}"}, f"C{row}", {k: f"{criterion} {v}" for k, v in SCORE_LABELS.items()}
        )
        scores.append({"activity_id": activity_id, "year": str(plan.year), "criterion": criterion, "score": _number_text(score),
                       "justification": _text(justification), "source": f"{source} / EFFEKT" if source else ""})  # fmt: skip
    measurements: list[dict[str, str]] = []
    for offset in range(MAX_MEASUREMENTS):
        row = FIRST_MEASUREMENT_ROW + offset
        values = {}
        for index, cell in enumerate(MEASUREMENT_CELLS):
            raw = ws[f"{_column(2 + index)}{row}"].value
            values[cell.field] = _number_text(raw) if cell.kind in ("whole", "decimal") else _text(raw)
        if not any(values.values()):
            continue
        position = len(measurements) + 1
        refs = {c.field: f"{_column(2 + i)}{row}" for i, c in enumerate(MEASUREMENT_CELLS)}
        origins[("measurements", len(measurements))] = Origin(workbook, ws.title, refs, f"B{row}", MEASUREMENT_LABELS, DROP_ROW_HINT)
        measurements.append({"id": f"{activity_id}-{plan.year}-{position}", "activity_id": activity_id, "year": str(plan.year), "position": str(position),
                             **values, "audience": followup.get("audience", ""), "source": f"{source} / MÅLOPFYLDELSE" if source else ""})  # fmt: skip
    # the workbook is the report: its own readings give the reported fulfilment a/b
    met = sum(m["met"] == "ja" for m in measurements)
    assessable = sum(m["met"] in ("ja", "nej") for m in measurements)
    if assessable:
        followup.update(criteria_met=str(met), criteria_total=str(assessable), fulfilment_text=f"{met}/{assessable}")
    return SheetRows(activity_id, plan.year, followup, measurements, scores, origins)


def _untouched(ws: Any) -> bool:
    """Nothing filled in yet: no follow-up cell, no score, no measurement value beyond the starting rows' own cells."""
    if any(ws[followup_cell(c.field)].value not in (None, "") for c in FOLLOWUP_CELLS):
        return False
    if any(ws[f"{col}{FIRST_SCORE_ROW + i}"].value not in (None, "") for i in range(len(CRITERIA)) for col in "CD"):
        return False
    for offset in range(MAX_MEASUREMENTS):
        row = FIRST_MEASUREMENT_ROW + offset
        for index, cell in enumerate(MEASUREMENT_CELLS):
            if cell.field not in PREFILLED_MEASUREMENT and ws[f"{_column(2 + index)}{row}"].value not in (None, ""):
                return False
    return True


def read_workbooks(paths: Iterable[Path], plan: YearPlan, document: str | None, skipped: list[str] | None = None) -> tuple[list[SheetRows], list[Problem]]:
    from openpyxl import load_workbook

    sheets: list[SheetRows] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        name = path.name
        if path.suffix.lower() != ".xlsx":
            problems.append(Problem("import-file", name, f"{name}: kun Excel-projektmapper (.xlsx) fra 'sikkerby template followup' kan indlæses."))
            continue
        try:
            wb = load_workbook(path, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
            problems.append(Problem("import-file", name, f"{name} kan ikke åbnes som Excel-projektmappe ({type(exc).__name__}). Gem den i Excel som .xlsx og prøv igen."))
            continue
        found = 0
        for ws in wb.worksheets:
            if ws.title == INSTRUCTIONS or ws[f"A{FIRST_STABLE_ROW}"].value != ID_LABEL:
                continue
            found += 1
            rows = _read_sheet(ws, name, problems, plan, document, skipped if skipped is not None else [])
            if rows is None:
                continue
            if rows.activity_id in seen:
                problems.append(Problem("import-sheet", name, f'{name}, ark "{ws.title}": aktiviteten {rows.activity_id} står også i {seen[rows.activity_id]}; indlæs den kun én gang.'))
                continue
            seen[rows.activity_id] = f'{name}, ark "{ws.title}"'
            sheets.append(rows)
        if not found:
            problems.append(Problem("import-file", name, f"{name} har ingen aktivitetsark fra 'sikkerby template followup' (celle A{FIRST_STABLE_ROW} skal være '{ID_LABEL}')."))
    return sheets, problems


# ---------------------------------------------------------------- CSV text, record by record


def _records(text: str) -> tuple[str, list[tuple[str, dict[str, str]]], str]:
    """A CSV file's header line, its records (raw text, parsed row) and its line ending."""
    ending = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)  # physical lines, as the csv reader counts them
    reader = iter(csvlines.Records(io.StringIO(text, newline="")))
    first = next(reader, None)
    if first is None:
        return "", [], ending
    _, header_end, header = first
    header_text = "".join(lines[:header_end])
    records = []
    for start, end, values in reader:
        raw = "".join(lines[start - 1 : end])
        if not values:
            continue
        records.append((raw if raw.endswith(("\n", "\r")) else raw + ending, dict(zip(header, values, strict=False))))
    return header_text if header_text.endswith(("\n", "\r")) else header_text + ending, records, ending


def _row_text(header: list[str], row: dict[str, str], ending: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerow([row.get(f, "") for f in header])
    return buffer.getvalue()


def _same(a: dict[str, str], b: dict[str, str], header: list[str]) -> bool:
    return all((a.get(f) or "") == (b.get(f) or "") for f in header)


# ---------------------------------------------------------------- the plan


def _year_document(package: Package, year: int) -> tuple[str | None, Problem | None]:
    try:
        rows = package.rows("followup_years")
    except EditError:
        rows = []
    row = next((r for r in rows if r.get("year") == str(year)), None)
    if row is None or not (row.get("document") or "").strip():
        return None, Problem(
            "import-year", "followup_years.csv",
            f"Året {year} er ikke oprettet. Tilføj først årets kildedokument i documents.csv og kør "
            f"'sikkerby new year --year {year} --document <id>' (se Redaktørguiden, 'Det årlige indtag').",
        )  # fmt: skip
    return row["document"].strip(), None


def workbook_year(paths: Iterable[Path]) -> int | None:
    """The year written (locked) on the first activity sheet of the first workbook that has one."""
    from openpyxl import load_workbook

    for path in paths:
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - reported by read_workbooks
            continue
        for ws in wb.worksheets:
            if ws[f"A{FIRST_STABLE_ROW}"].value == ID_LABEL:
                text = _text(ws[f"B{FIRST_STABLE_ROW + 1}"].value)
                if text.isdigit():
                    return int(text)
    return None


def plan_import(data_dir: Path, paths: list[Path], year: int | None = None) -> ImportPlan:
    """Read the workbooks, validate the would-be package, and say what would change."""
    from . import validate

    data_dir = Path(data_dir)
    package = Package(data_dir)
    plan = ImportPlan()
    year = year if year is not None else workbook_year(paths)
    if year is None:
        plan.problems.append(Problem("import-file", "", "Ingen af filerne har et aktivitetsark med et år; brug skemaerne fra 'sikkerby template followup'."))
        return plan
    document, problem = _year_document(package, year)
    if problem is not None:
        plan.problems.append(problem)
        return plan
    years = year_plan(package, year)
    sheets, plan.problems = read_workbooks(paths, years, document, plan.skipped)
    if plan.problems:
        return plan
    resources: dict[str, list[dict[str, str]]] = {"followups": [], "measurements": [], "effect_scores": []}
    files: dict[str, str] = {}
    origins_at: dict[tuple[str, int], Origin] = {}  # (file, physical line) -> origin
    for resource in resources:
        path = package.path(resource)
        header_text, records, ending = _records(path.read_bytes().decode("utf-8"))
        header = next(csv.reader(io.StringIO(header_text)))
        imported = {(s.activity_id, str(s.year)) for s in sheets}
        kept = [(raw, row) for raw, row in records if (row.get("activity_id"), row.get("year")) not in imported]
        text = header_text + "".join(raw for raw, _ in kept)
        line = text.count("\n") + 1
        for sheet in sheets:
            rows = {"followups": [sheet.followup], "measurements": sheet.measurements, "effect_scores": sheet.scores}[resource]
            for index, row in enumerate(rows):
                row_text = _row_text(header, row, ending)
                origins_at[(path.name, line)] = sheet.origins[(resource, index)]
                text += row_text
                line += row_text.count("\n")
        files[resource] = text
    plan.changes = _changes(package, sheets, years)
    plan.files = {package.path(r).name: t for r, t in files.items()}
    with tempfile.TemporaryDirectory(prefix="sikkerby-import-") as tmp:
        candidate = Path(tmp) / "data"
        shutil.copytree(data_dir, candidate, ignore=shutil.ignore_patterns("content", ".*"))
        for name, text in plan.files.items():
            (candidate / name).write_text(text, encoding="utf-8", newline="")
        report = validate.check_project(candidate, None).report
    for p in report.problems:
        origin = origins_at.get((p.file, p.row or -1))
        target = plan.problems if p.severity == "error" else plan.warnings
        if origin is not None:
            hint = origin.hint if p.kind == "required" else ""
            # the same problem, located in the workbook the editor filled in instead of the CSV
            target.append(replace(p, file=origin.workbook, message=f"{origin.where(p.field)}: {p.message}{hint}", row=None, field=None))
        elif p.severity == "error":
            target.append(p)
    return plan


def _changes(package: Package, sheets: list[SheetRows], years: YearPlan) -> list[Change]:
    existing = {r: package.rows(r) for r in ("followups", "measurements", "effect_scores")}
    headers = {r: package.fields(r) for r in existing}
    out = []
    for sheet in sheets:
        key = (sheet.activity_id, str(sheet.year))
        new = {"followups": [sheet.followup], "measurements": sheet.measurements, "effect_scores": sheet.scores}
        old = {r: [row for row in rows if (row.get("activity_id"), row.get("year")) == key] for r, rows in existing.items()}
        if not old["followups"]:
            status = "tilføjet"
        elif all(len(old[r]) == len(new[r]) and all(_same(a, b, headers[r]) for a, b in zip(old[r], new[r], strict=True)) for r in new):
            status = "uændret"
        else:
            status = "ændret"
        counts = {r: len(rows) for r, rows in new.items()}
        out.append(Change(sheet.activity_id, years.names.get(sheet.activity_id, sheet.activity_id), sheet.year, status, counts))
    return out


def describe(plan: ImportPlan) -> list[str]:
    """What the import changes, one line per activity, in Danish."""
    lines = []
    for c in sorted(plan.changes, key=lambda c: c.name.casefold()):
        m, s = c.counts["measurements"], c.counts["effect_scores"]
        what = f"1 opfølgning, {m} {'målepunkt' if m == 1 else 'målepunkter'}, {s} {'effektscore' if s == 1 else 'effektscorer'}"
        lines.append(f"{c.name} ({c.activity_id}) {c.year}: {c.status}" + ("" if c.status == "uændret" else f" ({what})"))
    return lines + plan.skipped


def write_import(data_dir: Path, plan: ImportPlan) -> list[str]:
    """Replace each changed CSV atomically (a temporary file in the data folder, then os.replace)."""
    if not plan.ok:
        raise EditError("Indlæsningen har fejl; intet er skrevet.")
    written = []
    for name, text in plan.files.items():
        path = Path(data_dir) / name
        if path.read_bytes().decode("utf-8") == text:
            continue
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(name)
    return written


# ---------------------------------------------------------------- a new year


def new_year(data_dir: Path, year: int, document: str) -> Written:
    """Declare a follow-up year 'i gang' with its source document (followup_years.csv)."""
    from .editing import _check_year

    package = Package(data_dir)
    _check_year(year)
    documents = {d["id"]: d for d in package.rows("documents")}
    if document not in documents:
        raise EditError(
            f"Dokumentet '{document}' findes ikke i documents.csv.{mente_du(document, documents)} Tilføj først en række for årets "
            f"dokument (fx 'Effektopfølgning {year}') med et nyt id; de brugte er {', '.join(sorted(documents))}."
        )
    if any(r.get("year") == str(year) for r in package.rows("followup_years")):
        raise EditError(f"Året {year} står allerede i followup_years.csv.")
    row = {"year": year, "status": "i gang", "document": document, "source": f"{document} titelblad"}
    return package.append("followup_years", [row], f"året {year} (status 'i gang', kilde {document})")
