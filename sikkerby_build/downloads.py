"""Open-data downloads written into each edition: the edition's data package and scores.json."""

from __future__ import annotations

import csv
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


def write(target: Path, data: EditionData, model: compute.Model) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for resource in data.descriptor["resources"]:
        name = resource["name"]
        fields = [f["name"] for f in resource["schema"]["fields"]]
        with open(target / resource["path"], "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(fields)
            for i, row in enumerate(data.tables.get(name, [])):
                writer.writerow(
                    [SUPPRESSED if data.suppressed.get((name, i, f)) else _cell(row.get(f)) for f in fields]
                )
    (target / "datapackage.json").write_text(
        json.dumps(data.descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (target / "scores.json").write_text(
        json.dumps(scores(model), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
