"""Stage 2, validate: frictionless plus the project's own rules -> a Report of Problems.

Entry point: ``validate(data_dir, content_dir=None) -> Report``.

Order: cheap file checks first (encoding, byte-order mark, delimiter, header, empty table),
because frictionless' own messages for those are hard for an editor to act on; then the
frictionless package validation (types, constraints, primary and foreign keys); then the
project rules that a Table Schema cannot express, and data-quality warnings.

Never raises for anything an editor can get wrong: a broken ``datapackage.json`` (invalid JSON,
no resources, a resource without a schema), front matter that cannot be read and symlinks in
content/ are Problems like any other. Every message is Danish; ``row`` is the physical line an
editor sees in a text editor (frictionless counts CSV records, and a quoted cell may span
several lines). A broken foreign key is reported once at its root cause, with a "mente du …?"
suggestion, and the rows that fail only because of it are summarised in the same message.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frictionless import Package

from . import compute, danish, editing, edition, live_figures, matching, municipal
from .citations import unknown_sources
from .csvlines import Records, iter_record_starts
from .edition import CITYWIDE, stated_totals
from .load import ContentLoad, ContentPage, Dataset, load_content, load_data
from .news_rules import check_posts
from .problems import Problem, Report
from .suggest import mente_du, suggest
from .textchecks import character_problem, nesting_problem

EXCEL_HINT = "Sådan gemmer Excel på en dansk pc; ret den med 'sikkerby fix-csv data/{name}' (se Redaktørguiden, 'Filer fra Excel')."

TYPE_NAMES = {
    "integer": "et helt tal",
    "number": "et tal (brug punktum som decimaltegn, ingen tusindtalsseparator)",
    "boolean": "true eller false",
    "date": "en dato (ÅÅÅÅ-MM-DD)",
    "year": "et årstal",
    "string": "tekst",
}


# ---------------------------------------------------------------- physical lines


class LineMap:
    """Record number (header = 1, as frictionless counts) -> physical line an editor sees.

    A quoted cell with line breaks spans several physical lines, so the two differ after it.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._starts: dict[str, list[int]] = {}

    def _read(self, file: str) -> list[int]:
        starts = [0]  # index 0 unused: records are numbered from 1
        try:
            with open(self.data_dir / file, encoding="utf-8", newline="") as handle:
                starts.extend(iter_record_starts(handle))
        except (OSError, UnicodeDecodeError, csv.Error):
            pass  # the lines read so far; a broken file has its own problem
        return starts

    def __call__(self, file: str, record: int | None) -> int | None:
        if record is None:
            return None
        starts = self._starts.setdefault(file, self._read(file) if file.endswith(".csv") else [])
        return starts[record] if 0 < record < len(starts) else record


# ---------------------------------------------------------------- the descriptor

_JSON_HINTS = [
    ("Expecting ',' delimiter", "der mangler et komma mellem to elementer"),
    ("Expecting ':' delimiter", "der mangler et kolon efter en nøgle"),
    ("Expecting property name", "en nøgle skal stå i dobbelte anførselstegn, og der må ikke stå komma efter det sidste element"),
    ("Expecting value", "der mangler en værdi, eller der står et komma for meget"),
    ("Unterminated string", "en tekst i anførselstegn er ikke lukket"),
    ("Invalid control character", "der står et linjeskift eller tabulatortegn inde i en tekst"),
    ("Invalid \\escape", "en omvendt skråstreg (\\) skal skrives \\\\"),
    ("Extra data", "der står noget efter den afsluttende }"),
]


FIELD_TYPES = {
    "string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime",
    "year", "yearmonth", "duration", "geopoint", "geojson", "any",
}  # fmt: skip


def _json_line(text: str, name: str, start: int = 0) -> int | None:
    """The line of the object whose ``"name"`` is ``name`` (first at or after offset ``start``)."""
    match = re.compile(r'"name"\s*:\s*' + re.escape(json.dumps(name))).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def read_descriptor_checked(data_dir: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """``datapackage.json`` as a dict, or None and located problems when it cannot be used."""
    file = "datapackage.json"
    path = Path(data_dir) / file
    if not path.is_file():
        return None, [Problem("missing-file", file, f"datapackage.json findes ikke i datamappen {data_dir}.")]
    parsed = _parse_descriptor(path, file)
    if isinstance(parsed, Problem):
        return None, [parsed]
    text, descriptor = parsed
    problems = _descriptor_structure_problems(descriptor, text, Path(data_dir).resolve(), file)
    if problems:
        return None, problems
    problems = _descriptor_key_problems(descriptor["resources"], text, file)
    return (None if problems else descriptor), problems


def _parse_descriptor(path: Path, file: str) -> tuple[str, Any] | Problem:
    """The descriptor's text and parsed JSON, or the problem that stops reading it."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem("encoding-error", file, "Filen er ikke gemt som UTF-8.", row=line)
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        hint = next((danish for english, danish in _JSON_HINTS if exc.msg.startswith(english)), "filen er ikke gyldig JSON")
        return Problem(
            "descriptor-json",
            file,
            f"datapackage.json kan ikke læses (linje {exc.lineno}, kolonne {exc.colno}): {hint}.",
            row=exc.lineno,
        )


def _structure_problem(file: str, message: str, line: int | None = None, field_name: str | None = None) -> Problem:
    return Problem("descriptor-structure", file, message, row=line, field=field_name)


def _descriptor_structure_problems(descriptor: Any, text: str, data_root: Path, file: str) -> list[Problem]:
    """The descriptor must be an object with a list of resources, each with a name, a path in
    the data folder and an inline schema of named fields of known types."""
    if not isinstance(descriptor, dict):
        return [_structure_problem(file, "datapackage.json skal være et JSON-objekt ({ … }) med en liste 'resources'.", 1)]
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [
            _structure_problem(
                file, "datapackage.json mangler listen 'resources' med tabellerne (eller den er tom).", 1, "resources"
            )
        ]
    problems: list[Problem] = []
    for number, resource in enumerate(resources, start=1):
        problems += _resource_structure_problems(number, resource, text, data_root, file)
    return problems


def _resource_structure_problems(number: int, resource: Any, text: str, data_root: Path, file: str) -> list[Problem]:
    """One resource: its name, its path inside the data folder, its schema and field types."""
    if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
        return [_structure_problem(file, f"Tabel nr. {number} i 'resources' mangler et navn ('name').", None, "resources")]
    problems: list[Problem] = []
    name = resource["name"]
    line = _json_line(text, name)
    rel = resource.get("path")
    if not isinstance(rel, str) or not rel:
        problems.append(_structure_problem(file, f"Tabellen '{name}' mangler en sti til sin CSV-fil ('path').", line, "path"))
    elif Path(rel).is_absolute() or not (data_root / rel).resolve().is_relative_to(data_root):
        problems.append(
            _structure_problem(
                file,
                f"Tabellen '{name}' peger på '{rel}', som ligger uden for datamappen; stien skal være en fil i datamappen.",
                line,
                "path",
            )
        )
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        problems.append(
            _structure_problem(
                file,
                f"Tabellen '{name}' har intet skema ('schema' med 'fields'); skemaet skal stå direkte i datapackage.json.",
                line,
                "schema",
            )
        )
        return problems
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
        problems.append(
            _structure_problem(
                file,
                f"Skemaet for tabellen '{name}' skal have en liste 'fields', hvor hvert felt har et navn ('name').",
                line,
                "schema",
            )
        )
        return problems
    return problems + _field_type_problems(name, fields, text, line, file)


def _field_type_problems(name: str, fields: list[dict[str, Any]], text: str, line: int | None, file: str) -> list[Problem]:
    """A field type that does not exist, located at the field inside the resource's 'fields'."""
    problems: list[Problem] = []
    start = text.find("\n", text.find('"fields"', sum(len(x) + 1 for x in text.split("\n")[: (line or 1) - 1])))
    for spec in fields:
        kind = spec.get("type", "string")
        if kind not in FIELD_TYPES:
            problems.append(
                _structure_problem(
                    file,
                    f"Feltet '{spec['name']}' i tabellen '{name}' har typen '{kind}', som ikke findes. "
                    f"Brug en af: {', '.join(sorted(FIELD_TYPES))}.{mente_du(str(kind), FIELD_TYPES)}",
                    _json_line(text, spec["name"], max(start, 0)) or line,
                    "type",
                )
            )
    return problems


def _descriptor_key_problems(resources: list[dict[str, Any]], text: str, file: str) -> list[Problem]:
    """Primary and foreign keys must name fields that exist (in a table that exists)."""
    problems: list[Problem] = []
    by_name = {r["name"]: r for r in resources}
    for resource in resources:
        own = {f["name"] for f in resource["schema"]["fields"]}
        unknown_key = [f for f in _as_list(resource["schema"].get("primaryKey")) if f not in own]
        if unknown_key:
            problems.append(
                _structure_problem(
                    file,
                    f"Primærnøglen i tabellen '{resource['name']}' nævner feltet '{unknown_key[0]}', som ikke findes i skemaet."
                    + mente_du(unknown_key[0], own),
                    _json_line(text, resource["name"]),
                    "primaryKey",
                )
            )
        for key in resource["schema"].get("foreignKeys", []) or []:
            problem = _foreign_key_problem(resource, key, own, by_name, text, file)
            if problem:
                problems.append(problem)
    return problems


def _foreign_key_problem(
    resource: dict[str, Any], key: Any, own: set[str], by_name: dict[str, dict[str, Any]], text: str, file: str
) -> Problem | None:
    """A foreign key to a table that does not exist, or with fields that do not exist or match."""
    reference = key.get("reference", {}) if isinstance(key, dict) else {}
    target = reference.get("resource")
    local = _as_list(key.get("fields") if isinstance(key, dict) else None)
    remote = _as_list(reference.get("fields"))
    line = _json_line(text, resource["name"])
    if target not in by_name and target != "":
        return _structure_problem(
            file, f"En fremmednøgle i tabellen '{resource['name']}' peger på tabellen '{target}', som ikke findes.", line, "foreignKeys"
        )
    other = by_name.get(target, resource)
    theirs = {f["name"] for f in other["schema"]["fields"]}
    unknown = [f for f in local if f not in own] + [f for f in remote if f not in theirs]
    if unknown or len(local) != len(remote) or not local:
        return _structure_problem(
            file,
            f"En fremmednøgle i tabellen '{resource['name']}' nævner felter, der ikke findes eller ikke passer sammen "
            f"({', '.join(unknown) or 'forskelligt antal felter'}).",
            line,
            "foreignKeys",
        )
    return None


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# ---------------------------------------------------------------- file checks


def _check_file(data_dir: Path, resource: dict[str, Any]) -> list[Problem]:
    path = data_dir / resource["path"]
    name = resource["path"]
    expected = [f["name"] for f in resource["schema"]["fields"]]
    if not path.exists():
        return [Problem("missing-file", name, "Filen findes ikke, men er nævnt i datapackage.json.")]
    text = _csv_text(path.read_bytes(), name)
    if isinstance(text, Problem):
        return [text]
    lines = text.splitlines()
    problem = _header_problem(lines, expected, name)
    if problem:
        return [problem]
    if len([ln for ln in lines[1:] if ln.strip()]) == 0 and not resource.get("emptyAllowed"):  # a table the sources have no rows for yet
        return [Problem("empty-table", name, "Tabellen har ingen rækker, kun en overskrift.", row=2)]
    return _cell_problems(text, name, resource)


def _cell_problems(text: str, name: str, resource: dict[str, Any]) -> list[Problem]:
    """Every cell: no control or bidi characters; text fields: bounded nesting. Located at the
    physical line inside a multi-line cell and the column."""
    types = {f["name"]: f.get("type", "string") for f in resource["schema"]["fields"]}
    problems: list[Problem] = []
    records = Records(io.StringIO(text, newline=""))
    try:
        for start, _, record in records:
            if start == 1:
                header = record
                continue
            for column, value in zip(header, record, strict=False):
                found = character_problem(value, name, first_line=start, field=column)
                if found:
                    problems.append(found)
                if types.get(column, "string") == "string":
                    deep = nesting_problem(value)
                    if deep:
                        problems.append(Problem("nesting-too-deep", name, deep[0], row=start + deep[1], field=column))
    except csv.Error as exc:
        if "field limit" in str(exc):
            message = f"En celle er længere end {danish.number(csv.field_size_limit())} tegn; del teksten op eller forkort den."
        else:
            message = f"Filen kan ikke læses som CSV ({exc}). Gem den igen fra Excel som CSV UTF-8."
        problems.append(Problem("csv-unreadable", name, message, row=records.next_line))
    return problems


def _csv_text(raw: bytes, name: str) -> str | Problem:
    """A CSV file's text, or the problem when it has a byte-order mark or is not UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return Problem(
            "byte-order-mark",
            name,
            "Filen begynder med et usynligt byte-order-mærke (BOM). " + EXCEL_HINT.format(name=name),
            row=1,
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(
            "encoding-error",
            name,
            "Filen er ikke gemt som UTF-8 (den ligner Latin-1/Windows-1252, så æ, ø og å "
            f"bliver forkerte). {EXCEL_HINT.format(name=name)}",
            row=line,
        )


def _header_problem(lines: list[str], expected: list[str], name: str) -> Problem | None:
    """An empty file, a semicolon-separated file or a header line that does not match the schema."""
    if not lines or not lines[0].strip():
        return Problem("empty-file", name, "Filen er tom; den skal mindst have en overskriftslinje.", row=1)
    header_line = lines[0]
    if ";" in header_line and "," not in header_line:
        return Problem(
            "semicolon-delimiter",
            name,
            "Kolonnerne er adskilt med semikolon (dansk Excel). Filen skal være "
            f"kommasepareret. {EXCEL_HINT.format(name=name)}",
            row=1,
        )
    header = next(csv.reader(io.StringIO(header_line)))
    if header == expected:
        return None
    return Problem(
        "header-mismatch",
        name,
        "Overskriftslinjen passer ikke til skemaet i datapackage.json ("
        + "; ".join(_header_differences(header, expected))
        + "). Forventet: "
        + ",".join(expected),
        row=1,
    )


def _header_differences(header: list[str], expected: list[str]) -> list[str]:
    """What is missing, unknown or out of order in a header line, in Danish."""
    missing = [h for h in expected if h not in header]
    extra = [h for h in header if h not in expected]
    detail = []
    if missing:
        detail.append("mangler: " + ", ".join(missing))
    if extra:
        detail.append("ukendte: " + ", ".join(extra))
    if not detail:
        detail.append("kolonnerne står i en anden rækkefølge end i skemaet")
    return detail


# ---------------------------------------------------------------- frictionless

# Danish nouns (indefinite, definite) for the rows of each resource, for reference messages
NOUNS: dict[str, tuple[str, str]] = {
    "activities": ("aktivitet", "aktiviteten"),
    "followups": ("opfølgning", "opfølgningen"),
    "focus_areas": ("indsatsområde", "indsatsområdet"),
    "administrations": ("forvaltning", "forvaltningen"),
    "periods": ("periode", "perioden"),
    "principles": ("princip", "princippet"),
    "effect_goals": ("effektmål", "effektmålet"),
    "indicators": ("indikator", "indikatoren"),
    "followup_years": ("opfølgningsår", "opfølgningsåret"),
    "documents": ("kildedokument", "kildedokumentet"),
}
_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.DOTALL)
_POSITION = re.compile(r'position "?(\d+)')


def _frictionless_message(
    error: Any, field_types: dict[str, str], file: str, lines: LineMap, field_descriptions: dict[str, str] | None = None
) -> tuple[str, str]:
    field_descriptions = field_descriptions or {}
    kind = error.type
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "") or ""
    field_name = getattr(error, "field_name", None)
    if kind == "type-error":
        wanted = TYPE_NAMES.get(field_types.get(field_name or "", ""), "den rigtige type")
        excel = re.fullmatch(r"-?\d+,\d+", str(cell or "").strip()) and field_types.get(field_name or "") in ("number", "integer")
        hint = f" Decimalkomma fra Excel: ret filen med 'sikkerby fix-csv data/{file}'." if excel else ""
        return "type-error", f"'{cell}' er ikke {wanted}.{hint}"
    if kind == "constraint-error":
        match = _CONSTRAINT.search(note)
        name, limit = (match.group(1), match.group(2)) if match else ("", "")
        if name == "required":
            return "required", "Feltet skal udfyldes."
        if name == "enum":
            allowed = re.findall(r"'([^']*)'", limit) or [limit]
            return "enum", f"'{cell}' er ikke en tilladt værdi. Tilladt er: {', '.join(allowed)}.{mente_du(str(cell), allowed)}"
        if name == "minimum":
            return "out-of-range", f"'{cell}' er mindre end den mindste tilladte værdi, {limit}."
        if name == "maximum":
            return "out-of-range", f"'{cell}' er større end den største tilladte værdi, {limit}."
        if name == "minLength":
            return "out-of-range", f"'{cell}' er for kort; den skal have mindst {limit} tegn."
        if name == "maxLength":
            return "out-of-range", f"Teksten er for lang; den må højst have {limit} tegn."
        if name == "pattern" and "a-z0-9" not in limit:
            description = field_descriptions.get(field_name or "", "")
            return "invalid-format", f"'{_shorten(str(cell), 60)}' har ikke den form, feltet kræver. {description}".strip()
        if name == "pattern":
            return (
                "invalid-id",
                f"'{cell}' er ikke en gyldig id: brug kun små bogstaver a–z, tal og bindestreger "
                "(æ→ae, ø→oe, å→aa), fx 'den-korte-snor'.",
            )
        if name == "unique":
            return "duplicate-value", f"'{cell}' forekommer mere end én gang; værdien skal være unik."
        return "constraint-error", f"'{cell}' overholder ikke reglen '{name}' i skemaet."
    if kind == "primary-key":
        position = _POSITION.search(note)
        where = f" i linje {lines(file, int(position.group(1)))}" if position else " i en tidligere række"
        return "duplicate-id", f"Id'en findes allerede{where}; hver række skal have sin egen."
    cells = "Rækken har for få eller for mange kolonner (mangler der et komma eller anførselstegn?)."
    if kind == "missing-cell":
        return "missing-cell", cells
    if kind == "extra-cell":
        return "extra-cell", cells
    if kind == "blank-row":
        return "blank-row", "Rækken er tom; slet den."
    return "frictionless-error", f"Valideringen fandt en fejl af typen '{kind}' her."  # one catalogued kind for the rest


@dataclass
class _ForeignKeyError:
    resource: str
    file: str
    record: int
    fields: list[str]
    values: list[str]
    reference: str
    reference_fields: list[str]
    cells: dict[str, str]
    culprits: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # field, value, ref field, suggestion
    intended: dict[str, str] | None = None  # the row as it was probably meant, when every culprit has a suggestion
    dependents: list[_ForeignKeyError] = field(default_factory=list)
    root: _ForeignKeyError | None = None


class _Tables:
    """The raw rows of the package's CSV files, read once, for suggestions."""

    def __init__(self, data_dir: Path, paths: dict[str, str]):
        self.data_dir, self.paths = data_dir, paths
        self._rows: dict[str, list[dict[str, str]]] = {}

    def rows(self, resource: str) -> list[dict[str, str]]:
        if resource not in self._rows:
            try:
                with open(self.data_dir / self.paths[resource], encoding="utf-8", newline="") as handle:
                    self._rows[resource] = list(csv.DictReader(handle))
            except (OSError, KeyError, UnicodeDecodeError, csv.Error):
                self._rows[resource] = []
        return self._rows[resource]


def _explain_references(errors: list[_ForeignKeyError], tables: _Tables) -> None:
    """Find each error's culprit fields and suggestions, then tie every error to its root cause."""
    for error in errors:
        parent_rows = tables.rows(error.reference)
        for name, value, ref_field in zip(error.fields, error.values, error.reference_fields, strict=False):
            known = {row.get(ref_field) for row in parent_rows}
            if value not in known:
                error.culprits.append((name, value, ref_field, suggest(value, known)))
        if error.culprits and all(s for *_, s in error.culprits):
            error.intended = dict(error.cells) | {name: s for name, _, _, s in error.culprits if s}
    # 1. a row that fails only because the row it points at has a broken key of its own
    for child in errors:
        for parent in errors:
            if parent is child or parent.resource != child.reference or parent.intended is None:
                continue
            if [parent.intended.get(f) for f in child.reference_fields] == child.values:
                child.root = parent
                break
    # 2. rows that point at the same missing key: the first is the root
    first: dict[tuple, _ForeignKeyError] = {}
    for error in errors:
        key = (error.reference, tuple(error.reference_fields), tuple(error.values))
        if error.root is None and key in first:
            error.root = first[key]
        first.setdefault(key, error)
    for error in errors:
        root, seen = error.root, {id(error)}
        while root is not None and root.root is not None and id(root) not in seen:
            seen.add(id(root))
            root = root.root
        if root is not None and root is not error:
            root.dependents.append(error)
            error.root = root


def _describe(values: dict[str, str]) -> str:
    return ", ".join(f"{name} '{value}'" for name, value in values.items())


def _reference_message(error: _ForeignKeyError, tables: _Tables) -> str:
    noun, definite = NOUNS.get(error.reference, ("række", "rækken"))
    target = tables.paths.get(error.reference, error.reference)
    if len(error.culprits) == 1 and len(error.fields) == 1:
        _, value, ref_field, match = error.culprits[0]
        message = f"{definite.capitalize()} '{value}' findes ikke i {target} (kolonnen {ref_field})."
        if match:
            message += f" Mente du '{match}'?"
    else:
        wanted = _describe(dict(zip(error.reference_fields, error.values, strict=False)))
        message = f"{definite.capitalize()} med {wanted} findes ikke i {target}."
        for _, value, ref_field, match in error.culprits:
            if match:
                message += f" Mente du {ref_field} '{match}' i stedet for '{value}'?"
        if not error.culprits and error.reference_fields:
            head, head_value = error.reference_fields[0], error.values[0]
            others = error.reference_fields[1:]
            found = sorted(
                {" ".join(row.get(o, "") for o in others) for row in tables.rows(error.reference) if row.get(head) == head_value}
            )
            if found and others:
                message += f" For {head} '{head_value}' findes kun {', '.join(others)}: {', '.join(found)}."
    if error.reference == "followup_years" and error.values:
        message += (f" Opret året med 'sikkerby new year --year {error.values[0]} --document <id>', "
                    "hvor <id> er årets kildedokument i documents.csv (se Redaktørguiden).")  # fmt: skip
    if error.dependents:
        counts: dict[str, int] = {}
        for dependent in error.dependents:
            counts[dependent.file] = counts.get(dependent.file, 0) + 1
        parts = [f"{n} {'række' if n == 1 else 'rækker'} i {file}" for file, n in counts.items()]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
        total = sum(counts.values())
        if error.intended is not None and any(d.reference == error.resource for d in error.dependents):
            own_noun = NOUNS.get(error.resource, ("række", "rækken"))[0]
            key = {f: error.intended.get(f, "") for f in error.dependents[0].reference_fields}
            message += (
                f" Derudover henviser {listed} til samme {own_noun} ({_describe(key)}); "
                f"{'den' if total == 1 else 'de'} er i orden, når denne fejl er rettet."
            )
        else:
            message += (
                f" Derudover henviser {listed} til samme {noun}; "
                f"{'den' if total == 1 else 'de'} er i orden, når denne fejl er rettet."
            )
    return message


def _run_frictionless(data_dir: Path, descriptor: dict[str, Any], lines: LineMap) -> list[Problem]:
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    try:
        report = Package(descriptor, basepath=str(data_dir)).validate()
    except Exception as exc:  # noqa: BLE001 - frictionless also crashes (TypeError) on some bad schemas
        kind = getattr(getattr(exc, "error", None), "type", None) or type(exc).__name__
        return [
            Problem(
                "descriptor-invalid",
                "datapackage.json",
                f"datapackage.json beskriver ikke en gyldig datapakke (fejltype '{kind}'); tjek felttyper og nøgler i skemaerne.",
            )
        ]
    problems: list[Problem | _ForeignKeyError] = []
    types = {r["name"]: {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    headers = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}
    descriptions = {
        r["name"]: {f["name"]: str(f.get("description", "")) for f in r["schema"]["fields"]} for r in descriptor["resources"]
    }
    references: list[_ForeignKeyError] = []
    for task in report.tasks:
        name = task.name
        file = paths.get(name, name)
        for error in task.errors:
            if error.type == "foreign-key" and getattr(error, "reference_name", None) in paths:
                reference = _ForeignKeyError(
                    resource=name,
                    file=file,
                    record=error.row_number,
                    fields=list(error.field_names),
                    values=list(error.field_cells),
                    reference=error.reference_name,
                    reference_fields=list(error.reference_field_names),
                    cells=dict(zip(headers.get(name, []), error.cells, strict=False)),
                )
                references.append(reference)
                problems.append(reference)
                continue
            kind, message = _frictionless_message(error, types.get(name, {}), file, lines, descriptions.get(name))
            problems.append(
                Problem(kind, file, message, row=lines(file, getattr(error, "row_number", None)), field=getattr(error, "field_name", None))
            )
    tables = _Tables(data_dir, paths)
    _explain_references(references, tables)
    result: list[Problem] = []
    for item in problems:
        if isinstance(item, Problem):
            result.append(item)
        elif item.root is None:
            field_name = item.culprits[0][0] if item.culprits else item.fields[0]
            result.append(
                Problem("unknown-reference", item.file, _reference_message(item, tables), row=lines(item.file, item.record), field=field_name)
            )
    for error in report.errors:
        result.append(
            Problem("descriptor-invalid", "datapackage.json", f"Datapakken kunne ikke valideres (fejltype '{error.type}').")
        )
    return result


# ---------------------------------------------------------------- project rules


def _row_lookup(dataset: Dataset, name: str, key: tuple[str, ...], lines: LineMap) -> dict[tuple, int]:
    """Map a row's key to the physical line in the CSV where the row starts."""
    file = f"{name}.csv"
    return {tuple(r[k] for k in key): lines(file, i + 2) or i + 2 for i, r in enumerate(dataset.table(name))}


def _project_rules(dataset: Dataset, lines: LineMap | None = None) -> list[Problem]:
    lines = lines or LineMap(dataset.root)
    problems: list[Problem] = []
    for record, row in enumerate(dataset.records.get("followups", []), start=2):
        line = lines("followups.csv", record)
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
        elif met is not None and total is not None and met > total:
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


def stated_total_problems(dataset: Dataset, lines: LineMap | None = None) -> list[Problem]:
    """A stated city-wide total ("hele-byen") of person counts beside district rows for the same
    key (e.g. ``crime_charges``): an error when it disagrees with the districts' sum; a warning
    when it agrees, because it is left out of the public edition (the total minus the visible
    districts would reveal a hidden one; the pages compute the city from the districts)."""

    lines = lines or LineMap(dataset.root)
    problems: list[Problem] = []
    for resource in dataset.descriptor["resources"]:
        name = resource["name"]
        totals = stated_totals(dataset, name)
        if not totals:
            continue
        key = [k for k in _as_list(resource["schema"].get("primaryKey")) if k != "district_id"]
        counts = [f.name for f in dataset.fields.get(name, []) if f.person_count]
        rows = dataset.table(name)
        for i in sorted(totals):
            city = rows[i]
            parts = [r for r in rows if r.get("district_id") != CITYWIDE and all(r.get(k) == city.get(k) for k in key)]
            where = ", ".join(f"{k} {city.get(k)}" for k in key)
            for field_name in counts:
                stated = city.get(field_name)
                total = sum(r.get(field_name) or 0 for r in parts)
                line = lines(resource["path"], i + 2)
                if stated != total:
                    problems.append(Problem(
                        "stated-total-mismatch", resource["path"],
                        f"Rækken for hele byen ({where}) angiver {stated}, men bydelenes {len(parts)} rækker giver {total}. "
                        "Ret tallet, eller slet rækken for hele byen: siderne regner hele byen ud fra bydelene.",
                        row=line, field=field_name,
                    ))  # fmt: skip
                else:
                    problems.append(Problem(
                        "stated-total-left-out", resource["path"],
                        f"Rækken for hele byen ({where}) står ved siden af bydelenes rækker og udelades i den offentlige "
                        "udgave: totalen minus de viste bydele ville afsløre en skjult bydel. Siderne viser summen af bydelene.",
                        row=line, field=field_name, severity="warning",
                    ))  # fmt: skip
    return problems


def _content_rules(dataset: Dataset, pages: list[ContentPage]) -> list[Problem]:
    """Front matter of content pages must point at records that exist (cross-source keys)."""
    problems: list[Problem] = []
    activity_ids = {a["id"] for a in dataset.records.get("activities", [])}
    focus_ids = {f["id"] for f in dataset.records.get("focus_areas", [])}
    for page in pages:
        file = f"content/{page.path}"
        focus = page.meta.get("focus_area")
        if focus is not None and focus not in focus_ids:
            problems.append(
                Problem(
                    "unknown-reference",
                    file,
                    f"Indsatsområdet '{focus}' findes ikke i focus_areas.csv.{mente_du(focus, focus_ids)}",
                    row=page.meta_lines.get("focus_area"),
                    field="focus_area",
                )
            )
        for activity in page.meta.get("activities") or []:
            if activity not in activity_ids:
                problems.append(
                    Problem(
                        "unknown-reference",
                        file,
                        f"Aktiviteten '{activity}' findes ikke i activities.csv.{mente_du(activity, activity_ids)}",
                        row=page.meta_lines.get("activities"),
                        field="activities",
                    )
                )
        problems.extend(_nav_rules(page, file))
        problems.extend(_activity_link_rules(page, file, activity_ids, _aliases(dataset)))
    return problems


_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_ACTIVITY_LINK = re.compile(r"(?:^|/)aktiviteter/([^/#?\s]+?)(?:\.md|/)?(?:[#?].*)?$")


def _aliases(dataset: Dataset) -> dict[str, str]:
    return {a["old_id"]: a["activity_id"] for a in dataset.records.get("activity_aliases", [])}


def _activity_link_rules(page: ContentPage, file: str, activity_ids: set[str], aliases: dict[str, str]) -> list[Problem]:
    """Links in a page's body to an activity page that does not exist (``aktiviteter/<id>``)."""
    problems = []
    for match in _LINK_TARGET.finditer(page.body):
        target = match.group(1) or match.group(2) or ""
        if "://" in target or target.startswith(("mailto:", "#")):
            continue
        found = _ACTIVITY_LINK.search(target)
        if not found or found.group(1) in ("index", "") or found.group(1) in activity_ids:
            continue
        old = found.group(1)
        line = page.body_line + page.body.count("\n", 0, match.start())
        if old in aliases:
            message = (f"Linket '{target}' går til aktivitetens gamle id '{old}'; den hedder nu '{aliases[old]}'. "
                       f"Skriv aktiviteter/{aliases[old]}.md (den gamle adresse viderestiller, men linket bør pege direkte).")  # fmt: skip
        else:
            message = f"Linket '{target}' går til aktiviteten '{old}', som ikke findes i activities.csv.{mente_du(old, activity_ids)}"
        problems.append(Problem("unknown-link", file, message, row=line))
    return problems


def _source_rules(dataset: Dataset) -> list[Problem]:
    """Every source must begin with the id of a document in documents.csv; aliases must not shadow an id."""

    documents = sorted(str(d["id"]) for d in dataset.records.get("documents", []))
    problems = []
    for file, line, field_name, value in unknown_sources(dataset):
        head = value.split(";")[0].strip().split(" ")[0]
        problems.append(Problem(
            "unknown-source", file,
            f"Kilden '{_shorten(value, 60)}' begynder ikke med id'et på et dokument i documents.csv "
            f"(kendte: {', '.join(documents)}).{mente_du(head, documents)} Er det et nyt dokument, så tilføj det først i documents.csv.",
            row=line, field=field_name,
        ))  # fmt: skip
    ids = {a["id"] for a in dataset.records.get("activities", [])}
    lines = LineMap(dataset.root)
    for record, alias in enumerate(dataset.records.get("activity_aliases", []), start=2):
        if alias["old_id"] in ids:
            problems.append(Problem(
                "alias-shadows-id", "activity_aliases.csv",
                f"Det tidligere id '{alias['old_id']}' er igen id for en aktivitet i activities.csv; slet rækken her, ellers går begge til samme adresse.",
                row=lines("activity_aliases.csv", record), field="old_id",
            ))  # fmt: skip
    return problems


NAV_SECTIONS = ("program", "resultater", "om", "intern")  # = urls.SECTIONS


def _nav_rules(page: ContentPage, file: str) -> list[Problem]:
    """Front matter that places a page in the navigation: section, nav_title, nav_order."""
    problems = []
    section = page.meta.get("section")
    if section is not None and str(section).strip().lower() not in NAV_SECTIONS:
        problems.append(Problem(
            "nav-section", file,
            f"section '{section}' findes ikke; brug en af: {', '.join(NAV_SECTIONS)}.{mente_du(str(section).strip().lower(), NAV_SECTIONS)}",
            row=page.meta_lines.get("section"), field="section",
        ))  # fmt: skip
    elif section is not None and str(section).strip().lower() == "intern" and page.audience != "internal":
        problems.append(Problem(
            "nav-section", file,
            "section 'intern' er kun for interne sider, men siden er offentlig. Skriv 'audience: internal' i front matter, "
            "hvis siden kun er for medarbejdere, ellers en anden section (program, resultater, om).",
            row=page.meta_lines.get("section"), field="section",
        ))  # fmt: skip
    order = page.meta.get("nav_order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        problems.append(Problem(
            "nav-order", file, f"nav_order skal være et helt tal (fx 10), men er '{order}'.",
            row=page.meta_lines.get("nav_order"), field="nav_order",
        ))  # fmt: skip
    title = page.meta.get("nav_title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        problems.append(Problem(
            "nav-title", file, "nav_title skal være en tekst (menupunktets navn).",
            row=page.meta_lines.get("nav_title"), field="nav_title",
        ))  # fmt: skip
    return problems


def pasted_secrets(dataset: Dataset, pages: list[ContentPage]) -> list[Problem]:
    """An internal value (row, column or internal page text) that stands in a public content
    page's source: an error at the page and line, before the build's audit would find it in the
    output. The same comparison form as the audit (``matching.fold``); exempt only when the value
    is public in the public data (``edition.select`` decides that)."""

    public = [p for p in pages if edition.is_public_page(p)]
    if not public or len(public) == len(pages) and not dataset.tables:
        return []
    secrets = {matching.fold(v): v for v in edition.select(dataset, pages, "public").internal_values}
    secrets = {k: v for k, v in secrets.items() if len(k) >= 12}
    problems: list[Problem] = []
    for page in public:
        texts = [page.body, *(str(v) for v in page.meta.values() if isinstance(v, str))]
        folded = matching.fold("\n".join(texts))
        for key, value in sorted(secrets.items()):
            if key in folded:
                line = next(
                    (page.body_line + i for i, text in enumerate(page.body.split("\n")) if key[:30] in matching.fold(text)),
                    page.body_line,
                )
                problems.append(Problem(
                    "internal-text-on-public-page", f"content/{page.path}",
                    f"Siden er offentlig, men indeholder intern tekst: \"{_shorten(value, 80)}\". Slet den, eller gør "
                    "siden intern (audience: internal).",
                    row=line,
                ))  # fmt: skip
    return problems


def _followup_warning(
    into: list[Problem], who: str, line: int, subject: str, kind: str, message: str, field: str | None = None
) -> None:
    into.append(Problem(kind, "followups.csv", f"{who}: {message}", row=line, field=field, severity="warning", subject=subject))


def quality_warnings(dataset: Dataset, line_map: LineMap | None = None) -> list[Problem]:
    """Data-quality findings in the source itself: reported, not fixed."""
    line_map = line_map or LineMap(dataset.root)
    warnings: list[Problem] = []
    names = {a["id"]: a["name"] for a in dataset.records.get("activities", [])}
    lines = _row_lookup(dataset, "followups", ("activity_id", "year"), line_map)
    rows_by_followup = compute.group_measurements(dataset.records.get("measurements", []))
    scores_by_followup = compute.group_scores(dataset.records.get("effect_scores", []))
    for row in dataset.records.get("followups", []):
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
        for record, budgeted in enumerate(dataset.table(resource), start=2):
            budget_line = line_map(f"{resource}.csv", record)
            if budgeted["budget_text"] and budgeted["budget_dkk"] is None:
                warnings.append(
                    Problem(
                        "budget-unreadable",
                        f"{resource}.csv",
                        f"{names.get(budgeted[id_field], budgeted[id_field])}: budgetteksten kan ikke læses som ét "
                        f"årligt beløb: \"{_shorten(budgeted['budget_text'])}\".",
                        row=budget_line,
                        field="budget_text",
                        severity="warning",
                        subject=budgeted[id_field],
                    )
                )
    return warnings


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- entry point


def _load_content(content_dir: Path | None) -> ContentLoad | None:
    return load_content(Path(content_dir)) if content_dir is not None and Path(content_dir).is_dir() else None


def revalidate_content(previous: Report, data_dir: Path, content_dir: Path) -> Report:
    """After an edit to content/ only: keep the data findings, re-check the content pages."""
    report = Report([p for p in previous.problems if not p.file.startswith("content/")])
    content = _load_content(content_dir)
    content = ContentLoad() if content is None else content
    report.extend(content.problems)
    dataset = load_data(Path(data_dir))
    report.extend(_content_rules(dataset, content.pages))
    report.extend(live_figures.check_pages(content.pages, compute.build_model(dataset.records)))
    report.extend(municipal.check(content_dir))
    return report


def _validate_data(data_dir: Path, report: Report) -> Dataset | None:
    """The package's own checks; the loaded Dataset when it has no errors."""
    descriptor, problems = read_descriptor_checked(data_dir)
    report.extend(problems)
    if descriptor is None:
        return None
    for resource in descriptor["resources"]:
        report.extend(_check_file(data_dir, resource))
    if not report.ok:
        return None
    lines = LineMap(data_dir)

    # rows made by 'sikkerby new' (source UDFYLD): one error per skeleton lists what is left to fill in
    report.extend(editing.fold_skeletons(data_dir, _run_frictionless(data_dir, descriptor, lines)))
    if not report.ok:
        return None
    dataset = load_data(data_dir)
    report.extend(_project_rules(dataset, lines))
    report.extend(stated_total_problems(dataset, lines))
    report.extend(_source_rules(dataset))
    return dataset


def _news_rules(pages: list[ContentPage]) -> list[Problem]:
    """News posts' front matter (title, date, description, categories), located."""
    return check_posts(pages)


@dataclass
class Checked:
    """The report, and what was loaded to make it: the build reuses it instead of reading again."""

    report: Report
    dataset: Dataset | None
    content: ContentLoad | None

    @property
    def pages(self) -> list[ContentPage]:
        return list(self.content.pages) if self.content is not None else []


def check_project(data_dir: Path, content_dir: Path | None = None) -> Checked:
    """Every problem of the data package and the content pages; never raises for bad input."""
    data_dir = Path(data_dir)
    report = Report()
    dataset = _validate_data(data_dir, report)
    content = _load_content(content_dir)
    if content is not None:
        report.extend(content.problems)
        if dataset is not None:
            report.extend(_content_rules(dataset, content.pages))
            report.extend(live_figures.check_pages(content.pages, compute.build_model(dataset.records)))
            if report.ok:
                report.extend(pasted_secrets(dataset, content.pages))
        report.extend(_news_rules(content.pages))
    if dataset is not None and report.ok:
        report.extend(quality_warnings(dataset, LineMap(data_dir)))
        report.extend(edition.public_text_warnings(dataset))
    if content is not None:
        report.extend(municipal.check(content_dir))  # the municipality's settings: warnings until decided
    return Checked(report, dataset, content)


def validate(data_dir: Path, content_dir: Path | None = None) -> Report:
    return check_project(data_dir, content_dir).report
