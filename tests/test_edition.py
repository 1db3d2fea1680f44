"""Edition selection, small-number suppression and sanitizing (unit level)."""

from __future__ import annotations

import pytest

from sikkerby_build import edition
from sikkerby_build.disclosure import Suppressed
from sikkerby_build.load import ContentPage, load_data
from sikkerby_build.sanitize import markdown_to_safe_html, plain_text
from tests.conftest import DATA


@pytest.fixture(scope="module")
def dataset():
    ds = load_data(DATA)
    act = dict(ds.tables["activities"][0])
    act.update(
        id="hemmelig-aktivitet", name="KANARIE hemmelig aktivitet", audience="internal", description="Kun internt indhold her."
    )
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


def test_public_suppresses_person_counts_as_a_value(dataset):
    public = edition.select(dataset, PAGES, "public")
    value = public.tables["followups"][0]["participants"]
    assert isinstance(value, Suppressed) and str(value) == "<5"


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


# ---------------------------------------------------------------- audience cascade (adversarial copies)


def _edit_csv(path, change) -> None:
    """Rewrite a CSV with ``change(row) -> None`` applied to every row (dicts, header kept)."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        rows = list(reader)
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _write_public(data_dir, tmp_path):
    """The public edition of a data folder and its downloads; returns (EditionData, downloads dir)."""
    from sikkerby_build import compute, downloads

    public = edition.select(load_data(data_dir), [], "public")
    target = tmp_path / "downloads"
    downloads.write(target, public, compute.build_model(public.tables))
    return public, target


def _frictionless_errors(target) -> list[str]:
    from frictionless import Package

    report = Package(str(target / "datapackage.json")).validate()
    return [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + [
        f"{e.type}: {e.message}" for e in report.errors
    ]


def _followup_with_children() -> tuple[str, str]:
    ds = load_data(DATA)
    measured = {(r["activity_id"], r["year"]) for r in ds.table("measurements")}
    scored = {(r["activity_id"], r["year"]) for r in ds.table("effect_scores")}
    activity, year = sorted(measured & scored)[0]
    return activity, str(year)


def test_internal_followup_takes_its_measurements_and_scores_along(data_copy, tmp_path):
    activity, year = _followup_with_children()

    def hide(row):
        if row["activity_id"] == activity and row["year"] == year:
            row["audience"] = "internal"

    _edit_csv(data_copy / "followups.csv", hide)
    public, target = _write_public(data_copy, tmp_path)
    key = (activity, int(year))
    for name in ("followups", "measurements", "effect_scores"):
        assert all((r["activity_id"], r["year"]) != key for r in public.tables[name]), name
        text = (target / f"{name}.csv").read_text(encoding="utf-8")
        assert f"\n{activity},{year}," not in text and f",{activity},{year}," not in text, name
    assert public.excluded["followups"] == 1 and public.excluded["measurements"] >= 1
    assert public.excluded["effect_scores"] >= 1
    import json

    scores = json.loads((target / "scores.json").read_text(encoding="utf-8"))
    assert all((s["activity_id"], s["year"]) != key for s in scores)
    assert activity in {a["id"] for a in public.tables["activities"]}  # the parent stays
    assert _frictionless_errors(target) == []


def test_internal_activity_removes_every_row_that_references_it_transitively(data_copy, tmp_path):
    activity, _ = _followup_with_children()

    def hide(row):
        if row["id"] == activity:
            row["audience"] = "internal"

    _edit_csv(data_copy / "activities.csv", hide)
    public, target = _write_public(data_copy, tmp_path)
    internal = edition.select(load_data(data_copy), [], "internal")
    touched = [name for name, rows in internal.tables.items() if any(r.get("activity_id") == activity for r in rows)]
    assert {"followups", "measurements", "effect_scores", "activity_administrations"} <= set(touched)
    for name in touched:
        assert all(r.get("activity_id") != activity for r in public.tables[name]), name
        assert activity not in (target / f"{name}.csv").read_text(encoding="utf-8"), name
    assert activity not in {a["id"] for a in public.tables["activities"]}
    assert _frictionless_errors(target) == []


def test_cascade_follows_the_descriptor_not_a_list(dataset):
    """A new resource referencing measurements is cascaded with no code change."""
    import copy

    ds = copy.deepcopy(dataset)
    ds.descriptor["resources"].append(
        {
            "name": "notes",
            "path": "notes.csv",
            "schema": {
                "fields": [{"name": "measurement_id", "type": "string"}, {"name": "note", "type": "string"}],
                "foreignKeys": [{"fields": "measurement_id", "reference": {"resource": "measurements", "fields": "id"}}],
            },
        }
    )
    child = ds.tables["measurements"][0]
    ds.tables["notes"] = [{"measurement_id": child["id"], "note": "en note"}, {"measurement_id": None, "note": "fri"}]
    ds.tables["followups"] = [
        {**f, "audience": "internal"} if (f["activity_id"], f["year"]) == (child["activity_id"], child["year"]) else f
        for f in ds.tables["followups"]
    ]
    public = edition.select(ds, [], "public")
    assert public.tables["notes"] == [{"measurement_id": None, "note": "fri"}]


@pytest.mark.parametrize("value", ["intern", "Internal ", "skjult", "nej"])
def test_unknown_audience_is_internal(dataset, value):
    import copy

    ds = copy.deepcopy(dataset)
    ds.tables["activities"][2] = {**ds.tables["activities"][2], "audience": value}
    hidden = ds.tables["activities"][2]["id"]
    public = edition.select(ds, [], "public")
    assert hidden not in {a["id"] for a in public.tables["activities"]}
    assert all(f["activity_id"] != hidden for f in public.tables["followups"])


def test_validation_rejects_an_unknown_audience(data_copy):
    from sikkerby_build.validate import validate

    def odd(row):
        if row["id"] == "feriecamp":
            row["audience"] = "intern"

    _edit_csv(data_copy / "activities.csv", odd)
    report = validate(data_copy, data_copy / "content")
    assert any(p.file == "activities.csv" and p.field == "audience" for p in report.errors), report.render()


# ---------------------------------------------------------------- aggregates from the edition's rows


def test_participants_exclude_internal_activities(data_copy):
    ds = load_data(data_copy)
    counted = [f for f in ds.table("followups") if f["participants"]]
    biggest = max(counted, key=lambda f: f["participants"])

    def hide(row):
        if row["id"] == biggest["activity_id"]:
            row["audience"] = "internal"

    _edit_csv(data_copy / "activities.csv", hide)
    public = edition.select(load_data(data_copy), [], "public")
    expected = sum(f["participants"] for f in counted if f["activity_id"] != biggest["activity_id"])
    assert public.participants["I alt"] == expected
    internal = edition.select(load_data(data_copy), [], "internal")
    assert internal.participants["I alt"] == expected + biggest["participants"]


def test_participants_never_reveal_a_suppressed_followup(dataset):
    import copy

    ds = copy.deepcopy(dataset)
    rows = ds.tables["followups"]
    big = next(i for i, f in enumerate(rows) if f["participants"] and f["participants"] >= 5)
    category = rows[big]["prevention_category"]
    small = next(i for i, f in enumerate(rows) if f["prevention_category"] == category and i != big and f["participants"] is None)
    rows[small] = {**rows[small], "participants": 3}
    public = edition.select(ds, [], "public")
    assert public.tables["followups"][small]["participants"] == Suppressed(5)
    exact = rows[big]["participants"] + 3
    cell = public.participants[category]
    assert isinstance(cell, Suppressed) and str(exact) not in str(cell).replace("–", " ").split()
    assert isinstance(public.participants["I alt"], Suppressed)
    # the shown total minus the shown row counts leaves each hidden row anywhere in 1..4
    hidden = sum(isinstance(f["participants"], Suppressed) for f in public.tables["followups"])
    shown = sum(f["participants"] for f in public.tables["followups"] if isinstance(f["participants"], int))
    low, high = public.participants["I alt"].bounds
    assert (low - shown, high - shown) == (hidden, 4 * hidden)


def test_downloads_write_suppressed_counts_and_validate(data_copy, tmp_path):
    def small(row):
        if row["activity_id"] == "feriecamp":
            row["participants"] = "3"

    _edit_csv(data_copy / "followups.csv", small)
    public, target = _write_public(data_copy, tmp_path)
    import csv

    with (target / "followups.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["activity_id"] == "feriecamp")
    assert row["participants"] == "<5"
    assert _frictionless_errors(target) == []


# ---------------------------------------------------------------- warnings for text that cannot be made safe


def test_unsafe_text_is_reported_with_file_physical_line_and_field(data_copy):
    from sikkerby_build.edition import public_text_warnings as unsafe_text_warnings

    ds = load_data(data_copy)
    target = ds.table("measurements")[5]["id"]

    def plant(row):
        if row["id"] == target:
            row["after_text"] = "Første linje.\n\nAnden linje: KANARIE For de to, der viser en stigning."

    _edit_csv(data_copy / "measurements.csv", plant)
    lines = (data_copy / "measurements.csv").read_text(encoding="utf-8").split("\n")
    physical = next(i for i, line in enumerate(lines, start=1) if "KANARIE" in line)
    warnings = unsafe_text_warnings(load_data(data_copy))
    hits = [w for w in warnings if w.file == "measurements.csv" and w.field == "after_text" and w.row == physical]
    assert len(hits) == 1 and hits[0].severity == "error"  # issue 17: a small count of persons in public text is an error
    assert "de to" in hits[0].message


def test_internal_rows_are_not_warned_about(data_copy):
    from sikkerby_build.edition import public_text_warnings as unsafe_text_warnings

    def plant(row):
        if row["id"] == "feriecamp":
            row["description"] = "For de to, der viser en stigning."
            row["audience"] = "internal"

    _edit_csv(data_copy / "activities.csv", plant)
    assert not [w for w in unsafe_text_warnings(load_data(data_copy)) if w.file == "activities.csv" and w.subject == "feriecamp"]


def test_public_text_is_rewritten_in_the_edition(dataset):
    import copy

    ds = copy.deepcopy(dataset)
    ds.tables["measurements"][0] = {**ds.tables["measurements"][0], "after_text": "Derudover kom 4 fra sikrede institutioner."}
    public = edition.select(ds, [], "public")
    assert public.tables["measurements"][0]["after_text"] == "Derudover kom <5 fra sikrede institutioner."
    internal = edition.select(ds, [], "internal")
    assert internal.tables["measurements"][0]["after_text"] == "Derudover kom 4 fra sikrede institutioner."
