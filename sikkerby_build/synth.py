"""Synthetic data packages with the real schemas, for scale tests and benchmarks only.

Every name says "Syntetisk"; the generator is seeded, so the same arguments give the same
files. Programme tables (administrations, goals, rubric …) are copied from the real package
so synthetic activities refer to real codes; activities, follow-ups, measurements and
scores are generated.
"""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data"
COPIED = [
    "administrations", "periods", "focus_areas", "principles", "effect_goals", "indicators",
    "observations", "rubric", "glossary", "key_figures", "documents", "districts",
]  # fmt: skip
DISTRICTS = ["Indre By", "Østerbro", "Nørrebro", "Vesterbro/Kgs. Enghave", "Valby", "Vanløse", "Brønshøj-Husum", "Bispebjerg", "Amager Øst", "Amager Vest"]
CATEGORIES = ["primær", "sekundær", "tertiær", "områdebaseret"]
ADMINS = ["ØKF", "SOF", "BUF", "BIF", "KFF", "TMF", "SUF"]
SYNTH_DOCUMENT = "999"
SOURCE = f"{SYNTH_DOCUMENT} syntetiske data"  # a document row of its own, so every source cites a known document
WORDS = ["tryghed", "fællesskab", "fritid", "skole", "job", "familie", "gadeplan", "mentor", "klub", "netværk", "uddannelse", "dialog"]


def _write(path: Path, fields: list[str], rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in fields})


def write_package(out: Path, activities: int, years: int = 1, seed: int = 2019) -> None:
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    descriptor = json.loads((REAL / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["name"] = "sikkerby-syntetisk"
    descriptor["title"] = "SYNTETISKE DATA – kun til test og benchmarks"
    descriptor["description"] = f"Syntetiske data genereret af 'sikkerby synth' (seed {seed}). Ikke rigtige tal."
    (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}
    for name in COPIED:
        shutil.copyfile(REAL / f"{name}.csv", out / f"{name}.csv")
    with open(out / "documents.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([
            SYNTH_DOCUMENT if f == "id" else {"title": "Syntetiske data", "short_title": "Syntetiske data", "publisher": "sikkerby synth",
                                               "description": "Genereret af 'sikkerby synth' til test og benchmarks; ikke rigtige tal.",
                                               "source": f"{SYNTH_DOCUMENT} titelblad"}.get(f, "") for f in fields["documents"]
        ])  # fmt: skip
    principles = [r["id"] for r in csv.DictReader(open(REAL / "principles.csv", encoding="utf-8"))]
    focus = [r["id"] for r in csv.DictReader(open(REAL / "focus_areas.csv", encoding="utf-8"))]
    tables: dict[str, list[dict[str, Any]]] = {k: [] for k in fields if k not in COPIED}
    first_year = 2019
    for i in range(1, activities + 1):
        aid = f"syntetisk-aktivitet-{i:05d}"
        words = rng.sample(WORDS, 2)
        lead = rng.choice(ADMINS)
        budget = rng.choice([None, rng.randrange(200, 20000) * 1000])
        followed = rng.random() < 0.6
        tables["activities"].append({
            "id": aid, "name": f"Syntetisk aktivitet {i:05d} ({words[0]} og {words[1]})",
            "description": f"Syntetisk testaktivitet om {words[0]} og {words[1]}. Ikke en rigtig aktivitet.\n\n- punkt om {words[0]}\n- punkt om {words[1]}",
            "lead_administration": lead, "area_text": "Syntetisk område", "target_group": f"Syntetisk målgruppe: unge og {words[1]}",
            "prevention_category": rng.choice(CATEGORIES), "start_text": "Syntetisk", "start_year": rng.randrange(2005, 2019),
            "budget_text": "" if budget is None else f"{budget} kr.", "budget_dkk": budget, "in_programme": "true",
            "knowledge_gap": rng.choice(["true", "false", ""]), "effect_model": "true" if followed else "false",
            "contact": f"syntetisk.kontakt.{i:05d}@example.invalid", "audience": "internal" if rng.random() < 0.02 else "public",
            "source": SOURCE,
        })
        for admin in {lead, rng.choice(ADMINS)}:
            tables["activity_administrations"].append({"activity_id": aid, "administration": admin, "source": SOURCE})
        tables["activity_principles"].append({"activity_id": aid, "principle_id": rng.choice(principles), "source": SOURCE})
        if rng.random() < 0.3:
            tables["activity_focus_areas"].append({"activity_id": aid, "focus_area_id": rng.choice(focus), "basis": "syntetisk", "source": SOURCE})
        for district in rng.sample(DISTRICTS, rng.randrange(1, 3)):
            tables["activity_districts"].append({"activity_id": aid, "district": district, "source": SOURCE})
        if not followed:
            continue
        for y in range(years):
            year = first_year + y
            n = rng.randrange(1, 6)
            met = 0
            for pos in range(1, n + 1):
                before = rng.randrange(5, 100)
                after = before + rng.randrange(-10, 30)
                crit = before + rng.randrange(0, 20)
                ok = "ja" if after >= crit else "nej"
                met += ok == "ja"
                tables["measurements"].append({
                    "id": f"{aid}-{year}-{pos}", "activity_id": aid, "year": year, "position": pos,
                    "indicator": f"Syntetisk målepunkt {pos}", "goal_type": rng.choice(["resultatmål", "effektmål"]),
                    "before_text": f"{before} personer", "after_text": f"{after} personer", "criterion_text": f"Mindst {crit} personer",
                    "met": ok, "met_basis": "syntetisk", "value_before": before, "value_after": after, "value_criterion": crit,
                    "unit": "personer", "source": SOURCE,
                })
            scores = {c: rng.randrange(1, 6) for c in ("A1", "A2", "A3", "A4")} if rng.random() < 0.7 else {}
            for c, s in scores.items():
                tables["effect_scores"].append({"activity_id": aid, "year": year, "criterion": c, "score": s, "justification": f"Syntetisk begrundelse for {c}.", "source": SOURCE})
            tables["followups"].append({
                "activity_id": aid, "year": year, "heading": f"Syntetisk aktivitet {i:05d} ({lead})", "administration": lead,
                "prevention_category": rng.choice(CATEGORIES), "description": "Syntetisk opfølgning.", "target_group": "Syntetisk",
                "budget_text": "" if budget is None else f"{budget} kr.", "budget_dkk": budget, "participants": rng.randrange(1, 200),
                "criteria_met": met, "criteria_total": n, "fulfilment_text": f"{met}/{n}",
                "effect_score_total": sum(scores.values()) if scores else None, "source": SOURCE,
            })
    tables["followup_years"] = [
        {"year": first_year + y, "status": "afsluttet", "document": SYNTH_DOCUMENT, "source": SOURCE} for y in range(years)
    ]
    _city_tables(tables, years, seed)
    for name, rows in tables.items():
        _write(out / f"{name}.csv", fields[name], rows)
    _write_content(out / "content")


DISTRICT_IDS = [
    "indre-by", "oesterbro", "noerrebro", "vesterbro-kongens-enghave", "valby", "vanloese", "broenshoej-husum", "bispebjerg",
    "amager-oest", "amager-vest",
]  # fmt: skip  (the order of DISTRICTS and of the real districts.csv)
CRIME_TYPES = ["indbrud", "vold", "røveri", "tyveri", "overtrædelse af våbenloven"]
CRIME_BASE = {"indbrud": 40, "vold": 30, "røveri": 8, "tyveri": 90, "overtrædelse af våbenloven": 3}
AGE_GROUPS = ["10–14", "15–17", "18–25"]
NEED = ["markant", "intensiveret", "ordinær", "reduceret", "minimal"]
SAFETY_AREAS = 35  # seed 004: 35 districts in the 10 city districts


def _city_tables(tables: dict[str, list[dict[str, Any]]], years: int, seed: int) -> None:
    """Synthetic key figures: the district wordings, every 7th activity city-wide, quarterly
    crime figures and a safety index for ``years + 1`` full years ending in 2019 (so there is a
    previous year to compare with), and a top-25 list. Own random generator: the activities and
    follow-ups stay as they were for a given seed. Every place name says "Syntetisk"."""
    rng = random.Random(seed * 31 + 11)
    tables["district_wordings"] = [
        {"wording": name, "district_id": did, "basis": "redaktionel", "note": "Syntetisk.", "source": SOURCE}
        for name, did in zip(DISTRICTS, DISTRICT_IDS, strict=True)
    ] + [{"wording": "Bydækkende", "district_id": "hele-byen", "basis": "redaktionel", "note": "Syntetisk.", "source": SOURCE}]
    for i, activity in enumerate(tables["activities"], start=1):
        if i % 7 == 0:
            tables["activity_districts"].append({"activity_id": activity["id"], "district": "Bydækkende", "source": SOURCE})
    last = 2019
    span = list(range(last - years, last + 1))
    areas = [(f"Syntetisk område {n:02d}", DISTRICT_IDS[(n - 1) % len(DISTRICT_IDS)]) for n in range(1, SAFETY_AREAS + 1)]
    for y_index, year in enumerate(span):
        for quarter in (1, 2, 3, 4):
            for district in DISTRICT_IDS:
                for crime in CRIME_TYPES:
                    if crime == "overtrædelse af våbenloven" and year == span[0] and district == "vanloese":
                        continue  # a type that appears only in later years in one district
                    count = max(0, round(CRIME_BASE[crime] * rng.uniform(0.5, 1.5) * (1 - 0.03 * y_index)))
                    tables["crime_reports"].append({
                        "year": year, "quarter": quarter, "measure": "anmeldelser", "crime_type": crime, "district_id": district,
                        "area": "", "count": count, "source": SOURCE,
                    })  # fmt: skip
                tables["crime_reports"].append({
                    "year": year, "quarter": quarter, "measure": "sager og hændelser", "crime_type": "alle typer", "district_id": district,
                    "area": "", "count": rng.randrange(150, 400), "source": SOURCE,
                })  # fmt: skip
            for group in AGE_GROUPS:
                tables["crime_charges"].append({
                    "year": year, "quarter": quarter, "age_group": group, "district_id": "hele-byen",
                    "count": rng.choice([rng.randrange(1, 5), rng.randrange(5, 120)]), "source": SOURCE,
                })  # fmt: skip
        for rank in range(1, 26):
            tables["incident_locations"].append({
                "year": year, "quarter": 4, "rank": rank, "place": f"Syntetisk gade {rng.randrange(1, 99):02d}-{rank:02d}",
                "district_id": rng.choice(DISTRICT_IDS), "count": 200 - 5 * rank, "source": SOURCE,
            })  # fmt: skip
        high = max(0, 12 - 2 * (y_index + 1) + rng.randrange(-1, 2))
        for n, (area, district) in enumerate(areas):
            category = NEED[0] if n < high // 2 else NEED[1] if n < high else rng.choice(NEED[2:])
            tables["safety_index"].append(
                {"year": year, "area": area, "district_id": district, "category": category, "score": round(rng.uniform(-2, 2), 2), "source": SOURCE}
            )


_ACTIVITY_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./)*aktiviteter/[a-z0-9-]+\.md(?:#[^)]*)?\)")


def _write_content(target: Path) -> None:
    """The real editorial content, with story links and Markdown links to real activities removed."""
    from .load import load_content

    if target.exists():
        shutil.rmtree(target)
    for page in load_content(ROOT / "content"):
        meta = dict(page.meta)
        meta.pop("activities", None)
        path = target / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        body = _ACTIVITY_LINK.sub(r"\1", page.body)
        path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n\n" + body, encoding="utf-8")
