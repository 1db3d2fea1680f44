"""Fact sheets and the annual report document, rendered without the engine."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import shared

from sikkerby_build import compute, edition, settings, urls
from sikkerby_build.load import load_content, load_data
from sikkerby_build.render import render
from sikkerby_build.render.pages.factsheets import cut

ROOT = Path(__file__).resolve().parent.parent
CANARY = "KANARIE-faktaark-51c0"


def test_cut_at_a_word_boundary() -> None:
    assert cut("kort tekst", 50) == "kort tekst"
    text = "Sikker By arbejder for en god og tryg hverdag for alle københavnere"
    short = cut(text, 30)
    assert short.endswith(" …") and text.startswith(short[:-2]) and len(short) <= 32
    assert cut("<b>fed</b> &amp; tekst", 50) == "fed & tekst"


@pytest.fixture(scope="module")
def staged() -> dict[str, Path]:
    """Both editions of the real data with a canary contact on Sjakket, rendered (no MkDocs) once
    per test run, whichever worker asks first."""

    def make(folder: Path) -> None:
        data = folder / "data"
        shutil.copytree(ROOT / "data", data)
        path = data / "activities.csv"
        rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
        for row in rows:
            if row["id"] == "sjakket":
                row["contact"] = CANARY
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        dataset, pages = load_data(data), list(load_content(ROOT / "content"))
        for name in ("public", "internal"):
            selected = edition.select(dataset, pages, name)
            rendered = render(selected, compute.build_model(selected.tables), folder / name, [], settings.default())
            (folder / f"{name}_pages.json").write_text(json.dumps(list(rendered.pages)), encoding="utf-8")

    folder = shared("factsheet-canary", make)
    out: dict = {}
    for name in ("public", "internal"):
        out[name] = folder / name / "docs"
        out[name + "_pages"] = json.loads((folder / f"{name}_pages.json").read_text(encoding="utf-8"))
    return out


def test_one_fact_sheet_per_activity_and_contact_only_internal(staged: dict) -> None:
    for name in ("public", "internal"):
        sheets = sorted((staged[name] / "faktaark").glob("*.md"))
        activities = list(csv.DictReader((ROOT / "data" / "activities.csv").open(encoding="utf-8")))
        expected = {a["id"] for a in activities if name == "internal" or a["audience"] in ("", "public")}
        assert {p.stem for p in sheets} == expected
    public = (staged["public"] / urls.factsheet("sjakket")).read_text(encoding="utf-8")
    internal = (staged["internal"] / urls.factsheet("sjakket")).read_text(encoding="utf-8")
    assert CANARY in internal and "Kontakt (intern)" in internal
    assert CANARY not in public and "Kontakt" not in public
    for text in (public, internal):
        assert "Hvad" in text and "For hvem" in text and "Hvor" in text and "Seneste resultat" in text


def test_every_document_is_a_print_job(staged: dict) -> None:
    jobs = dict(urls.print_jobs(staged["public_pages"]))
    assert jobs[urls.page_url(urls.factsheet("sjakket"))] == urls.factsheet_pdf("sjakket")
    assert jobs[urls.page_url(urls.report_document(2019))] == urls.report_pdf(2019)
    assert len(jobs) == len([p for p in staged["public_pages"] if p.startswith("faktaark/")]) + len(
        [p for p in staged["public_pages"] if p.startswith("resultater/effektopfoelgning-")]
    )
    assert all(pdf.startswith(urls.DOWNLOADS + "/") and pdf.endswith(".pdf") for pdf in jobs.values())


def test_report_document_groups_every_followup_with_contents(staged: dict) -> None:
    text = (staged["public"] / urls.report_document(2019)).read_text(encoding="utf-8")
    contents, body = text.split('<section class="sb-doc__group"', 1)
    assert "Indhold" in contents
    for label in ("Primær forebyggelse", "Sekundær forebyggelse", "Tertiær forebyggelse", "Områdebaserede indsatser"):
        assert label in contents and f">{label}</h2>" in body
    assert body.count('class="sb-doc__activity"') == body.count("<h3 ")
    assert "data-sb-chart" in body and "sb-doc__measurements" in body and "sb-doc__scores" in body
    assert "Intern:" not in text
    assert "Intern:" in (staged["internal"] / urls.report_document(2019)).read_text(encoding="utf-8")
