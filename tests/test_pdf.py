"""PDFs: the annual report and fact sheets printed by Chromium, checked with pdftotext/pdfinfo
and the audit. Prints a few documents, not all (the build prints all of them)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sikkerby_build import audit, compute, edition, printing, urls
from sikkerby_build.load import load_content, load_data

pytestmark = [pytest.mark.slow, pytest.mark.browser]

YEAR = 2019


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} mangler: apt-get install poppler-utils")
    return path


def _text(pdf: Path, first: int = 1) -> str:
    out = subprocess.run(
        [_tool("pdftotext"), "-f", str(first), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def _model(edition_name: str):
    import issue10_build

    data = edition.select(
        load_data(issue10_build.data_dir()), list(load_content(issue10_build.data_dir() / "content")), edition_name
    )
    return compute.build_model(data.tables), data


def _worst_case_activities(model: compute.Model, n: int = 4) -> list[str]:
    """The activities whose fact sheets are longest (most text in the fields a sheet shows)."""

    def size(a: dict) -> int:
        return (
            sum(len(str(a.get(k) or "")) for k in ("target_group", "area_text", "start_text", "name")) + len(a["districts"]) * 12
        )

    return [a["id"] for a in sorted(model.activities, key=size, reverse=True)[:n]]


@pytest.fixture(scope="module")
def printed() -> dict[str, Path]:
    """Both editions with the 2019 report and a few fact sheets (worst cases + the canary's)
    printed: once per run (whichever worker asks first), by one browser for both editions."""
    import os

    import issue10_build

    from tests.conftest import shared

    site = issue10_build.site()

    def make(_: Path) -> None:
        switched = os.environ.pop("SIKKERBY_PDF", None)  # the session builds without PDFs; these print
        try:
            sites = []
            for name in ("public", "internal"):
                model, _ = _model(name)
                chosen = {issue10_build.CANARY_ACTIVITY, *_worst_case_activities(model)}
                pages = [urls.report_document(YEAR), *(urls.factsheet(a) for a in sorted(chosen))]
                sites.append(printing.PrintSite(site / name, urls.print_jobs(pages)))
            results = printing.print_sites(sites)
            assert [len(r.written) for r in results] == [len(s.jobs) for s in sites]
            assert all(r.printed == len(s.jobs) for r, s in zip(results, sites, strict=True))
        finally:
            if switched is not None:
                os.environ["SIKKERBY_PDF"] = switched

    shared("issue10-printed", make)
    return {"public": site / "public", "internal": site / "internal"}


def test_report_pdf_lists_every_followup_under_its_group_with_its_score(printed: dict[str, Path]) -> None:
    model, _ = _model("public")
    labels = {
        "primær": "Primær forebyggelse",
        "sekundær": "Sekundær forebyggelse",
        "tertiær": "Tertiær forebyggelse",
        "områdebaseret": "Områdebaserede indsatser",
    }
    names = {a["id"]: a["name"] for a in model.activities}
    followups = [f for f in model.followups if f["year"] == YEAR]
    assert len(followups) == model.figures.by_year[YEAR].followed_up
    body = _text(printed["public"] / urls.report_pdf(YEAR), first=2)  # after the contents page
    starts = {c: body.find(label) for c, label in labels.items()}
    assert all(i >= 0 for i in starts.values()), starts
    order = sorted(starts.values()) + [len(body)]
    for f in followups:
        group_start = starts[f["prevention_category"]]
        group_end = order[order.index(group_start) + 1]
        segment = body[group_start:group_end]
        name = " ".join(names[f["activity_id"]].split())
        at = segment.find(name)
        assert at >= 0, f"{name} står ikke under {labels[f['prevention_category']]}"
        score = f["score"].total
        expected = f"Effektscore: {score} af 20" if score is not None else "Effektscore: ingen effektvurdering"
        assert expected in segment[at:], f"{name}: {expected}"


def test_pdfs_are_tagged_a4_with_title_and_language(printed: dict[str, Path]) -> None:
    from pypdf import PdfReader

    for pdf in sorted((printed["public"] / urls.DOWNLOADS).rglob("*.pdf")):
        info = _info(pdf)
        assert info["Tagged"] == "yes" and "(A4)" in info["Page size"], pdf
        assert info.get("Title"), pdf
        reader = PdfReader(pdf)
        assert str(reader.trailer["/Root"].get("/Lang", "")).lower().startswith("da"), pdf
    assert _info(printed["public"] / urls.report_pdf(YEAR))["Title"] == f"Effektopfølgning {YEAR}"


def test_fact_sheets_are_one_page(printed: dict[str, Path]) -> None:
    sheets = sorted((printed["public"] / urls.DOWNLOADS / "faktaark").glob("*.pdf"))
    assert len(sheets) >= 4
    for pdf in sheets:
        assert _info(pdf)["Pages"] == "1", pdf.name


def test_report_pdf_has_drawn_charts_and_no_link_addresses_in_tables(printed: dict[str, Path]) -> None:
    text = _text(printed["public"] / urls.report_pdf(YEAR))
    assert "Diagrammet vises, når JavaScript" not in text
    assert not re.search(r"\(https?://", text)
    # plotly's axis labels are text in the PDF: the before/after legend of a drawn chart
    assert "Før" in text and "Efter" in text and "Målepunkt 1" in text


def test_no_public_pdf_contains_internal_text(printed: dict[str, Path]) -> None:
    import issue10_build

    for pdf in (printed["public"] / urls.DOWNLOADS).rglob("*.pdf"):
        text = _text(pdf)
        assert "KANARIE" not in text, pdf
    canary_sheet = printed["internal"] / urls.factsheet_pdf(issue10_build.CANARY_ACTIVITY)
    assert issue10_build.CANARY in _text(canary_sheet)  # the internal edition shows the contact
    assert issue10_build.CANARY_NOTE in _text(printed["internal"] / urls.report_pdf(YEAR))
    _, public_data = _model("public")
    assert audit.audit(printed["public"], public_data, issue10_build.SITE_URL) == []


def test_audit_reads_pdf_text(printed: dict[str, Path], tmp_path: Path) -> None:
    """An internal fact sheet copied into the public edition is found by the audit."""
    import issue10_build

    site = tmp_path / "public"
    shutil.copytree(printed["public"], site)
    shutil.copy(
        printed["internal"] / urls.factsheet_pdf(issue10_build.CANARY_ACTIVITY),
        site / urls.factsheet_pdf(issue10_build.CANARY_ACTIVITY),
    )
    _, public_data = _model("public")
    problems = audit.audit(site, public_data, issue10_build.SITE_URL)
    assert [p.file for p in problems if p.kind == "internal-leak"] == [urls.factsheet_pdf(issue10_build.CANARY_ACTIVITY)]


def test_missing_browser_is_a_message_not_a_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    messages: list[str] = []
    monkeypatch.setattr(printing, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("SIKKERBY_REQUIRE_PDF", raising=False)
    monkeypatch.delenv("SIKKERBY_PDF", raising=False)
    assert printing.print_pdfs(tmp_path, [("x/", "x.pdf")], messages.append) == []
    assert "Chromium findes ikke" in messages[0]
    monkeypatch.setenv("SIKKERBY_REQUIRE_PDF", "1")
    with pytest.raises(printing.PdfUnavailable):
        printing.print_pdfs(tmp_path, [("x/", "x.pdf")], messages.append)
