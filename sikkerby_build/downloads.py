"""Open-data downloads written into each edition: the edition's data package and scores.json."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from . import compute
from .edition import SUPPRESSED, EditionData


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def scores(model: compute.Model) -> list[dict[str, Any]]:
    names = {a["id"]: a for a in model.activities}
    out = []
    for f in model.followups:
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
                "criteria_met_computed": f["fulfilment_computed"].met,
                "criteria_total_computed": f["fulfilment_computed"].total,
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
        for i, row in enumerate(data.tables.get(name, [])):
            writer.writerow([SUPPRESSED if data.suppressed.get((name, i, f)) else _cell(row.get(f)) for f in fields])
        written.append(_write_if_changed(target / resource["path"], buffer.getvalue()))
    written.append(_write_if_changed(target / "datapackage.json", json.dumps(data.descriptor, ensure_ascii=False, indent=2) + "\n"))
    written.append(_write_if_changed(target / "scores.json", json.dumps(scores(model), ensure_ascii=False, indent=2) + "\n"))
    return written
