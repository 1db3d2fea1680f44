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
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data"
COPIED = [
    "administrations", "periods", "focus_areas", "principles", "effect_goals", "indicators",
    "observations", "rubric", "glossary", "key_figures", "documents",
]  # fmt: skip
DISTRICTS = ["Indre By", "Østerbro", "Nørrebro", "Vesterbro/Kgs. Enghave", "Valby", "Vanløse", "Brønshøj-Husum", "Bispebjerg", "Amager Øst", "Amager Vest"]
CATEGORIES = ["primær", "sekundær", "tertiær", "områdebaseret"]
ADMINS = ["ØKF", "SOF", "BUF", "BIF", "KFF", "TMF", "SUF"]
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
            "source": "synth",
        })
        for admin in {lead, rng.choice(ADMINS)}:
            tables["activity_administrations"].append({"activity_id": aid, "administration": admin, "source": "synth"})
        tables["activity_principles"].append({"activity_id": aid, "principle_id": rng.choice(principles), "source": "synth"})
        if rng.random() < 0.3:
            tables["activity_focus_areas"].append({"activity_id": aid, "focus_area_id": rng.choice(focus), "basis": "syntetisk", "source": "synth"})
        for district in rng.sample(DISTRICTS, rng.randrange(1, 3)):
            tables["activity_districts"].append({"activity_id": aid, "district": district, "source": "synth"})
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
                    "unit": "personer", "source": "synth",
                })
            scores = {c: rng.randrange(1, 6) for c in ("A1", "A2", "A3", "A4")} if rng.random() < 0.7 else {}
            for c, s in scores.items():
                tables["effect_scores"].append({"activity_id": aid, "year": year, "criterion": c, "score": s, "justification": f"Syntetisk begrundelse for {c}.", "source": "synth"})
            tables["followups"].append({
                "activity_id": aid, "year": year, "heading": f"Syntetisk aktivitet {i:05d} ({lead})", "administration": lead,
                "prevention_category": rng.choice(CATEGORIES), "description": "Syntetisk opfølgning.", "target_group": "Syntetisk",
                "budget_text": "" if budget is None else f"{budget} kr.", "budget_dkk": budget, "participants": rng.randrange(1, 200),
                "criteria_met": met, "criteria_total": n, "fulfilment_text": f"{met}/{n}",
                "effect_score_total": sum(scores.values()) if scores else None, "source": "synth",
            })
    for name, rows in tables.items():
        _write(out / f"{name}.csv", fields[name], rows)
    _write_content(out / "content")


def _write_content(target: Path) -> None:
    """The real editorial content, with story links to real activities removed."""
    from .load import load_content

    if target.exists():
        shutil.rmtree(target)
    for page in load_content(ROOT / "content"):
        meta = dict(page.meta)
        meta.pop("activities", None)
        path = target / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n\n" + page.body, encoding="utf-8")
