"""One build shared by the news, sharing and PDF tests: both editions of a copy of the real data
with planted values, built once per test session without the (slow) PDF step; the PDF tests
print the few documents they need themselves.

Planted:
- a canary in internal fields (``activities.contact`` and ``followups.staff_note`` of Sjakket);
- a content page whose description has quotes, ``&`` and markup (attribute escaping);
- an internal news post (must stay out of the public listing and feed).
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

from sikkerby_build import pipeline

ROOT = Path(__file__).resolve().parent.parent
CANARY = "KANARIE-7f3e intern kontakt"
CANARY_NOTE = "KANARIE-7f3e intern note om Sjakket"
CANARY_ACTIVITY = "sjakket"
# quotes, & and markup, and longer than a shared description (cut at a word boundary)
QUOTED_DESCRIPTION = 'Om "Sikker By" & <b>fed</b> tekst – ' + " ".join(["tryghedsord"] * 30)
INTERNAL_POST_TITLE = "KANARIE-7f3e intern nyhed"
SITE_URL = "https://sikkerby.example.org/"


def _set_field(path: Path, key: str, value_for: dict[str, str], column: str) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row[key] in value_for:
            row[column] = value_for[row[key]]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def plant(data: Path) -> None:
    _set_field(data / "activities.csv", "id", {CANARY_ACTIVITY: CANARY}, "contact")
    _set_field(data / "followups.csv", "activity_id", {CANARY_ACTIVITY: CANARY_NOTE}, "staff_note")
    about = data / "content" / "about.md"
    text = about.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    escaped = QUOTED_DESCRIPTION.replace("\\", "\\\\").replace('"', '\\"')
    about.write_text(f'---\ndescription: "{escaped}"\n' + text[4:], encoding="utf-8")
    (data / "content" / "nyheder" / "intern-nyhed.md").write_text(
        f'---\ntitle: "{INTERNAL_POST_TITLE}"\ndate: 2026-11-20\ncategories: [Intern]\n'
        'description: "Kun for medarbejdere."\naudience: internal\n---\n\nIntern tekst.\n',
        encoding="utf-8",
    )


def _make(root: Path) -> None:
    data = root / "data"
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(ROOT / "content", data / "content")
    plant(data)
    previous = os.environ.get("SIKKERBY_PDF")
    os.environ["SIKKERBY_PDF"] = "off"
    try:
        pipeline.build("all", data, root / "site", data / "content", site_url=SITE_URL)
    finally:
        if previous is None:
            os.environ.pop("SIKKERBY_PDF", None)
        else:
            os.environ["SIKKERBY_PDF"] = previous


def site() -> Path:
    """Folder with public/ and internal/ (built once per test run, shared by the xdist workers; read-only)."""
    from tests.conftest import shared

    return shared("issue10", _make) / "site"


def data_dir() -> Path:
    return site().parent / "data"
