"""Issue 13 on the real build: what a citizen reads is clear, consistent and faithful.

No seed file numbers on public pages, effect-model facts that cannot contradict each other,
fulfilment figures that say where the report differs, a vision page without dead ends, goal
pages that describe the data they have.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from tests.conftest import DATA

pytestmark = pytest.mark.slow


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _text(page: str) -> str:
    """The visible text of a page's content: scripts, styles and attributes dropped, entities decoded."""
    body = page.split("<article", 1)[-1].split("</article>", 1)[0]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _page(built_site: Path, path: str) -> str:
    return (built_site / "public" / path / "index.html").read_text(encoding="utf-8")


SEED_PATTERNS = [
    re.compile(r"\bseed\b", re.I),
    re.compile(r"Kilde: 00\d"),
    re.compile(r"(?<![\d\s,.])\s?\b00[0-4] (?=[A-ZÆØÅa-zæøå])"),  # "003 Sjakket", "000 Bilag 1"
    re.compile(r"\b000 Bilag"),
]


def test_no_public_page_shows_a_seed_file_number(built_site):
    public = built_site / "public"
    pages = sorted(p for p in public.rglob("*.html") if "assets" not in p.parts)
    assert len(pages) > 50
    found = []
    for path in pages:
        text = _text(path.read_text(encoding="utf-8"))
        if path.relative_to(public).as_posix() == "om/data/index.html":
            # the open-data page is the key to the downloads' `source` column: it lists each
            # document key beside its title, so it names keys by design
            assert "documents.csv" in text and "Kildedokumenternes nøgler" in text
            continue
        for pattern in SEED_PATTERNS:
            match = pattern.search(text)
            if match:
                found.append(f"{path.relative_to(public)}: …{text[max(0, match.start() - 40) : match.end() + 40]}…")
                break
    assert found == [], "\n".join(found[:10])


def test_source_lines_name_the_document(built_site):
    text = _text(_page(built_site, "aktiviteter/sjakket"))
    assert "Kilde: Effektopfølgning 2019, afsnit Sjakket (SOF)" in text


def test_effect_model_facts_have_distinct_wording(built_site):
    activities = {a["id"]: a for a in _rows("activities") if a.get("audience", "") != "internal"}
    checked = 0
    for aid, activity in activities.items():
        path = built_site / "public" / "aktiviteter" / aid / "index.html"
        if not path.exists():
            continue
        page = path.read_text(encoding="utf-8")
        followup = re.search(r'<dd class="sb-fact-followup">(.*?)</dd>', page, re.S)
        eligibility = re.search(r'<dd class="sb-fact-eligibility">(.*?)</dd>', page, re.S)
        assert followup and eligibility, aid
        followup_text, eligibility_text = _text(followup.group(1)), _text(eligibility.group(1))
        assert "Indgår i Sikker By effektmodellen" not in page, aid  # the old, self-contradicting wording
        expected = "Har et afsnit i effektopfølgningen" if activity["effect_model"] == "true" else "Har intet afsnit"
        assert followup_text.startswith(expected), (aid, followup_text)
        assert "afsnit" not in eligibility_text.split("Kriterierne")[0], (aid, eligibility_text)
        checked += 1
    assert checked >= 20


def test_fulfilment_differences_are_shown_wherever_the_figure_appears(built_site):
    followups = _rows("followups")
    measurements = _rows("measurements")
    differing = []
    for f in followups:
        rows = [m for m in measurements if m["activity_id"] == f["activity_id"] and m["year"] == f["year"]]
        assessable = [m for m in rows if m["met"] in ("ja", "nej")]
        if not assessable or not f["criteria_total"]:
            continue
        computed = (sum(m["met"] == "ja" for m in assessable), len(assessable))
        if computed != (int(f["criteria_met"]), int(f["criteria_total"])):
            differing.append((f["activity_id"], f["year"], computed, (f["criteria_met"], f["criteria_total"])))
    assert differing, "the data has follow-ups whose report differs from the rows"
    explorer = _page(built_site, "aktiviteter")
    for aid, year, (met, total), (r_met, r_total) in differing:
        activity = _text(_page(built_site, f"aktiviteter/{aid}"))
        assert f"Rapporten angiver {r_met} af {r_total}; målepunkterne nedenfor viser {met} af {total}" in activity
        row = next((r for r in explorer.split("<tr ") if f'href="{aid}/"' in r), None)
        assert row, aid
        assert f"{met}/{total} (rapporten angiver {r_met}/{r_total})" in _text(row), aid
        report = _text(_page(built_site, f"resultater/aarsrapport-{year}"))
        assert f"{met}/{total} (rapporten angiver {r_met}/{r_total})" in report, aid


def test_vision_page_has_one_h1_and_links_every_named_activity(built_site):
    page = _page(built_site, "vision")
    assert len(re.findall(r"<h1\b", page)) == 1
    assert len(re.findall(r">\s*Vision\s*<", page.split("<article", 1)[-1])) <= 1  # the heading is not repeated
    text = _text(page)
    assert "figuren på næste side" not in text
    assert "mere end 90" in text and "Registret over aktiviteter" in text  # the gap is explained
    links = set(re.findall(r'href="\.\./aktiviteter/([a-z0-9-]+)/"', page))
    named = 0
    for a in _rows("activities"):
        if a.get("audience") == "internal":
            continue
        names = [a["name"], *[n for n in a["aliases"].split("|") if n]]
        article = page.split("<article", 1)[-1]
        if any(re.search(rf">[^<]*\b{re.escape(n)}\b", article) for n in names):
            named += 1
            assert a["id"] in links, f"the vision page names {a['name']} without linking it"
    assert named >= 11
    # the theory of change is a table made of the four focus areas, goals and indicators
    assert all(f'href="../maal/effektmaal-{n}/"' in page for n in (1, 2, 3, 4))


def test_goal_pages_describe_the_data_they_have(built_site):
    observations = _rows("observations")
    for g in _rows("effect_goals"):
        text = _text(_page(built_site, f"maal/{g['id']}"))
        assert "Med kun én måling (baseline)" not in text
        years = sorted({o["year"] for o in observations if o["goal_id"] == g["id"]})
        if not years:
            assert "Kilderne indeholder ingen målinger for effektmålet" in text, g["id"]
        elif len(years) == 1:
            assert f"Kilderne indeholder én måling ({years[0]})" in text, g["id"]
        else:
            assert f"målinger fra {len(years)} år" in text, g["id"]
        # how the goal relates to the 2018–21 principles, and why activities are or are not linked
        assert "Sikker By strategien 2018–2021 ordner aktiviteterne efter fem principper" in text
        assert text.count("Princip ") >= 5
        if g.get("editorial_note"):
            assert "Redaktionel bemærkning" in text


def test_new_fields_are_shown_where_their_row_is(built_site):
    sjakket = _text(_page(built_site, "aktiviteter/sjakket"))
    assert "104 børn og unge" in sjakket
    eki = _text(_page(built_site, "aktiviteter/eki-exit"))
    assert "89 forløb i 2019" in eki and "forløb, ikke personer" in eki
    assert "Exitprogrammet" in eki  # aliases
    ubk = _text(_page(built_site, "aktiviteter/ungdomsbrandkorps"))
    assert "Rapportens bemærkning" in ubk and "to ud af seks mål" in ubk
    snor = _text(_page(built_site, "aktiviteter/den-korte-snor"))
    assert "Redaktionel bemærkning: Tvetydig i kilden" in snor
    assert "Effektmål for aktiviteten" in snor or "Resultatmål for aktiviteten" in snor
    feriecamp = _text(_page(built_site, "aktiviteter/feriecamp"))
    assert "Om registreringen (redaktionel note)" in feriecamp
    explorer = _page(built_site, "aktiviteter")
    assert re.search(r'data-q="[^"]*exitprogrammet', explorer)
