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
from .descriptor import Descriptor
from .disclosure import Suppressed
from .edition import EditionData
from .municipal import NOT_DECIDED  # one wording for every setting not yet decided
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
    allowed = None if data is None else {(r["activity_id"], r["year"]) for r in data.records.get("followups", [])}
    out = []
    for f in model.followups:
        if allowed is not None and (f["activity_id"], f["year"]) not in allowed:
            continue
        activity = names.get(f["activity_id"])
        out.append(
            {
                "activity_id": f["activity_id"],
                "name": activity["name"] if activity else None,
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


# ---------------------------------------------------------------- the whole package in one zip (issue 19)

ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # every entry the same time: the same package gives the same bytes


def licence_text(descriptor: Descriptor) -> str:
    """The licence as the descriptor's ``licenses`` states it; "ikke fastlagt" when it states none."""
    names = []
    for entry in descriptor.get("licenses") or []:
        title, name, path = (str(entry.get(k) or "").strip() for k in ("title", "name", "path"))
        label = title or name or path
        if not label:
            continue
        extra = [x for x in (name if title and name else "", path if path and path != label else "") if x]
        names.append(label + (f" ({', '.join(extra)})" if extra else ""))
    return "; ".join(names) if names else NOT_DECIDED


def readme(
    data: EditionData, model: compute.Model, chart_files: list[tuple[str, str, str]], zip_path: str, site_url: str | None = None
) -> str:
    """README.md of the zip, in Danish: the files, where the figures come from, licence, citation.

    ``chart_files``: (file name inside the zip, chart title, address of the page showing it);
    ``zip_path``: where the zip is served, relative to the site's root.
    """
    d = data.descriptor
    years = [str(y) for y in model.figures.followup_years]
    base = (site_url or "").rstrip("/")
    zip_address = f"{base}/{zip_path}" if base else zip_path
    lines = [f"# {d.get('title') or 'Sikker By'}: åbne data", ""]
    if d.get("description"):
        lines += [" ".join(str(d["description"]).split()), ""]
    if data.is_public:
        lines += [
            f"Dette er den offentlige udgave: interne rækker og kolonner er fjernet, og antal personer under {data.threshold} "
            f"står som „<{data.threshold}“ (erklæret som manglende værdi i datapackage.json).",
            "",
        ]
    lines += ["## Filerne", "", "- `datapackage.json`: beskrivelse af alle tabeller, felter, typer og nøgler (Frictionless Data Package).",
              "- `scores.json`: målopfyldelse og effektscore pr. aktivitet og opfølgningsår, beregnet ud fra målepunkternes egne vurderinger."]  # fmt: skip
    for resource in d.get("resources", []):
        rows = len(data.tables.get(resource["name"], []))
        what = " ".join(str(resource.get("description") or "").split())
        lines.append(f"- `{resource['path']}` ({resource.get('title') or resource['name']}, {rows} rækker): {what}".rstrip(": "))
    for name, title, page in chart_files:
        lines.append(f"- `{name}`: tallene bag diagrammet „{title}“ ({page}).")
    lines += ["", "Tabellernes tekstfelter står som i kilderne og kan indeholde Markdown (fx `*kursiv*`); "
              "diagrammernes CSV-filer har ren tekst. Tal bruger punktum som decimaltegn."]  # fmt: skip
    lines += ["", "## Hvor tallene kommer fra", "",
              "Tallene er skrevet af fra Københavns Kommunes egne dokumenter; hver række har en kolonne `source`, der siger hvorfra. "
              "Målopfyldelse og effektscore i `scores.json` og i diagrammerne er talt op af sitet ud fra de rækker. Kildedokumenterne:", ""]  # fmt: skip
    for doc in data.records.get("documents", []):
        doc_title = doc.get("short_title") or doc.get("title") or doc.get("id")
        year = f", {doc['year']}" if doc.get("year") and str(doc["year"]) not in str(doc_title) else ""
        lines.append(f"- {doc_title} ({doc.get('publisher') or 'udgiver ikke oplyst'}{year})")
    lines += ["", "## Licens", "", f"Licens: {licence_text(d)}.", ""]
    period = f"effektopfølgning {', '.join(years)}" if years else "ingen effektopfølgning"
    lines += ["## Sådan henviser du", "",
              f"Københavns Kommune: Sikker By, åbne data ({period}). {zip_address}, hentet [dato].",
              "", "Et diagram: „diagrammets titel“. Kilde: som under diagrammet. Sikker By, Københavns Kommune, sidens adresse.", ""]  # fmt: skip
    return "\n".join(lines)


def package_zip(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` (name inside the zip -> bytes): sorted, one fixed time, not compressed, so
    the build's audit reads every byte of it as it reads the loose files."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"sikkerby-data/{name}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def write_zip(target: Path, files: dict[str, bytes]) -> Path:
    """Write the zip when its bytes changed (a live preview leaves it alone otherwise)."""
    data = package_zip(files)
    if not target.exists() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target
