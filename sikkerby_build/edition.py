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
- a content page with front matter ``audience: internal``, and every page under
  ``content/intern/`` (``is_public_page``; load refuses ``audience: public`` there).

Secrets for the public audit come from the sources only (internal rows, fields, resources and
pages: front matter texts, sentences, rendered text, comments, alt texts, external link
targets; e-mail addresses, phone numbers and contact names on their own). A secret is exempt
only when the same value (``matching.fold``) is public in the public data, never because a
content page or the output contains it.

Stated totals: a city-wide row of person counts beside district rows for the same key is left
out of the public edition (``stated_totals``), so no subtraction reveals a hidden district.

Small numbers: fields marked ``"personCount": true`` hold counts of persons (in a resource
with a ``unit`` column only when the row's unit is a person unit); in the public edition
counts below ``threshold`` become ``disclosure.Suppressed`` values, free text is rewritten
and aggregates are computed from the edition's rows (see ``disclosure``).
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from . import disclosure, matching, records
from .descriptor import Descriptor, PublicWhen, Resource
from .disclosure import DEFAULT_THRESHOLD, PERSON_UNITS, Suppressed, is_person_unit  # noqa: F401 (re-exported)
from .load import ContentPage, Dataset, Row, as_records
from .problems import Problem

EDITIONS = ("public", "internal")
SUPPRESSED = f"<{DEFAULT_THRESHOLD}"
PUBLIC_AUDIENCES = {None, "", "public"}
MIN_AUDIT_LENGTH = 6  # internal values shorter than this are too generic to scan for


@dataclass
class EditionData:
    edition: str
    tables: dict[str, list[Row]]
    pages: list[ContentPage]
    descriptor: Descriptor
    threshold: int
    internal_values: list[str] = field(default_factory=list)  # for the public audit
    internal_pages: list[str] = field(default_factory=list)
    internal_phones: list[str] = field(default_factory=list)  # 8-digit phone numbers, matched digit by digit
    # category -> count, plus "I alt"; counts are int, or Suppressed/Interval in the public edition
    participants: dict[str, disclosure.Count] = field(default_factory=dict)
    # rows left out of the public edition per resource (own audience or cascaded), for reports
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        return self.edition == "public"

    @property
    def records(self) -> records.Tables:
        return as_records(self.tables)


# ---------------------------------------------------------------- audience cascade


def is_public_row(row: Row) -> bool:
    """A row's own audience; anything but public/empty is internal (fail closed)."""
    value = row.get("audience")
    if isinstance(value, str):
        value = value.strip().lower()
    return value in PUBLIC_AUDIENCES


def _public_when(row: Row, condition: PublicWhen | None) -> bool:
    """A resource's own publication condition (``publicWhen``); fail closed on anything else."""
    if condition is None:
        return True
    value = row.get(str(condition.get("field")))
    return isinstance(value, str) and value.strip() in set(condition.get("values") or [])


def _fields(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def foreign_keys(descriptor: Descriptor) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """(resource, fields, referenced resource, referenced fields) for every foreign key."""
    out = []
    for resource in descriptor["resources"]:
        for fk in resource["schema"].get("foreignKeys", []):
            reference = fk["reference"]
            target = reference.get("resource") or resource["name"]  # "" = self-reference
            out.append((resource["name"], _fields(fk["fields"]), target, _fields(reference["fields"])))
    return out


def public_text_warnings(dataset: Dataset, threshold: int = DEFAULT_THRESHOLD) -> list[Problem]:
    """Free text of the public rows that small-number rules cannot make safe (located problems):
    ``disclosure.unsafe_text_warnings`` on the rows this edition keeps."""
    return disclosure.unsafe_text_warnings(dataset, public_row_indexes(dataset), threshold)


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


def participants_by_category(followups: list[records.FollowupsRow], threshold: int | None) -> dict[str, disclosure.Count]:
    """Persons taking part, per prevention category and in total, from the given rows only.

    In the public edition the rows' participants are already ``Suppressed`` where small;
    sums containing one are published as intervals (``disclosure.add_counts``), so neither a
    category nor the total reveals a hidden count. ``threshold=None``: exact (internal).
    """
    groups: dict[str, list[disclosure.Count]] = {}
    for row in followups:
        if (participants := row.get("participants")) is not None:
            groups.setdefault(row["prevention_category"], []).append(participants)
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


INTERNAL_FOLDER = "intern/"


def is_public_page(page: ContentPage) -> bool:
    """Fail closed: a page is public only with a public audience and outside ``content/intern/``
    (load refuses a public audience there; this is the second lock)."""
    return page.audience == "public" and not page.path.startswith(INTERNAL_FOLDER)


CITYWIDE = "hele-byen"


def stated_totals(dataset: Dataset, name: str) -> set[int]:
    """Rows that state a city-wide total ("hele-byen") of person counts beside district rows
    for the same key: left out of the public edition. Published next to the districts' rows
    (some of them "<5"), the total minus the visible districts would give a hidden district
    exactly; the pages compute the city figure from the districts as an interval instead.
    Validation reports a stated total that disagrees with its districts."""
    fields = {f.name for f in dataset.fields.get(name, [])}
    if "district_id" not in fields or not _person_fields(dataset, name):
        return set()
    resource = _resource(dataset.descriptor, name)
    key = [k for k in _as_list(resource["schema"].get("primaryKey") if resource else None) if k != "district_id"]
    rows = dataset.table(name)
    with_districts = {tuple(r.get(k) for k in key) for r in rows if r.get("district_id") != CITYWIDE}
    return {i for i, r in enumerate(rows) if r.get("district_id") == CITYWIDE and tuple(r.get(k) for k in key) in with_districts}


def _resource(descriptor: Descriptor, name: str) -> Resource | None:
    return next((r for r in descriptor["resources"] if r["name"] == name), None)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _internal_fields(dataset: Dataset, table: str) -> set[str]:
    return {f.name for f in dataset.fields.get(table, []) if f.audience == "internal"}


def _person_fields(dataset: Dataset, table: str) -> set[str]:
    return {f.name for f in dataset.fields.get(table, []) if f.person_count}


_NOT_SECRET = {"audience", "source"}  # the marker itself and provenance are not secrets


def _collect_values(row: Row, skip: AbstractSet[str] = frozenset()) -> list[str]:
    return [
        str(v) for k, v in row.items() if k not in _NOT_SECRET | skip and isinstance(v, str) and len(v) >= MIN_AUDIT_LENGTH
    ]


def _not_secret_fields(dataset: Dataset, table: str) -> set[str]:
    """Fields marked ``"notSecret": true`` (e.g. the table and field names in public_wordings)."""
    resource = _resource(dataset.descriptor, table)
    return {f["name"] for f in (resource["schema"]["fields"] if resource else []) if f.get("notSecret")}


def _public_descriptor(dataset: Dataset, threshold: int) -> Descriptor:
    descriptor = copy.deepcopy(dataset.descriptor)
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("audience") != "internal"]
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        schema["fields"] = [f for f in schema["fields"] if f.get("audience") != "internal"]
        if any(f.get("personCount") for f in schema["fields"]):
            schema["missingValues"] = ["", str(Suppressed(threshold))]
    return descriptor


def _suppress_row(
    row: Row, person_fields: set[str], texts: list[str], threshold: int, wordings: dict[str, list[disclosure.Wording]]
) -> Row:
    applies = "unit" not in row or is_person_unit(row.get("unit"))
    if applies:
        for key in person_fields:
            row[key] = disclosure.suppress_value(row.get(key), threshold)
    for key in texts:
        value = row.get(key)
        if isinstance(value, str) and value:
            row[key] = disclosure.public_text(value, wordings.get(key, []), threshold)
    return row


_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")


def _internal_sentences(body: str, public_fold: str) -> list[str]:
    """The sentences of an internal text that the public data does not also contain."""
    out = []
    for line in body.splitlines():
        for sentence in _SENTENCE_END.split(line.strip()):
            sentence = " ".join(sentence.split())
            if len(sentence) >= 20 and matching.fold(sentence) not in public_fold:
                out.append(sentence)
    return out


def _secret_pieces(value: str, public_fold: str) -> list[str]:
    if len(value) < 80 and "\n" not in value:
        return [value]
    return _internal_sentences(value, public_fold)


# Front-matter keys of an internal page that hold no secret: the audience marker, references
# to public records and navigation settings. Every other text value (title, description,
# nav_title, categories …) is a secret of the page.
_PAGE_NOT_SECRET = {"audience", "section", "source", "focus_area", "activities", "hide", "render_macros", "nav_order", "template", "layout"}
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_ATTRIBUTE = re.compile(r"""\b(?:href|src|alt|title|content|data-[\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_TAG = re.compile(r"<[^>]*>")
_MD_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_MD_IMAGE_ALT = re.compile(r"!\[([^\]]*)\]")


def _meta_texts(meta: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key, value in meta.items():
        if key in _PAGE_NOT_SECRET:
            continue
        items = value if isinstance(value, list) else [value]
        out.extend(str(v) for v in items if isinstance(v, str))
    return out


def _is_own_link(target: str) -> bool:
    """A relative link to another page of the site (the page addresses are audited as URLs)."""
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", target, re.I)


def page_secrets(page: ContentPage) -> list[str]:
    """Everything an internal page carries, as texts to search for: its front matter texts,
    its body's lines, its rendered text (Markdown and tags removed), HTML comments, alt texts,
    titles and link targets (other than links to the site's own pages)."""
    body = page.body
    texts = _meta_texts(page.meta)
    texts.append(body)
    texts.extend(m.group(1) for m in _COMMENT.finditer(body))
    texts.extend(m.group(1) for m in _MD_IMAGE_ALT.finditer(body))
    targets = [m.group(1) for m in _MD_LINK_TARGET.finditer(body)]
    rendered = _render_for_secrets(body)
    texts.extend(m.group(1) for m in _COMMENT.finditer(rendered))
    for m in _ATTRIBUTE.finditer(rendered):
        value = html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
        (targets if m.group(0).lower().startswith(("href", "src")) else texts).append(value)
    texts.extend(t for t in targets if not _is_own_link(t))
    texts.append(html.unescape(_TAG.sub(" ", _COMMENT.sub(" ", rendered))))
    return [t for t in texts if t.strip()]


def _render_for_secrets(body: str) -> str:
    import markdown

    try:
        return markdown.markdown(body, extensions=["extra", "sane_lists"])
    except (RecursionError, ValueError):  # refused by validation before a build; never a traceback here
        return body


def _contact_needles(dataset: Dataset, name: str, row: Row, fields: Iterable[str]) -> list[str]:
    contact_fields = {f for f in fields if matching.CONTACT_FIELDS.search(f)}
    out: list[str] = []
    for key in fields:
        value = row.get(key)
        if isinstance(value, str) and value:
            out.extend(matching.contact_parts(value, key in contact_fields))
    return out


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
            participants=participants_by_category(dataset.records.get("followups", []), None),
        )
    kept = public_row_indexes(dataset)
    resources = {r["name"]: r for r in dataset.descriptor["resources"]}
    internal_values: list[str] = []
    contact_values: list[str] = []  # whole internal values whose e-mail addresses, phone numbers and names are searched alone
    tables: dict[str, list[Row]] = {}
    excluded: dict[str, int] = {}
    all_wordings = disclosure.wordings(dataset)
    for name, rows in dataset.tables.items():
        field_wordings = {f: w for (r, f), w in all_wordings.items() if r == name}
        hidden_fields = _internal_fields(dataset, name)
        person_fields = _person_fields(dataset, name) - hidden_fields
        texts = [f for f in disclosure.free_text_fields(resources.get(name, {})) if f not in hidden_fields]
        totals = stated_totals(dataset, name)
        not_secret = _not_secret_fields(dataset, name)
        keep = kept.get(name, set())
        out = []
        for i, row in enumerate(rows):
            if i in totals and i in keep:
                continue  # a public row, left out only so no subtraction can reveal a hidden part
            if i not in keep:
                internal_values.extend(_collect_values(row, not_secret))
                contact_values.extend(_contact_needles(dataset, name, row, [k for k in row if k not in _NOT_SECRET | not_secret]))
                continue
            internal_values.extend(
                str(row[k]) for k in hidden_fields if isinstance(row.get(k), str) and len(row[k]) >= MIN_AUDIT_LENGTH
            )
            contact_values.extend(_contact_needles(dataset, name, row, sorted(hidden_fields)))
            clean = {k: v for k, v in row.items() if k not in hidden_fields}
            out.append(_suppress_row(clean, person_fields, texts, threshold, field_wordings))
        if len(out) < len(rows):
            excluded[name] = len(rows) - len(out)
        if (resource := resources.get(name)) is None or resource.get("audience") != "internal":  # an internal resource is left out whole
            tables[name] = out
    public_pages = [p for p in pages if is_public_page(p)]
    internal_pages = [p.path for p in pages if not is_public_page(p)]
    # Secrets are defined by the sources: a value is exempt only when the same value is public
    # in the public data (e.g. a shared district name). Never by content pages or the output: a
    # sentence pasted from an internal page into a public page stays a secret (and is found).
    public_blob = "\n".join(str(v) for rows in tables.values() for r in rows for v in r.values() if v)
    public_fold = matching.fold(public_blob)
    for page in pages:
        if not is_public_page(page):
            for text in page_secrets(page):
                internal_values.extend(_internal_sentences(text, public_fold) if len(text) >= 80 or "\n" in text else [text])
                contact_values.extend(matching.contact_parts(text))
    internal_phones = sorted(
        {d for v in [*internal_values, *contact_values] for d in matching.phone_digits(v)} - matching.phone_digits(public_blob)
    )
    # Long internal texts are searched sentence by sentence, without the sentences a public row
    # also has (synthetic and real descriptions share boilerplate); short values stay whole.
    internal_values = [piece for v in internal_values for piece in _secret_pieces(v, public_fold)]
    internal_values += [v for v in contact_values if len(matching.fold(v)) >= MIN_AUDIT_LENGTH]
    internal_values = sorted(
        {v for v in internal_values if len(matching.fold(v)) >= MIN_AUDIT_LENGTH and matching.fold(v) not in public_fold}
    )
    return EditionData(
        edition=edition,
        tables=tables,
        pages=public_pages,
        descriptor=_public_descriptor(dataset, threshold),
        threshold=threshold,
        internal_values=internal_values,
        internal_pages=internal_pages,
        internal_phones=internal_phones,
        participants=participants_by_category(as_records(tables).get("followups", []), threshold),
        excluded=excluded,
    )
