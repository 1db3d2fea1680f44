"""Human citations for the data package's ``source`` strings.

Every row of the package records where it comes from as ``"<document id> <section>"``, e.g.
``"003 Sjakket (SOF) / MÅLOPFYLDELSE"`` or ``"000 Bilag 1, Lokal indsats og borgerdialog"``;
several sources are separated by ``"; "``. The document ids ("000" … "004") are the keys of the
``documents`` resource and mean nothing to a reader. ``cite`` turns a source string into what a
reader would write: ``"Effektopfølgning 2019, afsnit Sjakket (SOF) – Målopfyldelse"``.

``unknown_sources`` lists source strings that do not begin with a known document id, with the
file, the physical line an editor sees and the field, for the validator or a test.

Pure functions, no I/O except reading the CSV files to locate lines in ``unknown_sources``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .csvlines import record_starts

Row = Mapping[str, Any]

_ID = re.compile(r"^(\d{3})(?:\s+|$)(.*)$", re.DOTALL)
_BILAG = re.compile(r"^(Bilag\s+\d+)\s*([,:–-]?)\s*(.*)$", re.DOTALL)
# Report headings written in capitals in the sources, shown in sentence case.
_HEADINGS = {"VISION": "Vision", "MÅLOPFYLDELSE": "Målopfyldelse", "EFFEKT": "Effekt"}
_WORD = re.compile(r"[\wæøåÆØÅ+]+")


def source_fields(fields: Iterable[str]) -> list[str]:
    """The fields of a table that hold source strings: ``source`` and ``*_source``."""
    return [f for f in fields if f == "source" or f.endswith("_source")]


def _index(documents: Iterable[Row] | Mapping[str, Row]) -> dict[str, Row]:
    if isinstance(documents, Mapping):
        return dict(documents)
    return {str(d["id"]): d for d in documents}


def _label(doc: Row) -> str:
    short = doc.get("short_title")
    if short:
        return str(short)
    year = doc.get("year")
    return f"{doc['title']} ({year})" if year else str(doc["title"])


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _strip_own_name(section: str, doc: Row) -> str:
    """Drop a repetition of the document's own name at the start of a section.

    "000 Sikker By Programmet, aktivitetsliste" cites the document "Sikker By Programmet
    2010–2014", so the section is "aktivitetsliste"; a section that only repeats the title
    (e.g. "002 Notat til Socialudvalget (2010): status på …") is no section at all.
    """
    names = [str(doc.get(k) or "") for k in ("short_title", "title")]
    tokens = section.split()
    for name in names:
        name_words = _words(name)
        k = 0
        while k < len(tokens) and k < len(name_words) and _words(tokens[k]) == [name_words[k]]:
            k += 1
        if k >= 2:
            section = re.sub(r"^[\s,:;–-]*(\(\d{4}\))?[\s,:;–-]*", "", " ".join(tokens[k:]))
            break
    own = set().union(*(_words(n) for n in names))
    if section and set(_words(section)) <= own:
        return ""
    return section


def _humanise(text: str) -> str:
    return re.sub(r"[A-ZÆØÅ]{4,}", lambda m: _HEADINGS.get(m.group(0), m.group(0)), text)


def _locator(section: str, doc: Row) -> str:
    """'Sjakket (SOF) / MÅLOPFYLDELSE' -> 'afsnit Sjakket (SOF) – Målopfyldelse'."""
    section = _strip_own_name(section.strip(), doc)
    if not section:
        return ""
    main, *subs = [part.strip() for part in section.split(" / ")]
    tail = "".join(f" – {_humanise(s)}" for s in subs if s)
    bilag = _BILAG.match(main)
    if bilag:
        head, separator, rest = bilag.groups()
        if not rest:
            return head + tail
        if separator == ",":
            return f"{head}, afsnit {_humanise(rest)}{tail}"
        return f"{head} – {_humanise(rest)}{tail}"
    main = _humanise(main)
    if main[:1].islower():  # 'indledning', 'titelblad': a part of the document, not a heading
        return main + tail
    return f"afsnit {main}{tail}"


def _parts(source: str, docs: Mapping[str, Row]) -> list[tuple[str | None, str]]:
    """Split a source string into (document id or None, section) pairs.

    A part without an id continues the document of the part before it
    ("000 VISION; Sikker By Programmet" is two sections of document 000).
    """
    parts: list[tuple[str | None, str]] = []
    current: str | None = None
    for raw in source.split(";"):
        raw = raw.strip()
        if not raw:
            continue
        match = _ID.match(raw)
        if match:
            current = match.group(1) if match.group(1) in docs else None
            parts.append((current, match.group(2) if current else raw))
        else:
            parts.append((current, raw))
    return parts


def cite(source: str, documents: Iterable[Row] | Mapping[str, Row]) -> str:
    """A source string as a reader would cite it, from the ``documents`` table.

    >>> docs = [{"id": "003", "title": "Effektopfølgning gældende for 2019", "short_title": "Effektopfølgning 2019"}]
    >>> cite("003 Sjakket (SOF) / MÅLOPFYLDELSE", docs)
    'Effektopfølgning 2019, afsnit Sjakket (SOF) – Målopfyldelse'

    Several sections of one document are named once: "Sikker By Programmet 2010–2014, afsnit A;
    afsnit B". A part whose id is not a known document is kept as written.
    """
    docs = _index(documents)
    out: list[str] = []
    previous: str | None = None
    for doc_id, section in _parts(source or "", docs):
        if doc_id is None:
            out.append(section)
            previous = None
            continue
        doc = docs[doc_id]
        locator = _locator(section, doc)
        if doc_id == previous:
            if locator:
                out.append(locator)
            continue
        out.append(f"{_label(doc)}, {locator}" if locator else _label(doc))
        previous = doc_id
    return "; ".join(out)


def is_known(source: str, documents: Iterable[Row] | Mapping[str, Row]) -> bool:
    """True when every part of the source string belongs to a known document."""
    docs = _index(documents)
    parts = _parts(source or "", docs)
    return bool(parts) and all(doc_id is not None for doc_id, _ in parts)


def unknown_sources(
    dataset_tables: Any, documents: Iterable[Row] | Mapping[str, Row] | None = None
) -> list[tuple[str, int, str, str]]:
    """Source strings that do not start with a known document id: (file, line, field, value).

    ``dataset_tables`` is a loaded ``Dataset`` (lines are the physical lines of its CSV files, as
    an editor sees them) or a plain ``{resource name: rows}`` mapping (file ``<name>.csv``, line =
    row number + 1, exact only when no row spans several lines). ``documents`` defaults to the
    data's own ``documents`` table. Empty sources are left to the schema's ``required`` rule.
    """
    tables: Mapping[str, Sequence[Row]] = getattr(dataset_tables, "tables", dataset_tables)
    descriptor = getattr(dataset_tables, "descriptor", None)
    root = getattr(dataset_tables, "root", None)
    docs = _index(documents if documents is not None else tables.get("documents", []))
    paths = {r["name"]: r["path"] for r in descriptor["resources"]} if descriptor else {}
    problems: list[tuple[str, int, str, str]] = []
    for name, rows in tables.items():
        if not rows:
            continue
        fields = source_fields(rows[0].keys())
        if not fields:
            continue
        file = paths.get(name, f"{name}.csv")
        lines: list[int] | None = None
        if root is not None and (Path(root) / file).exists():
            lines = record_starts(Path(root) / file)
        for i, row in enumerate(rows):
            for field in fields:
                value = row.get(field)
                if value in (None, "") or is_known(str(value), docs):
                    continue
                line = lines[i] if lines and i < len(lines) else i + 2
                problems.append((file, line, field, str(value)))
    return problems
