"""Stage: edition. The only place that knows what is internal.

Entry point: ``select(dataset, pages, edition, threshold) -> EditionData``.
It runs before compute, so nothing downstream (figures, charts, search index, downloads)
can ever see an internal row, column or page in the public edition.

Audience contract:
- a row with ``audience = internal`` (empty = public) in any resource. Fail closed: any value
  other than ``public``, ``internal`` or empty counts as internal (the schema's enum makes
  validation reject it too);
- the exclusion cascades along the data package's own foreign keys (``schema.foreignKeys`` in
  ``datapackage.json``, composite keys included): a row is public only if every row it
  references is public, transitively (``public_row_indexes``). A row that references a key
  missing from the public rows is left out too, so the public package always satisfies its
  foreign keys;
- a resource with ``"publicWhen": {"field": F, "values": [...]}``: only its rows whose F is one
  of the values are public (``followup_years``: a year is public once its status is
  ``afsluttet``; until then the cascade keeps its follow-ups, measurements and scores out of
  the public edition);
- a schema field with ``"audience": "internal"`` (the whole column);
- a content page with front matter ``audience: internal``.

Small numbers: fields marked ``"personCount": true`` hold counts of persons (in a resource
with a ``unit`` column only when the row's unit is a person unit); in the public edition
counts below ``threshold`` become ``disclosure.Suppressed`` values, free text is rewritten
and aggregates are computed from the edition's rows (see ``disclosure``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from . import disclosure
from .disclosure import DEFAULT_THRESHOLD, PERSON_UNITS, Suppressed, is_person_unit  # noqa: F401 (re-exported)
from .load import ContentPage, Dataset, Row

EDITIONS = ("public", "internal")
SUPPRESSED = f"<{DEFAULT_THRESHOLD}"
PUBLIC_AUDIENCES = {None, "", "public"}
MIN_AUDIT_LENGTH = 6  # internal values shorter than this are too generic to scan for


@dataclass
class EditionData:
    edition: str
    tables: dict[str, list[Row]]
    pages: list[ContentPage]
    descriptor: dict[str, Any]
    threshold: int
    internal_values: list[str] = field(default_factory=list)  # for the public audit
    internal_pages: list[str] = field(default_factory=list)
    # category -> count, plus "I alt"; counts are int, or Suppressed/Interval in the public edition
    participants: dict[str, disclosure.Count] = field(default_factory=dict)
    # rows left out of the public edition per resource (own audience or cascaded), for reports
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        return self.edition == "public"


# ---------------------------------------------------------------- audience cascade


def is_public_row(row: Row) -> bool:
    """A row's own audience; anything but public/empty is internal (fail closed)."""
    value = row.get("audience")
    if isinstance(value, str):
        value = value.strip().lower()
    return value in PUBLIC_AUDIENCES


def _public_when(row: Row, condition: dict[str, Any] | None) -> bool:
    """A resource's own publication condition (``publicWhen``); fail closed on anything else."""
    if condition is None:
        return True
    value = row.get(str(condition.get("field")))
    return isinstance(value, str) and value.strip() in set(condition.get("values") or [])


def _fields(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def foreign_keys(descriptor: dict[str, Any]) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """(resource, fields, referenced resource, referenced fields) for every foreign key."""
    out = []
    for resource in descriptor["resources"]:
        for fk in resource.get("schema", {}).get("foreignKeys", []):
            reference = fk["reference"]
            target = reference.get("resource") or resource["name"]  # "" = self-reference
            out.append((resource["name"], _fields(fk["fields"]), target, _fields(reference["fields"])))
    return out


def public_row_indexes(dataset: Dataset) -> dict[str, set[int]]:
    """Indexes of the rows of each resource that reach the public edition.

    Starts from each row's own audience and removes, until nothing changes, every row whose
    foreign key (all parts non-empty) points at no kept row of the referenced resource.
    """
    internal = {r["name"] for r in dataset.descriptor["resources"] if r.get("audience") == "internal"}  # whole resource
    conditions = {r["name"]: r["publicWhen"] for r in dataset.descriptor["resources"] if r.get("publicWhen")}
    kept = {
        name: {i for i, row in enumerate(rows) if is_public_row(row) and name not in internal and _public_when(row, conditions.get(name))}
        for name, rows in dataset.tables.items()
    }
    fks = foreign_keys(dataset.descriptor)
    changed = True
    while changed:
        changed = False
        for name, fields, target, target_fields in fks:
            if name not in kept:
                continue
            rows, target_rows = dataset.tables[name], dataset.tables.get(target, [])
            keys = {tuple(target_rows[i].get(f) for f in target_fields) for i in kept.get(target, set())}
            drop = set()
            for i in kept[name]:
                key = tuple(rows[i].get(f) for f in fields)
                if any(v is None or v == "" for v in key):
                    continue  # an empty reference is no reference (as in Table Schema)
                if key not in keys:
                    drop.add(i)
            if drop:
                kept[name] -= drop
                changed = True
    return kept


# ---------------------------------------------------------------- aggregates


def participants_by_category(followups: list[Row], threshold: int | None) -> dict[str, disclosure.Count]:
    """Persons taking part, per prevention category and in total, from the given rows only.

    In the public edition the rows' participants are already ``Suppressed`` where small;
    sums containing one are published as intervals (``disclosure.add_counts``), so neither a
    category nor the total reveals a hidden count. ``threshold=None``: exact (internal).
    """
    groups: dict[str, list[disclosure.Count]] = {}
    for row in followups:
        if row.get("participants") is not None:
            groups.setdefault(row["prevention_category"], []).append(row["participants"])
    if not groups:
        return {}
    t = threshold or DEFAULT_THRESHOLD
    shown: dict[str, disclosure.Count] = {k: disclosure.add_counts(v, t) for k, v in groups.items()}
    if threshold:
        shown = {k: disclosure.suppress_value(v, t) for k, v in shown.items()}
    shown["I alt"] = disclosure.add_counts(shown.values(), t)
    return shown


def suppress_counts(counts: dict[str, int | None], threshold: int = DEFAULT_THRESHOLD) -> dict[str, disclosure.Count]:
    """A table of counts with a total "I alt": see ``disclosure.suppress_table``."""
    return disclosure.suppress_table(counts, threshold)


def suppress_text(text: str | None, threshold: int = DEFAULT_THRESHOLD) -> str | None:
    return disclosure.suppress_text(text, threshold)


# ---------------------------------------------------------------- selection


def _internal_fields(dataset: Dataset, table: str) -> set[str]:
    return {f.name for f in dataset.fields.get(table, []) if f.audience == "internal"}


def _person_fields(dataset: Dataset, table: str) -> set[str]:
    return {f.name for f in dataset.fields.get(table, []) if f.person_count}


_NOT_SECRET = {"audience", "source"}  # the marker itself and provenance are not secrets


def _collect_values(row: Row) -> list[str]:
    return [
        str(v) for k, v in row.items() if k not in _NOT_SECRET and isinstance(v, str) and len(v) >= MIN_AUDIT_LENGTH
    ]


def _public_descriptor(dataset: Dataset, threshold: int) -> dict[str, Any]:
    descriptor = copy.deepcopy(dataset.descriptor)
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("audience") != "internal"]
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        schema["fields"] = [f for f in schema["fields"] if f.get("audience") != "internal"]
        if any(f.get("personCount") for f in schema["fields"]):
            schema["missingValues"] = ["", str(Suppressed(threshold))]
    return descriptor


def _suppress_row(row: Row, person_fields: set[str], texts: list[str], threshold: int) -> Row:
    applies = "unit" not in row or is_person_unit(row.get("unit"))
    if applies:
        for key in person_fields:
            row[key] = disclosure.suppress_value(row.get(key), threshold)
    for key in texts:
        value = row.get(key)
        if isinstance(value, str) and value:
            row[key] = disclosure.suppress_text(value, threshold)
    return row


_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")


def _internal_sentences(body: str, public_text: str) -> list[str]:
    """The sentences of an internal page that the public edition does not also contain."""
    out = []
    for line in body.splitlines():
        for sentence in _SENTENCE_END.split(line.strip()):
            sentence = " ".join(sentence.split())
            if len(sentence) >= 20 and sentence.casefold() not in public_text:
                out.append(sentence)
    return out


def _secret_pieces(value: str, public_text: str) -> list[str]:
    if len(value) < 80 and "\n" not in value:
        return [value]
    return _internal_sentences(value, public_text)


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
    kept = public_row_indexes(dataset)
    resources = {r["name"]: r for r in dataset.descriptor["resources"]}
    internal_values: list[str] = []
    tables: dict[str, list[Row]] = {}
    excluded: dict[str, int] = {}
    for name, rows in dataset.tables.items():
        hidden_fields = _internal_fields(dataset, name)
        person_fields = _person_fields(dataset, name) - hidden_fields
        texts = [f for f in disclosure.free_text_fields(resources.get(name, {})) if f not in hidden_fields]
        keep = kept.get(name, set())
        out = []
        for i, row in enumerate(rows):
            if i not in keep:
                internal_values.extend(_collect_values(row))
                continue
            internal_values.extend(
                str(row[k]) for k in hidden_fields if isinstance(row.get(k), str) and len(row[k]) >= MIN_AUDIT_LENGTH
            )
            clean = {k: v for k, v in row.items() if k not in hidden_fields}
            out.append(_suppress_row(clean, person_fields, texts, threshold))
        if len(out) < len(rows):
            excluded[name] = len(rows) - len(out)
        if resources.get(name, {}).get("audience") != "internal":  # an internal resource is left out whole
            tables[name] = out
    public_pages = [p for p in pages if p.audience != "internal"]
    internal_pages = [p.path for p in pages if p.audience == "internal"]
    # A value that also occurs in public data or on a public page is not a secret (e.g. a shared
    # district name, or a staff page quoting the public vision).
    public_blob = "\n".join(str(v) for rows in tables.values() for r in rows for v in r.values() if v)
    public_text = " ".join((public_blob + "\n" + "\n".join(p.body for p in public_pages)).split()).casefold()
    for page in pages:
        if page.audience == "internal":
            internal_values.extend(_internal_sentences(page.body, public_text))
    # Long internal texts are searched sentence by sentence, without the sentences a public row
    # also has (synthetic and real descriptions share boilerplate); short values stay whole.
    internal_values = [piece for v in internal_values for piece in _secret_pieces(v, public_text)]
    folded_blob = public_blob.casefold()  # the audit compares case-folded
    internal_values = sorted({v for v in internal_values if v.casefold() not in folded_blob})
    return EditionData(
        edition=edition,
        tables=tables,
        pages=public_pages,
        descriptor=_public_descriptor(dataset, threshold),
        threshold=threshold,
        internal_values=internal_values,
        internal_pages=internal_pages,
        participants=participants_by_category(tables.get("followups", []), threshold),
        excluded=excluded,
    )
