"""Stage: edition. The only place that knows what is internal.

Entry point: ``select(dataset, pages, edition, threshold) -> EditionData``.
It runs before compute, so nothing downstream (figures, charts, search index, downloads)
can ever see an internal row, column or page in the public edition.

Audience contract:
- a row with ``audience = internal`` (empty = public);
- a schema field with ``"audience": "internal"`` (the whole column);
- a content page with front matter ``audience: internal``.
Small numbers: fields marked ``"personCount": true`` hold counts of persons; in the
public edition values below ``threshold`` are suppressed (see ``suppress_counts``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from .load import ContentPage, Dataset, Row

EDITIONS = ("public", "internal")
DEFAULT_THRESHOLD = 5
SUPPRESSED = "<5"
MIN_AUDIT_LENGTH = 6  # internal values shorter than this are too generic to scan for

# Units that make a measurement value a count of persons.
PERSON_UNITS = {"personer", "unge", "borgere", "deltagere", "børn", "familier", "forældre", "elever"}
_SMALL_PERSON_COUNT = re.compile(
    r"(?<![\d.,])([0-4])(\s+)(" + "|".join(sorted(PERSON_UNITS)) + r")\b", re.IGNORECASE
)


@dataclass
class EditionData:
    edition: str
    tables: dict[str, list[Row]]
    pages: list[ContentPage]
    descriptor: dict[str, Any]
    threshold: int
    suppressed: dict[tuple[str, int, str], bool] = field(default_factory=dict)
    internal_values: list[str] = field(default_factory=list)  # for the public audit
    internal_pages: list[str] = field(default_factory=list)
    participants: dict[str, str] = field(default_factory=dict)  # category -> shown count, plus "I alt"

    @property
    def is_public(self) -> bool:
        return self.edition == "public"


def suppress_counts(counts: dict[str, int | None], threshold: int = DEFAULT_THRESHOLD) -> dict[str, str]:
    """Primary and secondary suppression of one row of counts that adds up to a shown total.

    Primary: every count 1..threshold-1 is shown as '<threshold'. Secondary: if exactly one
    cell is suppressed, the smallest other non-zero cell is suppressed too, so the total minus
    the shown cells cannot reveal it. Zero is not a small number of persons and stays shown.
    """
    shown: dict[str, str] = {}
    primary = {k for k, v in counts.items() if v is not None and 0 < v < threshold}
    suppressed = set(primary)
    if len(primary) == 1:
        others = sorted(
            ((v, k) for k, v in counts.items() if k not in primary and v is not None and v > 0)
        )
        if others:
            suppressed.add(others[0][1])
    for key, value in counts.items():
        if value is None:
            shown[key] = ""
        elif key in suppressed:
            shown[key] = f"<{threshold}"
        else:
            shown[key] = str(value)
    return shown


def suppress_text(text: str | None, threshold: int = DEFAULT_THRESHOLD) -> str | None:
    """'3 unge' -> '<5 unge' in free text (only for the default threshold of 5)."""
    if not text or threshold != DEFAULT_THRESHOLD:
        return text
    return _SMALL_PERSON_COUNT.sub(lambda m: f"{SUPPRESSED}{m.group(2)}{m.group(3)}", text)


def participants_by_category(followups: list[Row], threshold: int | None) -> dict[str, str]:
    """Persons taking part, per prevention category and in total; suppressed when threshold is set."""
    counts: dict[str, int | None] = {}
    for row in followups:
        if row.get("participants") is not None:
            key = row["prevention_category"]
            counts[key] = (counts.get(key) or 0) + row["participants"]
    if not counts:
        return {}
    total = sum(v for v in counts.values() if v)
    shown = suppress_counts(counts, threshold) if threshold else {k: str(v) for k, v in counts.items()}
    shown["I alt"] = str(total)
    return shown


def _internal_fields(dataset: Dataset, table: str) -> set[str]:
    return {f.name for f in dataset.fields.get(table, []) if f.audience == "internal"}


def _person_fields(dataset: Dataset, table: str) -> set[str]:
    return {f.name for f in dataset.fields.get(table, []) if f.person_count}


_NOT_SECRET = {"audience", "source"}  # the marker itself and provenance are not secrets


def _collect_values(row: Row) -> list[str]:
    return [
        str(v) for k, v in row.items() if k not in _NOT_SECRET and isinstance(v, str) and len(v) >= MIN_AUDIT_LENGTH
    ]


def _public_descriptor(dataset: Dataset) -> dict[str, Any]:
    descriptor = copy.deepcopy(dataset.descriptor)
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        schema["fields"] = [f for f in schema["fields"] if f.get("audience") != "internal"]
        if any(f.get("personCount") for f in schema["fields"]):
            schema["missingValues"] = ["", SUPPRESSED]
    return descriptor


def select(
    dataset: Dataset, pages: list[ContentPage], edition: str, threshold: int = DEFAULT_THRESHOLD
) -> EditionData:
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}; use one of {EDITIONS}")
    if edition == "internal":
        return EditionData(
            edition=edition,
            tables=copy.deepcopy(dataset.tables),
            pages=list(pages),
            descriptor=copy.deepcopy(dataset.descriptor),
            threshold=threshold,
            participants=participants_by_category(dataset.table("followups"), None),
        )
    internal_values: list[str] = []
    tables: dict[str, list[Row]] = {}
    suppressed: dict[tuple[str, int, str], bool] = {}
    dropped_ids: dict[str, set[str]] = {}
    for name, rows in dataset.tables.items():
        hidden_fields = _internal_fields(dataset, name)
        person_fields = _person_fields(dataset, name)
        kept = []
        for row in rows:
            if row.get("audience") == "internal":
                internal_values.extend(_collect_values(row))
                if "id" in row:
                    dropped_ids.setdefault(name, set()).add(row["id"])
                continue
            clean = {k: v for k, v in row.items() if k not in hidden_fields}
            internal_values.extend(
                str(row[k]) for k in hidden_fields if isinstance(row.get(k), str) and len(row[k]) >= MIN_AUDIT_LENGTH
            )
            for key in person_fields:
                value = clean.get(key)
                applies = name != "measurements" or (clean.get("unit") or "").lower() in PERSON_UNITS
                if applies and isinstance(value, (int, float)) and 0 < value < threshold:
                    clean[key] = None
                    suppressed[(name, len(kept), key)] = True
            for key, value in clean.items():
                if isinstance(value, str) and key.endswith(("_text", "description", "summary")):
                    clean[key] = suppress_text(value, threshold)
            kept.append(clean)
        tables[name] = kept
    # Rows of other tables that point at a dropped (internal) activity go too.
    internal_activities = dropped_ids.get("activities", set())
    if internal_activities:
        for name, rows in tables.items():
            if name != "activities" and rows and "activity_id" in rows[0]:
                tables[name] = [r for r in rows if r["activity_id"] not in internal_activities]
    public_pages = [p for p in pages if p.audience != "internal"]
    internal_pages = [p.path for p in pages if p.audience == "internal"]
    for page in pages:
        if page.audience == "internal":
            internal_values.extend(
                line.strip() for line in page.body.splitlines() if len(line.strip()) >= 20
            )
    # A value that also occurs in public data is not a secret (e.g. a shared district name).
    public_blob = "\n".join(str(v) for rows in tables.values() for r in rows for v in r.values() if v)
    internal_values = sorted({v for v in internal_values if v not in public_blob})
    return EditionData(
        edition=edition,
        tables=tables,
        pages=public_pages,
        descriptor=_public_descriptor(dataset),
        threshold=threshold,
        suppressed=suppressed,
        internal_values=internal_values,
        internal_pages=internal_pages,
        participants=participants_by_category(
            [r for r in dataset.table("followups") if r.get("audience") != "internal"], threshold
        ),
    )
