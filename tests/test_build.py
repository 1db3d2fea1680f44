"""End-to-end: real builds of both editions, inspected file by file."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sikkerby_build import pipeline, publish
from sikkerby_build.problems import ValidationFailed
from tests import planted
from tests.conftest import CONTENT, DATA, ROOT

pytestmark = pytest.mark.slow

ACTIVITY_IDS = [r["id"] for r in csv.DictReader(open(DATA / "activities.csv", encoding="utf-8"))]
FOLLOWUP_IDS = [r["activity_id"] for r in csv.DictReader(open(DATA / "followups.csv", encoding="utf-8"))]


def _all_text(site: Path) -> dict[str, str]:
    texts = {}
    for path in site.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            texts[path.relative_to(site).as_posix()] = raw.decode("utf-8", errors="replace")
    return texts


def _tree_digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()
    }


# ---------------------------------------------------------------- the real site


def test_every_activity_has_a_page(built_site):
    for edition in ("public", "internal"):
        for aid in ACTIVITY_IDS:
            page = built_site / edition / "aktiviteter" / aid / "index.html"
            assert page.exists(), page


def test_activity_page_shows_results_of_2019(built_site):
    html = (built_site / "public/aktiviteter/sjakket/index.html").read_text(encoding="utf-8")
    assert "Effektopfølgning 2019" in html
    assert "10 af 11" in html  # fulfilment from the measurement rows (one row is "Nej")
    assert "Rapporten angiver 11 af 11; målepunkterne nedenfor viser 10 af 11" in html
    assert "20</strong> af 20" in html or "20 af 20" in html
    assert html.count('class="sb-scorebar"') == 4
    assert "Niveau 5:" in html  # rubric text of the awarded level
    assert "data-sb-chart" in html


def test_activity_without_followup_says_so(built_site):
    no_followup = next(a for a in ACTIVITY_IDS if a not in FOLLOWUP_IDS)
    html = (built_site / f"public/aktiviteter/{no_followup}/index.html").read_text(encoding="utf-8")
    assert "ingen data indberettet" in html


def test_page_types_exist_and_are_danish(built_site):
    pages = [
        "index.html",
        "aktiviteter/index.html",
        "maal/effektmaal-1/index.html",
        "maal/index.html",
        "program/index.html",
        "program/lokal-indsats-og-borgerdialog/index.html",
        "program/princip-1/index.html",
        "resultater/index.html",
        "resultater/aarsrapport-2019/index.html",
        "resultater/status/index.html",
        "resultater/budget-og-effekt/index.html",
        "resultater/sammenfatning/index.html",
        "fortaellinger/index.html",
        "fortaellinger/deniz/index.html",
        "ordliste/index.html",
        "vision/index.html",
        "om/index.html",
        "om/metode/index.html",
        "om/data/index.html",
        "om/tilgaengelighed/index.html",
        "om/kommunikation/index.html",
        "om/effektmodel/index.html",
    ]
    for page in pages:
        html = (built_site / "public" / page).read_text(encoding="utf-8")
        assert '<html lang="da"' in html, page
        assert "Tilgængelighedserklæring" in html, page


def test_goal_page_is_honest_about_missing_data(built_site):
    html = (built_site / "public/maal/effektmaal-1/index.html").read_text(encoding="utf-8")
    assert "Ikke nok data" in html
    assert "ingen data indberettet" in html  # years between baseline and deadline
    assert "12" in html and "2010" in html
    goal3 = (built_site / "public/maal/effektmaal-3/index.html").read_text(encoding="utf-8")
    assert "Ingen data indberettet" in goal3


def test_story_links_to_real_activities(built_site):
    html = (built_site / "public/fortaellinger/deniz/index.html").read_text(encoding="utf-8")
    assert 'href="../../aktiviteter/eki-exit/"' in html


def test_macros_render_live_figures(built_site):
    html = (built_site / "public/om/kommunikation/index.html").read_text(encoding="utf-8")
    assert "{{" not in html
    assert "23 aktiviteter" in html


def test_glossary_terms_become_tooltips(built_site):
    html = (built_site / "public/vision/index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="[^"]+">Effektmål</abbr>', html) or "<abbr title=" in html


def test_scores_json(built_site):
    scores = json.loads((built_site / "public/data/scores.json").read_text(encoding="utf-8"))
    assert len(scores) == 23
    keys = {
        "activity_id",
        "name",
        "year",
        "administration",
        "prevention_category",
        "criteria_met",
        "criteria_total",
        "criteria_met_reported",
        "criteria_total_reported",
        "criteria_from_measurements",
        "effect_scores",
        "effect_score",
        "effect_score_max",
    }
    assert all(set(s) == keys for s in scores)
    sjakket = next(s for s in scores if s["activity_id"] == "sjakket")
    assert sjakket["effect_scores"] == {"A1": 5, "A2": 5, "A3": 5, "A4": 5} and sjakket["effect_score"] == 20
    # The headline is the measurement rows' own reading; the report's differing figure is kept.
    assert (sjakket["criteria_met"], sjakket["criteria_total"]) == (10, 11)
    assert (sjakket["criteria_met_reported"], sjakket["criteria_total_reported"]) == (11, 11)
    assert sjakket["criteria_from_measurements"] is True
    green = next(s for s in scores if s["activity_id"] == "green-teams-driftsamarbejde")
    assert green["criteria_met"] is None and green["criteria_total"] is None
    ny_start = next(s for s in scores if s["activity_id"] == "ny-start")
    assert ny_start["effect_scores"] == {} and ny_start["effect_score"] is None


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_served_data_package_is_valid(built_site, edition):
    package = built_site / edition / "data" / "datapackage.json"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", str(package)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_internal_edition_adds_staff_material(built_site):
    internal = built_site / "internal"
    quality = (internal / "intern/datakvalitet/index.html").read_text(encoding="utf-8")
    assert "fulfilment-mismatch" in quality and "Sjakket" in quality
    act = (internal / "aktiviteter/sjakket/index.html").read_text(encoding="utf-8")
    assert "Rapporteret og beregnet målopfyldelse" in act and "10/11" in act
    assert "Datakvalitet (kun intern udgave)" in act
    index = (internal / "index.html").read_text(encoding="utf-8")
    assert 'name="robots" content="noindex, nofollow"' in index
    assert "Intern udgave" in index
    assert "<loc>" not in (internal / "sitemap.xml").read_text(encoding="utf-8")
    assert not (internal / "sitemap.xml.gz").exists()
    assert "Disallow: /" in (internal / "robots.txt").read_text(encoding="utf-8")


def test_public_edition_has_none_of_it(built_site):
    public = built_site / "public"
    assert not (public / "intern").exists()
    texts = _all_text(public)
    for name, text in texts.items():
        assert "Datakvalitet (kun intern udgave)" not in text, name
        assert "noindex, nofollow" not in text, name  # the internal edition's mark
        embed = name.startswith("data/diagrammer/") and name.endswith(".html")  # a chart alone: its page is canonical
        assert "noindex" not in text or name.endswith(".js") or embed, name
        assert "Intern udgave" not in text, name
    assert (public / "sitemap.xml").exists()


def test_no_file_names_a_third_party_host(built_site):
    pattern = re.compile(r"https?://(cdn\.|fonts\.googleapis|fonts\.gstatic|unpkg|cdnjs|jsdelivr|www\.google-analytics)")
    for edition in ("public", "internal"):
        for name, text in _all_text(built_site / edition).items():
            assert not pattern.search(text), f"{edition}/{name}"


def test_plotly_only_on_chart_pages(built_site):
    public = built_site / "public"
    for page in ["ordliste/index.html", "om/index.html", "aktiviteter/index.html"]:
        assert "plotly" not in (public / page).read_text(encoding="utf-8").lower(), page
    assert (public / "assets/javascripts/plotly-basic.min.js").exists()


# ---------------------------------------------------------------- canaries and the audit

CANARY_ROW = "KANARIE-AKTIVITET-7f3a9"
CANARY_CONTACT = "kanarie-kontakt-91b2@kk.example"
CANARY_PAGE = "KANARIE-SIDE-55c1 denne interne side må aldrig blive offentlig"


def plant_canaries(data: Path) -> None:
    with open(data / "activities.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    secret = dict(
        rows[0],
        id="kanarie-intern",
        name=f"{CANARY_ROW} intern aktivitet",
        audience="internal",
        description=f"{CANARY_ROW} beskrivelse af en intern aktivitet.",
    )
    rows[1]["contact"] = CANARY_CONTACT
    rows.append(secret)
    with open(data / "activities.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    page = data / "content" / "intern" / "kanarie.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"---\ntitle: Kanarieside\naudience: internal\n---\n\n{CANARY_PAGE}\n", encoding="utf-8")


def test_canaries_reach_internal_and_never_public():
    out = planted.site()
    internal = "\n".join(_all_text(out / "internal").values())
    assert CANARY_ROW in internal and CANARY_CONTACT in internal and "KANARIE-SIDE-55c1" in internal
    for name, text in _all_text(out / "public").items():
        for marker in (CANARY_ROW, CANARY_CONTACT, "KANARIE-SIDE-55c1", "kanarie-intern", "intern/kanarie"):
            assert marker not in text, f"{marker} leaked into public/{name}"


def test_audit_fails_the_build_on_a_planted_leak_and_keeps_the_old_site(tmp_path):
    import shutil

    data_copy = tmp_path / "data"
    shutil.copytree(planted.data_dir(), data_copy)
    out = tmp_path / "site"
    shutil.copytree(planted.site(), out, symlinks=True)  # the published planted site is the old site
    assert publish.editions(out) == ["internal", "public"] and publish.leftovers(out) == []
    before = _tree_digest(out / "public")
    # A public page that quotes the internal contact: validation finds it in the source (issue 17),
    # at the page and line, before the build; the audit would find it in the output.
    (data_copy / "content" / "laek.md").write_text(f"---\ntitle: Læk\n---\n\nRing til {CANARY_CONTACT}.\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failure:
        pipeline.build("public", data_copy, out, data_copy / "content")
    assert any(
        p.kind == "internal-text-on-public-page" and p.file == "content/laek.md" and p.row == 5
        for p in failure.value.report.errors
    )
    assert _tree_digest(out / "public") == before
    assert publish.editions(out) == ["internal", "public"] and publish.leftovers(out) == []


def test_invalid_data_stops_the_build_and_keeps_the_old_site(data_copy, tmp_path, built_site):
    out = tmp_path / "site"
    out.mkdir()
    import shutil

    shutil.copytree(built_site / "public", out / "public")
    before = _tree_digest(out / "public")
    path = data_copy / "followups.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("sjakket,2019", "sjakket,tyve-nitten", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sikkerby_build.cli", "build", "--edition", "public", "--data", str(data_copy), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "followups.csv:" in result.stderr and "year" in result.stderr
    assert _tree_digest(out / "public") == before
    with pytest.raises(ValidationFailed):
        pipeline.build("public", data_copy, out, data_copy / "content")


def test_two_builds_are_byte_identical(built_site, tmp_path, site_url):
    pipeline.build("public", DATA, tmp_path / "again", CONTENT, site_url=site_url)
    assert _tree_digest(tmp_path / "again" / "public") == _tree_digest(built_site / "public")


class _MarkupFinder(HTMLParser):
    """Collects real markup an attacker would want: event handlers, javascript: URLs, injected scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.hits.append(f"<{tag} {name}={value}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and 'alert("xss")' in data:
            self.hits.append("script: " + data[:60])


XSS_MARKERS = ['<script>alert("xss")</script>', '<img src=x onerror="alert(1)">', "[klik](javascript:alert(1))"]


def plant_markup(data_copy: Path) -> None:
    payload = " ".join(XSS_MARKERS)
    with open(data_copy / "activities.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sjakket = next(r for r in rows if r["id"] == "sjakket")
    for field in ("name", "description", "target_group", "budget_text", "other_partners", "start_text", "area_text"):
        sjakket[field] = f"Sjakket {payload}"
    with open(data_copy / "activities.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for name, field in [
        ("measurements", "before_text"),
        ("followups", "effect_summary"),
        ("glossary", "definition"),
        ("effect_scores", "justification"),
    ]:
        with open(data_copy / f"{name}.csv", encoding="utf-8") as fh:
            table = list(csv.DictReader(fh))
        table[0][field] = f"Tekst {payload}"
        with open(data_copy / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)
    story = data_copy / "content" / "stories" / "deniz.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace('title: "Deniz"', "title: '<script>alert(\"xss\")</script>Deniz'"),
        encoding="utf-8",
    )


def test_html_in_data_never_reaches_a_page_as_markup():
    out = planted.site()
    assert "<script>alert(" in (planted.data_dir() / "content/stories/deniz.md").read_text(encoding="utf-8")
    for path in (out / "public").rglob("*.html"):
        finder = _MarkupFinder()
        finder.feed(path.read_text(encoding="utf-8"))
        assert finder.hits == [], path
    sjakket_page = (out / "public/aktiviteter/sjakket/index.html").read_text(encoding="utf-8")
    assert "&#60;script&#62;" in sjakket_page  # shown as text (character references), not run


def _synthetic_cli() -> dict:
    return json.loads((planted.synthetic_root() / "cli.json").read_text(encoding="utf-8"))


def test_synthetic_package_builds():
    result = _synthetic_cli()
    assert result["returncode"] == 0, result["stderr"][-2000:]
    pages = re.search(r"^public: (\d+) sider", result["stdout"], re.MULTILINE)
    assert pages and int(pages.group(1)) > 30, result["stdout"]
    assert (planted.synthetic_root() / "site/public/aktiviteter/syntetisk-aktivitet-00001/index.html").exists()


def test_cli_build_with_relative_out_folder():
    result, root = _synthetic_cli(), planted.synthetic_root()  # sikkerby build --out site, run in root
    assert result["returncode"] == 0, result["stderr"][-2000:]
    assert (root / "site/internal/index.html").exists()
    assert publish.editions(root / "site") == ["internal", "public"] and publish.leftovers(root / "site") == []
