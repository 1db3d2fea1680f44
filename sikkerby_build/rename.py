"""``sikkerby rename activity OLD NEW``: change an activity's id everywhere and keep its old address.

Every field that holds an activity id is found from the package's own foreign keys
(``activities.id`` and, transitively, every field that references it, e.g.
``followups.activity_id`` and through it ``measurements.activity_id``); measurement ids
(``<aktivitet>-<år>-<nr>``) follow. In ``content/`` the front matter key ``activities`` and
links to ``aktiviteter/OLD`` are updated. The old id is recorded in ``activity_aliases.csv``,
and the build writes a redirect page at the old address (``render.redirect_pages``).

Only the records that change are rewritten; every other line of every file stays byte for byte
as it was. All files are checked before the first is written; each is replaced atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path

from .editing import SLUG, EditError, Package, Written
from .intake import _records, _row_text
from .suggest import mente_du

ALIASES = "activity_aliases"


def activity_fields(descriptor: dict) -> set[tuple[str, str]]:
    """(resource, field) pairs that hold an activity id, from the foreign keys (transitively)."""
    found = {("activities", "id")}
    changed = True
    while changed:
        changed = False
        for resource in descriptor["resources"]:
            for fk in resource.get("schema", {}).get("foreignKeys", []) or []:
                local = [fk["fields"]] if isinstance(fk["fields"], str) else list(fk["fields"])
                ref = fk["reference"]
                remote = [ref["fields"]] if isinstance(ref["fields"], str) else list(ref["fields"])
                for mine, theirs in zip(local, remote, strict=False):
                    pair = (resource["name"], mine)
                    if (ref.get("resource") or resource["name"], theirs) in found and pair not in found:
                        found.add(pair)
                        changed = True
    return found


def _link_pattern(old: str) -> re.Pattern[str]:
    return re.compile(r"(aktiviteter/)" + re.escape(old) + r"(?=\.md|/|#|\)|\s|$)")


def _front_matter_activities(text: str, old: str, new: str) -> str:
    """Replace OLD in the front matter's ``activities`` key (a block list or a [flow, list])."""
    lines = text.split("\n")
    if not lines or lines[0].strip().lstrip("\ufeff") != "---":
        return text
    inside = False
    word = re.compile(r"(?<![a-z0-9-])" + re.escape(old) + r"(?![a-z0-9-])")
    for i in range(1, len(lines)):
        line = lines[i]
        if line.strip() in ("---", "..."):
            break
        if re.match(r"^activities\s*:", line):
            inside = True
            lines[i] = line.split(":", 1)[0] + ":" + word.sub(new, line.split(":", 1)[1])
            continue
        if inside and (line.startswith((" ", "\t", "-")) or not line.strip()):
            lines[i] = word.sub(new, line)
        else:
            inside = False
    return "\n".join(lines)


def rename_activity(data_dir: Path, content_dir: Path | None, old: str, new: str, today: dt.date | None = None) -> list[Written]:

    package = Package(data_dir)
    activities = package.rows("activities")
    ids = {a["id"] for a in activities}
    if old not in ids:
        raise EditError(f"Aktiviteten '{old}' findes ikke i activities.csv.{mente_du(old, ids)}")
    if not SLUG.match(new):
        from .urls import slugify

        raise EditError(f"Id'et '{new}' kan ikke bruges: kun små bogstaver a–z, tal og bindestreger (fx '{slugify(new) or 'min-aktivitet'}').")
    aliases = package.rows(ALIASES)
    if new in ids or any(a.get("old_id") == new for a in aliases):
        raise EditError(f"Id'et '{new}' er allerede brugt (af en aktivitet eller som tidligere id); vælg et andet.")
    fields = activity_fields(package.descriptor)
    planned: dict[Path, tuple[str, str]] = {}  # path -> (new text, what)
    for resource in package.descriptor["resources"]:
        name = resource["name"]
        mine = [f for r, f in fields if r == name]
        if not mine:
            continue
        path = package.path(name)
        text = path.read_bytes().decode("utf-8")
        header_text, records, ending = _records(text)
        header = next(csv.reader(io.StringIO(header_text)))
        out, changed = header_text, 0
        for raw, row in records:
            if not any(row.get(f) == old for f in mine):
                out += raw
                continue
            row = {**row, **{f: new for f in mine if row.get(f) == old}}
            if name == "measurements" and row.get("id", "").startswith(old + "-"):
                row["id"] = new + row["id"][len(old):]
            out += _row_text(header, row, ending)
            changed += 1
        if changed:
            planned[path] = (out, f"{changed} {'række' if changed == 1 else 'rækker'}")
    alias_path = package.path(ALIASES)
    alias_text = planned.get(alias_path, (alias_path.read_bytes().decode("utf-8"), ""))[0]
    header_text, _, ending = _records(alias_text)
    header = next(csv.reader(io.StringIO(header_text)))
    stamp = (today or dt.date.today()).isoformat()
    planned[alias_path] = (alias_text + _row_text(header, {"old_id": old, "activity_id": new, "renamed": stamp}, ending), "det gamle id")
    if content_dir is not None and Path(content_dir).is_dir():
        link = _link_pattern(old)
        for page in sorted(Path(content_dir).rglob("*.md")):
            if page.is_symlink() or not page.is_file():
                continue
            text = page.read_bytes().decode("utf-8", errors="strict")
            updated = link.sub(lambda m: m.group(1) + new, _front_matter_activities(text, old, new))
            if updated != text:
                planned[page] = (updated, "henvisninger")
    written = []
    for path, (text, what) in planned.items():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
        shown = path.relative_to(Path(content_dir).parent).as_posix() if content_dir and Path(content_dir) in path.parents else path.name
        written.append(Written(shown, 1, 1, what))
    return written
