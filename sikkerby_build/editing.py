"""Editing tools for editors who are not programmers: ``sikkerby new followup|activity|story|page``.

Each command appends skeleton rows to the package's CSV files (the csv module, correctly
quoted, in the file's own column order and line endings) or writes a new Markdown file, and
says in Danish which cells are left to fill in. It refuses an unknown activity id (with a
"mente du …?" suggestion) and a duplicate.

The skeleton is not valid on purpose: the cells only the editor can fill in (description,
indicator, scores …) are empty, and every skeleton row's ``source`` is the marker ``UDFYLD``.
``sikkerby validate`` then reports *one* error per skeleton (``skeleton-incomplete``), listing
every cell still to fill in with its file and physical line, instead of one error per empty
cell (``fold_skeletons``). Stable facts (heading, administration, prevention category) are copied
from the activity's previous follow-up, so a new year starts from last year's registration.
New content pages and stories start as internal drafts (``audience: internal``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import csvlines
from .problems import Problem
from .suggest import mente_du

SKELETON = "UDFYLD"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CRITERIA = ("A1", "A2", "A3", "A4")
COPIED_FROM_PREVIOUS = ("heading", "administration", "prevention_category", "prevention_category_text", "start_text", "audience")


class EditError(Exception):
    """A refusal, said in Danish; the command prints it and exits 1 (no traceback)."""


@dataclass
class Written:
    file: str
    first_line: int
    last_line: int
    what: str

    def where(self) -> str:
        lines = f"linje {self.first_line}" if self.first_line == self.last_line else f"linje {self.first_line}–{self.last_line}"
        return f"{self.file} {lines}"


# ---------------------------------------------------------------- CSV files


def _descriptor(data_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EditError(f"{data_dir / 'datapackage.json'} kan ikke læses ({exc}); kør 'sikkerby validate'.") from exc


def _resource(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    for r in descriptor["resources"]:
        if r["name"] == name:
            return r
    raise EditError(f"Datapakken har ingen tabel '{name}'.")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]], str]:
    """Header, rows and line ending of a CSV file."""
    raw = path.read_bytes().decode("utf-8")
    ending = "\r\n" if "\r\n" in raw.split("\n", 1)[0] + "\n" else "\n"
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows, ending


def _physical_lines(path: Path) -> int:
    text = path.read_bytes().decode("utf-8")
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def append_rows(path: Path, header: list[str], rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Append rows in the file's column order and line ending; returns the physical lines written."""
    raw = path.read_bytes().decode("utf-8")
    ending = "\r\n" if "\r\n" in raw.split("\n", 1)[0] + "\n" else "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=ending)
    for row in rows:
        writer.writerow(["" if row.get(f) is None else str(row[f]) for f in header])
    text = buffer.getvalue()
    prefix = "" if not raw or raw.endswith("\n") else ending
    first = _physical_lines(path) + 1
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(prefix + text)
    return first, first + text.count("\n") - 1


class Package:
    """The CSV tables an edit touches, read from the data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.descriptor = _descriptor(self.data_dir)

    def path(self, name: str) -> Path:
        return self.data_dir / _resource(self.descriptor, name)["path"]

    def fields(self, name: str) -> list[str]:
        return [f["name"] for f in _resource(self.descriptor, name)["schema"]["fields"]]

    def required(self, name: str) -> list[str]:
        return [f["name"] for f in _resource(self.descriptor, name)["schema"]["fields"] if (f.get("constraints") or {}).get("required")]

    def rows(self, name: str) -> list[dict[str, str]]:
        return _read(self.path(name))[1]

    def append(self, name: str, rows: list[dict[str, Any]], what: str) -> Written:
        path = self.path(name)
        header = _read(path)[0] or self.fields(name)
        first, last = append_rows(path, header, rows)
        return Written(path.name, first, last, what)


def _missing(package: Package, name: str, row: dict[str, Any]) -> list[str]:
    """The cells of a skeleton row left to fill in: empty required cells and the source marker."""
    empty = [f for f in package.required(name) if f != "source" and not str(row.get(f) or "").strip()]
    return empty + (["source"] if str(row.get("source") or "").strip() in ("", SKELETON) else [])


def _activity(package: Package, activity_id: str) -> dict[str, str]:

    activities = package.rows("activities")
    for a in activities:
        if a.get("id") == activity_id:
            return a
    ids = [a.get("id") for a in activities]
    raise EditError(f"Aktiviteten '{activity_id}' findes ikke i activities.csv.{mente_du(activity_id, ids)}")


def _check_year(year: int) -> None:
    if not 1990 <= year <= 2100:
        raise EditError(f"Året {year} ligner ikke et opfølgningsår; skriv fx --year 2020.")


# ---------------------------------------------------------------- commands


def new_followup(data_dir: Path, activity_id: str, year: int) -> list[Written]:
    """Skeleton rows for one follow-up year: followups, one measurement, A1–A4 scores."""
    package = Package(data_dir)
    _check_year(year)
    activity = _activity(package, activity_id)
    followups = [f for f in package.rows("followups") if f.get("activity_id") == activity_id]
    if any(f.get("year") == str(year) for f in followups):
        raise EditError(f"Aktiviteten '{activity_id}' har allerede en opfølgning for {year} i followups.csv; ret den i stedet.")
    earlier = sorted((f for f in followups if f.get("year", "").isdigit() and int(f["year"]) < year), key=lambda f: int(f["year"]))
    previous = earlier[-1] if earlier else None
    row: dict[str, Any] = {"activity_id": activity_id, "year": year, "source": SKELETON}
    if previous is not None:
        row.update({k: previous.get(k, "") for k in COPIED_FROM_PREVIOUS})
    else:
        admin = activity.get("lead_administration") or ""
        row.update(
            heading=f"{activity.get('name', activity_id)} ({admin})" if admin else activity.get("name", activity_id),
            administration=admin,
            prevention_category=activity.get("prevention_category") or "",
            audience="internal" if activity.get("audience") == "internal" else "",
        )
    measurement = {"id": f"{activity_id}-{year}-1", "activity_id": activity_id, "year": year, "position": 1, "source": SKELETON}
    scores = [{"activity_id": activity_id, "year": year, "criterion": c, "score": "", "source": SKELETON} for c in CRITERIA]
    copied = f" (overskrift, forvaltning og kategori kopieret fra {previous['year']})" if previous else ""
    return [
        package.append("followups", [row], f"opfølgningen {year}{copied}"),
        package.append("measurements", [measurement], "ét tomt målepunkt (kopiér rækken for flere målepunkter: position 2, 3 …)"),
        package.append("effect_scores", scores, "effektscore A1–A4 uden score"),
    ]


def new_activity(data_dir: Path, activity_id: str, name: str) -> list[Written]:
    package = Package(data_dir)
    if not SLUG.match(activity_id):
        from .urls import slugify

        raise EditError(
            f"Id'et '{activity_id}' kan ikke bruges: kun små bogstaver a–z, tal og bindestreger (fx '{slugify(activity_id) or 'min-aktivitet'}')."
        )
    for a in package.rows("activities"):
        if a.get("id") == activity_id:
            raise EditError(f"Aktiviteten '{activity_id}' findes allerede i activities.csv ({a.get('name', '')}).")
    row = {"id": activity_id, "name": name.strip(), "source": SKELETON}
    return [package.append("activities", [row], f"aktiviteten '{name.strip()}'")]


def _content_file(content_dir: Path, relative: str) -> Path:
    target = (content_dir / relative).resolve()
    if content_dir.resolve() not in target.parents:
        raise EditError(f"'{relative}' ligger uden for content-mappen.")
    if target.exists():
        raise EditError(f"content/{relative} findes allerede.")
    return target


def _front_matter(meta: dict[str, Any]) -> str:
    import yaml

    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def new_story(data_dir: Path, content_dir: Path, slug: str, title: str | None = None, activities: list[str] | None = None) -> list[Written]:
    from . import urls

    if not SLUG.match(slug):
        raise EditError(f"'{slug}' kan ikke bruges som navn: kun små bogstaver a–z, tal og bindestreger (fx '{urls.slugify(slug)}').")
    package = Package(data_dir)
    for activity_id in activities or []:
        _activity(package, activity_id)
    target = _content_file(content_dir, f"{urls.STORIES_DIR}{slug}.md")
    meta: dict[str, Any] = {"title": title or slug.replace("-", " ").capitalize(), "audience": "internal"}
    if activities:
        meta["activities"] = list(activities)
    meta["source"] = SKELETON
    body = "Skriv fortællingen her. Siden er en kladde i den interne udgave; skift `audience` til `public`, når den er klar.\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_front_matter(meta) + body, encoding="utf-8", newline="\n")
    return [Written(f"content/{urls.STORIES_DIR}{slug}.md", 1, len(meta) + 2, "fortællingen (intern kladde)")]


def new_news(content_dir: Path, slug: str, title: str | None = None, date: str | None = None, category: str | None = None) -> list[Written]:
    """A news post in content/nyheder/ as an internal draft, with every front matter key the news list needs."""
    import datetime as dt

    from . import urls

    if not SLUG.match(slug):
        raise EditError(f"'{slug}' kan ikke bruges som navn: kun små bogstaver a–z, tal og bindestreger (fx '{urls.slugify(slug)}').")
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise EditError(f"Datoen '{day}' skal skrives år-måned-dag, fx 2026-11-22.") from None
    target = _content_file(content_dir, f"{urls.NEWS_DIR}{slug}.md")
    meta: dict[str, Any] = {
        "title": title or slug.replace("-", " ").capitalize(),
        "date": dt.date.fromisoformat(day),
        "categories": [category or "Nyheder"],
        "description": "Skriv én sætning om nyheden; den vises i nyhedsoversigten og når siden deles.",
        "audience": "internal",
        "source": SKELETON,
    }
    body = ("Skriv indledningen her (vises i nyhedsoversigten).\n\n<!-- more -->\n\nSkriv resten af nyheden her. "
            "Nyheden er en kladde i den interne udgave; skift `audience` til `public`, når den er klar.\n")  # fmt: skip
    front = _front_matter(meta)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(front + body, encoding="utf-8", newline="\n")
    return [Written(f"content/{urls.NEWS_DIR}{slug}.md", 1, front.count("\n") - 1, "nyheden (intern kladde)")]


def new_page(content_dir: Path, path: str, title: str | None = None, section: str | None = None) -> list[Written]:
    from . import urls

    relative = path.strip().lstrip("/")
    relative = relative if relative.endswith(".md") else relative + ".md"
    parts = relative[:-3].split("/")
    if not all(SLUG.match(p) for p in parts):
        raise EditError(
            f"'{path}' kan ikke bruges: hver del af stien må kun have små bogstaver a–z, tal og bindestreger "
            f"(fx '{'/'.join(urls.slugify(p) for p in parts)}')."
        )
    if urls.is_story(relative) or urls.is_news(relative):
        raise EditError("Fortællinger laves med 'sikkerby new story', nyheder som filer i content/nyheder/ med dato i front matter.")
    if section is not None and section not in urls.SECTIONS:

        raise EditError(f"section '{section}' findes ikke; brug en af: {', '.join(urls.SECTIONS)}.{mente_du(section, urls.SECTIONS)}")
    taken = {urls.page_url(p) for p in _fixed_pages()}
    if urls.page_url(relative) in taken:
        raise EditError(f"Adressen /{urls.page_url(relative)} bruges allerede af en side, sitet selv laver; vælg en anden sti.")
    target = _content_file(content_dir, relative)
    internal = section == "intern" or parts[0] == "intern"
    meta = {"title": title or parts[-1].replace("-", " ").capitalize(), "audience": "internal", "section": section or ("intern" if internal else "om")}
    body = "Skriv siden her. Siden er en kladde i den interne udgave" + (
        "." if internal else "; skift `audience` til `public`, når den er klar.") + "\n"  # fmt: skip
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_front_matter(meta) + body, encoding="utf-8", newline="\n")
    return [Written(f"content/{relative}", 1, len(meta) + 2, "siden (intern kladde)")]


def _fixed_pages() -> list[str]:
    from . import urls

    return [v for k, v in vars(urls).items() if k.isupper() and isinstance(v, str) and v.endswith(".md")]


# ---------------------------------------------------------------- what is left to fill in


def todo(data_dir: Path) -> list[Problem]:
    """One ``skeleton-incomplete`` error per skeleton (a follow-up year or an activity) still marked UDFYLD."""
    package = Package(data_dir)
    groups: dict[tuple[str, ...], list[tuple[str, int, list[str]]]] = {}
    for name, key in (("followups", ("activity_id", "year")), ("measurements", ("activity_id", "year")),
                      ("effect_scores", ("activity_id", "year")), ("activities", ("id",))):  # fmt: skip
        try:
            path = package.path(name)
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError, EditError):
            continue
        for start, row in csvlines.rows(raw):
            if str(row.get("source") or "").strip() != SKELETON:
                continue
            group = (name == "activities" and "activity" or "followup", *(row.get(k) or "" for k in key))
            groups.setdefault(group, []).append((path.name, start, _missing(package, name, row)))
    problems = []
    for group, places in groups.items():
        by_file: dict[str, list[tuple[int, list[str]]]] = {}
        for file, line, fields in places:
            by_file.setdefault(file, []).append((line, fields))
        parts = []
        for file, items in by_file.items():
            lines = [n for n, _ in items]
            where = f"linje {lines[0]}" if len(lines) == 1 else f"linje {lines[0]}–{lines[-1]}"
            fields = list(dict.fromkeys(f for _, fs in items for f in fs))
            parts.append(f"{file} {where}: {', '.join(fields)}")
        first_file, first_line, _ = places[0]
        if group[0] == "activity":
            head = f"Aktiviteten '{group[1]}' er oprettet med 'sikkerby new activity' og mangler stadig"
        else:
            head = f"Opfølgningen {group[2]} for '{group[1]}' er oprettet med 'sikkerby new followup' og mangler stadig"
        problems.append(
            Problem(
                "skeleton-incomplete",
                first_file,
                f"{head}: {'; '.join(parts)}. Udfyld felterne, og skriv kilden i source i stedet for {SKELETON} "
                "(dokumentets id og afsnit, fx '003 Sjakket (SOF) / MÅLOPFYLDELSE'); kør så 'sikkerby validate' igen.",
                row=first_line,
            )
        )
    return problems


def fold_skeletons(data_dir: Path, problems: list[Problem]) -> list[Problem]:
    """Replace the empty-cell errors of skeleton rows by one ``skeleton-incomplete`` error per skeleton.

    Other errors on those rows (a wrong type in a filled-in cell, an unknown code) are kept.
    """
    todos = todo(data_dir)
    if not todos:
        return problems
    package = Package(data_dir)
    skeleton_lines: set[tuple[str, int]] = set()
    for name in ("followups", "measurements", "effect_scores", "activities"):
        try:
            path = package.path(name)
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError, EditError):
            continue
        for start, row in csvlines.rows(raw):
            if str(row.get("source") or "").strip() == SKELETON:
                skeleton_lines.add((path.name, start))
    kept = [p for p in problems if not (p.kind == "required" and (p.file, p.row) in skeleton_lines)]
    return todos + kept
