"""Open-data downloads written into each edition: the edition's data package and scores.json.

Both are written from the edition's rows only: a ``Suppressed`` count is written as its text
("<5", declared a missing value in the public descriptor), a text cell a spreadsheet would run
as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading apostrophe (OWASP's
CSV-injection advice; ``sanitize.spreadsheet_safe``), and scores.json lists only the
follow-ups of the edition (the model is computed from them; ``scores`` filters again so a
model built from other rows cannot add any).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from . import compute
from .disclosure import Suppressed
from .edition import EditionData
from .sanitize import spreadsheet_safe


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Suppressed):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return spreadsheet_safe(value)  # text only: a number stays a number
    return str(value)


def _json(value: Any) -> Any:
    if isinstance(value, Suppressed):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def scores(model: compute.Model, data: EditionData | None = None) -> list[dict[str, Any]]:
    """One record per follow-up of the model; with ``data``, only the edition's follow-ups."""
    names = {a["id"]: a for a in model.activities}
    allowed = None if data is None else {(r["activity_id"], r["year"]) for r in data.tables.get("followups", [])}
    out = []
    for f in model.followups:
        if allowed is not None and (f["activity_id"], f["year"]) not in allowed:
            continue
        activity = names.get(f["activity_id"], {})
        out.append(
            {
                "activity_id": f["activity_id"],
                "name": activity.get("name"),
                "year": f["year"],
                "administration": f["administration"],
                "prevention_category": f["prevention_category"],
                "criteria_met": f["fulfilment"].met if f["fulfilment"].assessable else None,
                "criteria_total": f["fulfilment"].total if f["fulfilment"].assessable else None,
                "criteria_met_reported": f["fulfilment_reported"].met,
                "criteria_total_reported": f["fulfilment_reported"].total,
                "criteria_from_measurements": f["fulfilment_from_rows"],
                "effect_scores": dict(sorted(f["score"].parts.items())),
                "effect_score": f["score"].total,
                "effect_score_max": compute.EFFECT_SCORE_MAX,
            }
        )
    return sorted(out, key=lambda s: (s["activity_id"], s["year"]))


def _write_if_changed(path: Path, text: str) -> Path:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def write(target: Path, data: EditionData, model: compute.Model) -> list[Path]:
    """Write the edition's data package and scores.json; returns the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for resource in data.descriptor["resources"]:
        name = resource["name"]
        fields = [f["name"] for f in resource["schema"]["fields"]]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(fields)
        for row in data.tables.get(name, []):
            writer.writerow([_cell(row.get(f)) for f in fields])
        written.append(_write_if_changed(target / resource["path"], buffer.getvalue()))
    written.append(_write_if_changed(target / "datapackage.json", json.dumps(data.descriptor, ensure_ascii=False, indent=2) + "\n"))
    written.append(_write_if_changed(target / "scores.json", json.dumps(scores(model, data), ensure_ascii=False, indent=2, default=_json) + "\n"))
    return written
