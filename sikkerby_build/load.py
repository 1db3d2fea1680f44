"""Stage 1, load: read the data package and the editorial content into plain records.

Entry points: ``load_data(data_dir)`` and ``load_content(content_dir) -> ContentLoad``.
Data is read after validation, so values are known to match their schema types.

Content is read fail-closed: ``load_content`` never raises for anything an editor can get
wrong. Every page it cannot read with certainty (front matter that cannot be parsed, an
audience that is not exactly public/internal, a key of the wrong type, a symlink, a file that
is not UTF-8) becomes a located ``Problem`` and the page is left out of ``ContentLoad.pages``;
iterating a ``ContentLoad`` that has errors raises ``ValidationFailed``, so no caller can
build from a partial list.

Front matter rules (``parse_front_matter``):

- a UTF-8 byte-order mark, CRLF or CR line endings, blank lines before the opening ``---``
  and trailing spaces on the markers are accepted; the block ends at ``---`` or ``...``;
- a block that opens but never closes, YAML that does not parse, YAML that is not a
  mapping, or a key given twice is an error at the physical line an editor sees;
- ``audience`` is normalised (``" Internal "`` -> ``internal``); any other value (``intern``,
  a list, a number, empty) or a look-alike key (``Audience``, ``audiance``, ``målgruppe``) is
  an error;
- a page with no front matter is public only when it clearly has none: no line starting
  with three dashes or only dashes (``---``, ``–––``, ``—-``, ``- - -`` …) and no ``audience:`` line among its first
  ``FRONT_MATTER_ZONE`` lines. Otherwise it is an error, because it probably is front matter
  that was not recognised (a horizontal rule near the top must then be written ``***``, or
  the page given front matter).

Content files are the regular ``*.md`` files under ``content/``. Symbolic links (to files or
folders, whatever their suffix) and other special files are refused, a symlinked folder is
never entered, and a file resolving outside the folder is refused. Names starting with ``.``
(editor lock and swap files, hidden folders) are skipped and never read; other
non-Markdown regular files are ignored, as before.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd
import yaml

from . import danish, records
from .descriptor import Descriptor
from .problems import Problem, Report, ValidationFailed
from .textchecks import character_problem, nesting_problem

Row = dict[str, Any]

_BOOL = {"true": True, "false": False, "True": True, "False": False, "1": True, "0": False}


@dataclass
class FieldInfo:
    name: str
    type: str
    description: str
    audience: str = "public"
    person_count: bool = False


@dataclass
class Dataset:
    """All resources of a data package as lists of typed rows, plus their schemas."""

    descriptor: Descriptor
    tables: dict[str, list[Row]]
    fields: dict[str, list[FieldInfo]]
    root: Path

    def table(self, name: str) -> list[Row]:
        return self.tables.get(name, [])

    @property
    def records(self) -> records.Tables:
        return as_records(self.tables)


def as_records(tables: dict[str, list[Row]]) -> records.Tables:
    """The tables as the typed rows generated from the schema (``records.py``).

    Load builds every row from the schema's fields, and the edition stage only removes rows and
    internal fields and suppresses counts; tests/test_records.py holds the rows of both editions
    to the classes, key by key and value by value, so this is the one place the types are asserted."""
    return cast(records.Tables, tables)


@dataclass
class ContentPage:
    """One editorial Markdown page from content/ with its front matter."""

    path: str  # relative to content/, POSIX style
    meta: dict[str, Any]
    body: str
    audience: str = field(default="public")
    # physical line (1-based) of each top-level front matter key, for located messages
    meta_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1  # physical line where the body starts


def _cast(value: Any, type_: str) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if type_ == "boolean":
        return _BOOL[str(value)]
    return str(value)


def read_descriptor(data_dir: Path) -> Descriptor:
    """The package's descriptor, typed: its shape is the one ``validate`` checks by hand."""
    return cast(Descriptor, json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8")))


def load_data(data_dir: Path) -> Dataset:
    data_dir = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    tables: dict[str, list[Row]] = {}
    fields: dict[str, list[FieldInfo]] = {}
    for resource in descriptor["resources"]:
        schema_fields = resource["schema"]["fields"]
        infos = [
            FieldInfo(
                name=f["name"],
                type=f.get("type", "string"),
                description=f.get("description", ""),
                audience=f.get("audience", "public"),
                person_count=bool(f.get("personCount", False)),
            )
            for f in schema_fields
        ]
        frame = pd.read_csv(
            data_dir / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8"
        )
        records = frame.to_dict(orient="records")
        types = {f.name: f.type for f in infos}
        tables[resource["name"]] = [
            {name: _cast(rec.get(name), types[name]) for name in types} for rec in records
        ]
        fields[resource["name"]] = infos
    return Dataset(descriptor=descriptor, tables=tables, fields=fields, root=data_dir)


# ---------------------------------------------------------------- front matter

FRONT_MATTER_ZONE = 10  # lines at the top of a page without front matter that must not look like it
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphen, en/em dashes, minus: what word processors make of ---
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_CLOSERS = {"---", "..."}
_AUDIENCE_LINE = re.compile(r"^\s*audience\s*:", re.IGNORECASE)
AUDIENCES = ("public", "internal")
# Danish words an editor might use instead of "audience"; they would otherwise be ignored
_AUDIENCE_LOOKALIKES = {"målgruppe", "maalgruppe", "publikum", "synlighed", "udgave", "adgang", "audiens"}

# the front matter keys the site reads, with the type each must have
META_TYPES: dict[str, str] = {
    "title": "text",
    "description": "text",
    "source": "text",
    "focus_area": "text",
    "audience": "text",
    "render_macros": "boolean",
    "activities": "list",
    "hide": "list",
}


class FrontMatterError(ValueError):
    """Front matter that cannot be read with certainty. ``line`` is the physical line (1-based)."""

    def __init__(self, kind: str, line: int, message: str):
        super().__init__(message)
        self.kind = kind
        self.line = line
        self.message = message


@dataclass
class FrontMatter:
    meta: dict[str, Any]
    body: str
    key_lines: dict[str, int]  # top-level key -> physical line
    body_line: int
    present: bool  # the page has a front matter block


def normalise_text(text: str) -> str:
    """Drop a byte-order mark and turn CRLF/CR line endings into LF (line count unchanged)."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _clean(line: str) -> str:
    return line.strip().strip(_INVISIBLE).strip()


def _looks_like_marker(line: str) -> bool:
    """``---`` as typed, mangled by a word processor (``—-``, ``–––``, ``—``) or spaced (``- - -``)."""
    compact = _clean(line).replace(" ", "").replace("\t", "")
    if len(compact) >= 3 and all(c in _DASHES for c in compact[:3]):
        return True
    return bool(compact) and all(c in _DASHES for c in compact) and compact != "-" * len(compact)


def _yaml_message(exc: yaml.YAMLError) -> tuple[str, Any]:
    """A Danish explanation of a YAML error and the mark that locates it best."""
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    mark = getattr(exc, "problem_mark", None)
    hint = "Tjek kolon, anførselstegn og indrykning."
    if "mapping values are not allowed" in problem:
        hint = (
            "Der står et kolon inde i en værdi. Sæt værdien i anførselstegn, "
            'fx title: "Sikker By: status".'
        )
    elif "'\\t'" in problem:
        hint = "Linjen er indrykket med et tabulatortegn; brug mellemrum."
    elif "end of stream" in problem and "quoted scalar" in context:
        hint = "Et anførselstegn er åbnet, men ikke lukket."
        mark = getattr(exc, "context_mark", None) or mark
    elif "could not find expected ':'" in problem:
        hint = "Der mangler et kolon efter en nøgle (skriv nøgle: værdi)."
    elif "expected <block end>" in problem or "expected <block" in problem:
        hint = "Indrykningen passer ikke: nøgler skal stå helt ude til venstre, og listepunkter skal indrykkes ens."
    elif "flow" in context:
        hint = "En liste i [ ] eller en gruppe i { } er ikke lukket korrekt."
    elif "cannot start any token" in problem or "alias" in problem or "anchor" in problem:
        hint = "Værdien begynder med et tegn, der har særlig betydning i YAML (fx @, `, *, &, %); sæt den i anførselstegn."
    return f"Front matter kan ikke læses som YAML. {hint}", mark


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "en sand/falsk-værdi"
    if isinstance(value, (int, float)):
        return "et tal"
    if isinstance(value, str):
        return "en tekst"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, dict):
        return "en gruppe af nøgler"
    return "en dato" if hasattr(value, "isoformat") else "en anden slags værdi"


def parse_front_matter(text: str) -> FrontMatter:
    """Read a page's front matter robustly or raise ``FrontMatterError`` (see the module doc)."""
    text = normalise_text(text)
    lines = text.split("\n")
    first = 0
    while first < len(lines) and not _clean(lines[first]):
        first += 1
    if first < len(lines) and _clean(lines[first]) == "---":
        return _fenced_front_matter(lines, first)
    _refuse_stray_front_matter(lines, first)
    return FrontMatter({}, text, {}, 1, False)


def _fenced_front_matter(lines: list[str], first: int) -> FrontMatter:
    """The front matter that opens with '---' at line index ``first``, and the body after it."""
    close = next((j for j in range(first + 1, len(lines)) if _clean(lines[j]) in _CLOSERS), None)
    if close is None:
        raise FrontMatterError(
            "front-matter-unclosed",
            first + 1,
            f"Front matter begynder med '---' i linje {first + 1}, men slutter aldrig: "
            "tilføj en linje med præcis '---' efter den sidste nøgle.",
        )
    offset = first + 2  # physical line of the first YAML line
    node, meta = _front_matter_yaml("\n".join(lines[first + 1 : close]), offset, first)
    key_lines = _front_matter_key_lines(node, offset)
    rest = lines[close + 1 :]
    skipped = 0
    while skipped < len(rest) and not rest[skipped].strip():
        skipped += 1
    body = "\n".join(rest[skipped:])
    return FrontMatter({str(k): v for k, v in meta.items()}, body, key_lines, close + 2 + skipped, True)


MAX_FRONT_MATTER = 16_384  # characters; the real pages' front matter is under 1,000


def _refuse_unbounded_yaml(source: str, offset: int, first: int) -> None:
    """Front matter is small and plain: no anchors or aliases (``&a`` / ``*a``: a few hundred
    bytes of aliases expand to gigabytes, the "billion laughs"), and a size bound. Checked on the
    token stream, which never expands an alias, before anything is composed."""
    if len(source) > MAX_FRONT_MATTER:
        raise FrontMatterError(
            "front-matter-too-large",
            first + 1,
            f"Front matter er {danish.number(len(source))} tegn lang; højst {danish.number(MAX_FRONT_MATTER)} er "
            "tilladt. Flyt den lange tekst ned i siden.",
        )
    for token in yaml.scan(source, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            sign = "&" if isinstance(token, yaml.AnchorToken) else "*"
            raise FrontMatterError(
                "front-matter-alias",
                offset + token.start_mark.line,
                f"Front matter bruger en YAML-henvisning ('{sign}{token.value}'), som ikke er tilladt. Skriv værdien "
                "ud, eller sæt den i anførselstegn, hvis den begynder med & eller *.",
            )


def _front_matter_yaml(source: str, offset: int, first: int) -> tuple[yaml.MappingNode, dict[Any, Any]]:
    """The front matter's YAML node and value; it must be a mapping (or empty)."""
    try:
        _refuse_unbounded_yaml(source, offset, first)
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        meta = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        message, mark = _yaml_message(exc)
        line = offset + mark.line if mark is not None else first + 1
        raise FrontMatterError("front-matter-yaml", line, message) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict) or not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            "front-matter-not-mapping",
            offset,
            f"Front matter skal være nøgler med værdier (fx 'title: Om Sikker By'), men er {_type_name(meta)}.",
        )
    return node, meta


def _front_matter_key_lines(node: yaml.MappingNode, offset: int) -> dict[str, int]:
    """The physical line of each key; a key that occurs twice is an error."""
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = offset + key_node.start_mark.line
        if key in key_lines:
            raise FrontMatterError(
                "front-matter-duplicate-key",
                line,
                f"Nøglen '{key}' står to gange i front matter (også i linje {key_lines[key]}); slet den ene.",
            )
        key_lines[key] = line
    return key_lines


def _refuse_stray_front_matter(lines: list[str], first: int) -> None:
    """A page without front matter must not look as if it meant to have some near its top."""
    for number in range(first, min(len(lines), first + FRONT_MATTER_ZONE)):
        line = lines[number]
        if _looks_like_marker(line):
            raise FrontMatterError(
                "front-matter-unrecognised",
                number + 1,
                f"Linje {number + 1} ('{_clean(line)[:20]}') ligner starten eller slutningen på front matter, "
                "men siden har ingen front matter, der kan læses. Front matter skal stå øverst mellem to linjer "
                "med præcis '---' (tre almindelige bindestreger). Er linjen en vandret streg, så skriv '***'.",
            )
        if _AUDIENCE_LINE.match(line):
            raise FrontMatterError(
                "front-matter-unrecognised",
                number + 1,
                f"Linje {number + 1} nævner 'audience:', men står ikke i front matter, så siden ville blive "
                "offentlig. Skriv front matter øverst: en linje '---', 'audience: internal' og en linje '---'.",
            )


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(meta, body)`` of a page; raises ``FrontMatterError`` when it cannot be read with certainty."""
    front = parse_front_matter(text)
    return front.meta, front.body


def check_meta(meta: dict[str, Any], key_lines: dict[str, int], file: str) -> tuple[str | None, list[Problem]]:
    """The page's audience (None when it cannot be determined) and type problems of its keys.

    ``meta['audience']`` is normalised in place (``" Internal "`` -> ``"internal"``).
    """
    problems: list[Problem] = []

    def problem(kind: str, key: str, message: str) -> None:
        problems.append(Problem(kind, file, message, row=key_lines.get(key), field=key))

    lookalikes = _audience_lookalikes(meta)
    for key in lookalikes:
        problem(
            "audience-key",
            key,
            f"Nøglen '{key}' ligner 'audience', men kun 'audience' (med små bogstaver) bestemmer, "
            "om siden er intern. Skriv 'audience: internal' eller 'audience: public'.",
        )
    audience: str | None = None if lookalikes else "public"
    if "audience" in meta:
        normalised, message = _audience_value(meta["audience"])
        if normalised is not None:
            meta["audience"] = normalised
            if audience is not None:
                audience = normalised
        else:
            audience = None
            problem("audience-invalid", "audience", message)
    for key, expected in META_TYPES.items():
        if key == "audience" or key not in meta or meta[key] is None:
            continue
        mismatch = _meta_type_message(key, expected, meta[key])
        if mismatch:
            problem("front-matter-type", key, mismatch)
    return audience, problems


def _audience_lookalikes(meta: dict[str, Any]) -> list[str]:
    """Keys that look like 'audience' but are not exactly it ("Audience", "audiance", …)."""
    found = []
    for key in meta:
        folded = key.strip().casefold()
        if key != "audience" and (
            folded == "audience"
            or folded in _AUDIENCE_LOOKALIKES
            or difflib.get_close_matches(folded, ["audience"], n=1, cutoff=0.75)
        ):
            found.append(key)
    return found


def _audience_value(value: Any) -> tuple[str | None, str]:
    """The normalised audience, or None and the Danish message for an invalid value."""
    normalised = value.strip().casefold() if isinstance(value, str) else None
    if normalised in AUDIENCES:
        return normalised, ""
    shown = f"'{value}'" if isinstance(value, str) else _type_name(value)
    if value is None:
        shown = "tom"
    return None, (
        f"audience skal være 'public' eller 'internal', men er {shown}. Siden bygges ikke, "
        "før det er rettet, så en intern side aldrig bliver offentlig ved en fejl."
    )


def _meta_type_message(key: str, expected: str, value: Any) -> str | None:
    """The Danish message when a front-matter value does not have its key's type, else None."""
    if expected == "text" and not isinstance(value, str):
        return (
            f"{key} skal være tekst, men er {_type_name(value)}; sæt værdien i anførselstegn, "
            f'fx {key}: "{value}".'
        )
    if expected == "boolean" and not isinstance(value, bool):
        return f"{key} skal være true eller false, men er {_type_name(value)}."
    if expected == "list" and not isinstance(value, list):
        example = value if isinstance(value, str) else "..."
        return (
            f"{key} skal være en liste, også når der kun er ét element, men er {_type_name(value)}. "
            f"Skriv '{key}: [{example}]' eller hvert element på sin egen linje med '- ' foran."
        )
    if expected == "list":
        wrong = [i for i, item in enumerate(value, start=1) if not isinstance(item, str)]
        if wrong:
            return f"{key} må kun indeholde tekst, men element {wrong[0]} er {_type_name(value[wrong[0] - 1])}."
    return None


# ---------------------------------------------------------------- content files


@dataclass
class ContentLoad:
    """The result of reading content/: the pages read with certainty, and every problem found.

    A page with an error is not in ``pages``. Iterating (or ``checked()``) raises
    ``ValidationFailed`` when there is any error, so a build can never use a partial list.
    """

    pages: list[ContentPage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def checked(self) -> list[ContentPage]:
        if not self.ok:
            raise ValidationFailed(Report(list(self.problems)))
        return self.pages

    def __iter__(self) -> Iterator[ContentPage]:
        return iter(self.checked())

    def __len__(self) -> int:
        return len(self.checked())

    def __bool__(self) -> bool:  # an object, not an empty list: ``if loaded:`` must not raise
        return True


def content_files(content_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The regular ``*.md`` files under ``content_dir``, never following a symbolic link."""
    root = Path(content_dir)
    real_root = root.resolve()
    files: list[Path] = []
    problems: list[Problem] = []

    def refuse(kind: str, path: Path, message: str) -> None:
        problems.append(Problem(kind, f"content/{path.relative_to(root).as_posix()}", message))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        folder = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            if (folder / name).is_symlink():
                refuse(
                    "content-symlink",
                    folder / name,
                    "Mappen er en genvej (symbolsk link) til et andet sted og læses ikke. "
                    "Læg indholdet som almindelige filer i content/.",
                )
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = folder / name
            if name.startswith("."):
                continue
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                refuse(
                    "content-symlink",
                    path,
                    "Filen er en genvej (symbolsk link) og afvises, så intet uden for content/ kan blive "
                    "udgivet. Kopiér indholdet ind i en almindelig fil.",
                )
                continue
            if not name.endswith(".md"):
                continue
            if not stat.S_ISREG(mode):
                refuse("content-special-file", path, "Det er ikke en almindelig fil; kun almindelige .md-filer kan være sider.")
                continue
            if not path.resolve().is_relative_to(real_root):
                refuse("content-outside", path, "Filen peger uden for content/ og afvises.")
                continue
            files.append(path)
    return sorted(files), problems


INTERNAL_FOLDER = "intern/"


def _internal_folder_audience(
    meta: dict[str, Any], key_lines: dict[str, int], file: str, audience: str | None, problems: list[Problem]
) -> tuple[str | None, list[Problem]]:
    """A page under content/intern/ is internal whatever its front matter lacks (fail closed);
    one that says it is public is an error (the folder and the front matter disagree)."""
    if audience == "public" and "audience" in meta:
        problems = [*problems, Problem(
            "audience-folder", file,
            "Siden ligger i content/intern/, men har 'audience: public'. Sider i content/intern/ er altid interne: "
            "skriv 'audience: internal', eller flyt siden ud af content/intern/, hvis den skal være offentlig.",
            row=key_lines.get("audience"), field="audience",
        )]  # fmt: skip
        return None, problems
    if audience == "public":
        meta["audience"] = "internal"
        return "internal", problems
    return audience, problems


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def text_problems(front: FrontMatter, file: str) -> list[Problem]:
    """Control and bidi characters anywhere in a page (front matter values: titles, categories,
    descriptions; the body), and a body nested deeper than the renderers can take; located."""
    problems = []
    for key, value in front.meta.items():
        for text in _strings(value):
            found = character_problem(text, file, first_line=front.key_lines.get(key), field=key, follow_lines=False)
            if found:
                problems.append(found)
                break
    found = character_problem(front.body, file, first_line=front.body_line)
    if found:
        problems.append(found)
    deep = nesting_problem(front.body)
    if deep:
        problems.append(Problem("nesting-too-deep", file, deep[0], row=front.body_line + deep[1]))
    return problems


def load_content(content_dir: Path) -> ContentLoad:
    """Read every content page fail-closed; see ``ContentLoad`` and the module doc."""
    content_dir = Path(content_dir)
    result = ContentLoad()
    if not content_dir.is_dir():
        return result
    files, result.problems = content_files(content_dir)
    for path in files:
        rel = path.relative_to(content_dir).as_posix()
        file = f"content/{rel}"
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            result.problems.append(
                Problem(
                    "content-encoding",
                    file,
                    "Filen er ikke gemt som UTF-8, så æ, ø og å bliver forkerte. Gem den som UTF-8.",
                    row=raw[: exc.start].count(b"\n") + 1,
                )
            )
            continue
        try:
            front = parse_front_matter(text)
        except FrontMatterError as exc:
            result.problems.append(Problem(exc.kind, file, exc.message, row=exc.line))
            continue
        audience, problems = check_meta(front.meta, front.key_lines, file)
        if rel.startswith(INTERNAL_FOLDER):
            audience, problems = _internal_folder_audience(front.meta, front.key_lines, file, audience, problems)
        problems += text_problems(front, file)
        result.problems.extend(problems)
        if audience is None or any(p.severity == "error" for p in problems):
            continue
        result.pages.append(
            ContentPage(
                path=rel,
                meta=front.meta,
                body=front.body,
                audience=audience,
                meta_lines=front.key_lines,
                body_line=front.body_line,
            )
        )
    return result
