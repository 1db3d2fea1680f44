"""Edition selection, small-number suppression and sanitizing (unit level)."""

from __future__ import annotations

import pytest

from sikkerby_build import edition
from sikkerby_build.load import ContentPage, load_data
from sikkerby_build.sanitize import markdown_to_safe_html, plain_text
from tests.conftest import DATA


def test_suppression_worked_example_with_secondary_cell():
    # The methodology page's example: primær 12, sekundær 3, tertiær 40 (total 55 is shown).
    shown = edition.suppress_counts({"primær": 12, "sekundær": 3, "tertiær": 40})
    assert shown == {"primær": "<5", "sekundær": "<5", "tertiær": "40"}


def test_two_primary_cells_need_no_secondary():
    shown = edition.suppress_counts({"a": 2, "b": 3, "c": 40})
    assert shown == {"a": "<5", "b": "<5", "c": "40"}


def test_nothing_small_nothing_suppressed():
    assert edition.suppress_counts({"a": 5, "b": 0, "c": None}) == {"a": "5", "b": "0", "c": ""}


def test_threshold_is_configurable():
    assert edition.suppress_counts({"a": 8, "b": 30, "c": 50}, threshold=10) == {"a": "<10", "b": "<10", "c": "50"}


def test_small_counts_in_text():
    assert edition.suppress_text("3 unge og 12 unge, 4 personer") == "<5 unge og 12 unge, <5 personer"
    assert edition.suppress_text("2019: 40 % af 3,5 timer") == "2019: 40 % af 3,5 timer"


@pytest.fixture(scope="module")
def dataset():
    ds = load_data(DATA)
    act = dict(ds.tables["activities"][0])
    act.update(id="hemmelig-aktivitet", name="KANARIE hemmelig aktivitet", audience="internal", description="Kun internt indhold her.")
    ds.tables["activities"].append(act)
    ds.tables["activities"][1] = {**ds.tables["activities"][1], "contact": "kanarie.kontakt@kk.example"}
    ds.tables["followups"].append({**ds.tables["followups"][0], "activity_id": "hemmelig-aktivitet"})
    ds.tables["followups"][0] = {**ds.tables["followups"][0], "participants": 3}
    return ds


PAGES = [
    ContentPage("vision.md", {"title": "Vision"}, "Offentlig tekst."),
    ContentPage("intern/note.md", {"title": "Note", "audience": "internal"}, "Denne interne note må aldrig ud.", "internal"),
]


def test_public_drops_internal_rows_columns_and_pages(dataset):
    public = edition.select(dataset, PAGES, "public")
    ids = {a["id"] for a in public.tables["activities"]}
    assert "hemmelig-aktivitet" not in ids
    assert all("contact" not in a for a in public.tables["activities"])
    assert all(f["activity_id"] != "hemmelig-aktivitet" for f in public.tables["followups"])
    assert [p.path for p in public.pages] == ["vision.md"]
    assert "intern/note.md" in public.internal_pages
    assert "kanarie.kontakt@kk.example" in public.internal_values
    assert "KANARIE hemmelig aktivitet" in public.internal_values
    assert all(f["name"] != "contact" for r in public.descriptor["resources"] for f in r["schema"]["fields"])


def test_public_suppresses_person_counts(dataset):
    public = edition.select(dataset, PAGES, "public")
    assert public.tables["followups"][0]["participants"] is None
    assert public.suppressed[("followups", 0, "participants")]


def test_internal_keeps_everything(dataset):
    internal = edition.select(dataset, PAGES, "internal")
    assert "hemmelig-aktivitet" in {a["id"] for a in internal.tables["activities"]}
    assert internal.tables["followups"][0]["participants"] == 3
    assert len(internal.pages) == 2


XSS = [
    '<script>alert("x")</script>Tekst',
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="javascript:alert(1)">klik</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">p</p>',
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS)
def test_markdown_from_data_is_sanitized(payload):
    html = markdown_to_safe_html(payload).lower()
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<iframe" not in html and "onclick" not in html and "onload" not in html and "style=" not in html


@pytest.mark.parametrize("payload", XSS)
def test_plain_text_has_no_markup(payload):
    assert "<" not in plain_text(payload).replace("&lt;", "")


def test_sanitizer_keeps_lists_and_emphasis():
    html = markdown_to_safe_html("Afsnit med *kursiv*.\n\n- et\n- to")
    assert "<em>kursiv</em>" in html and "<li>et</li>" in html
