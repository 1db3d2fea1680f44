"""Adversarial tests for issue 17 (trust, second round): no leak by a paste, a download or a
subtraction; no crash on a hostile file.

Fast unit tests of the normalisation, exemptions, parsing bounds and CSV neutralisation, and
one shared build (slow) of a small synthetic package carrying every planted case.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from sikkerby_build import audit, cli, disclosure, edition, matching, pipeline
from sikkerby_build.downloads import _cell
from sikkerby_build.edition import EditionData
from sikkerby_build.load import ContentPage, FrontMatterError, load_content, load_data, parse_front_matter
from sikkerby_build.sanitize import MAX_NESTING, markdown_to_safe_html, nesting_depth, spreadsheet_safe
from sikkerby_build.validate import validate
from tests.conftest import rewrite_csv

SECRET = "Lukket møde om budgetreserven på Nørrebro"
VARIANTS = {
    "soft hyphen": "Lukket mø\u00adde om budget\u00adreserven på Nørrebro",
    "zero-width space": "Lukket møde om budget\u200breserven på Nørrebro",
    "zero-width joiner": "Lukket møde om budgetre\u200dserven på Nørrebro",
    "ascii spelling": "Lukket moede om budgetreserven paa Noerrebro",
    "upper case": "LUKKET MØDE OM BUDGETRESERVEN PÅ NØRREBRO",
    "full width": "Ｌukket møde om budgetreserven på Nørrebro",
    "entities": "Lukket m&oslash;de om budgetreserven p&#229; N&#xF8;rrebro",
    "split by markup": "Lukket mø<b>de</b> om budget<!-- x -->reserven på Nørrebro",
    "url-encoded link": '<a href="https://x.example/?q=Lukket%20m%C3%B8de%20om%20budgetreserven%20p%C3%A5%20N%C3%B8rrebro">x</a>',
}


def _public(values: list[str], phones: list[str] | None = None) -> EditionData:
    return EditionData("public", {}, [], {"resources": []}, 5, internal_values=values, internal_phones=phones or [])


def _site(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- normalisation


def test_fold_is_one_form_for_every_spelling():
    expected = matching.fold(SECRET)
    for name, variant in VARIANTS.items():
        if name in {"entities", "split by markup", "url-encoded link"}:
            continue
        assert matching.fold(variant) == expected, name
    assert matching.normalise("Lukket m&oslash;de om budgetreserven p%C3%A5 N\\u00f8rrebro") == expected
    assert matching.fold("a  \n\t b") == "a b"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_audit_finds_every_variant_of_a_secret(tmp_path: Path, name: str):
    site = _site(tmp_path, {"side/index.html": f"<p>{VARIANTS[name]}</p>"})
    problems = audit.audit(site, _public([SECRET]))
    assert [p.kind for p in problems] == ["internal-leak"], name


def test_audit_reads_comments_alt_texts_and_metadata(tmp_path: Path):
    site = _site(
        tmp_path,
        {
            "a/index.html": f"<!-- {SECRET} --><p>x</p>",
            "b/index.html": f'<img alt="{SECRET}" src="x.png">',
            "c/index.html": f'<meta name="description" content="{SECRET}">',
            "feed.xml": f"<rss><item><category>{SECRET}</category></item></rss>",
        },
    )
    files = {p.file for p in audit.audit(site, _public([SECRET]))}
    assert files == {"a/index.html", "b/index.html", "c/index.html", "feed.xml"}


# ---------------------------------------------------------------- contact parts


def test_contact_parts_are_searched_on_their_own(tmp_path: Path):
    contact = "Jens Hansen, jens.hansen@kk.dk, tlf. 12 34 56 78"
    parts = matching.contact_parts(contact, contact_field=True)
    assert {"Jens Hansen", "jens.hansen@kk.dk", "jens.hansen"} <= set(parts)
    assert matching.phone_digits(contact) == {"12345678"}
    assert matching.phone_digits("i 2010-2014 og 1.039.956 kr.") == set()
    site = _site(
        tmp_path,
        {
            "mail/index.html": "<p>Skriv til JENS.HANSEN@KK.DK</p>",
            "tlf/index.html": "<p>Ring +45 1234 5678</p>",
            "navn/index.html": "<p>Spørg Jens&nbsp;Hansen</p>",
            "ren/index.html": "<p>Ring til borgerservice</p>",
        },
    )
    problems = audit.audit(site, _public([contact, *parts], ["12345678"]))
    assert {p.file for p in problems} == {"mail/index.html", "tlf/index.html", "navn/index.html"}


def test_internal_contact_parts_reach_the_audit_from_the_sources():
    ds = load_data(Path("data"))
    row = ds.tables["activities"][0]
    row["contact"] = "Mette Frederiksen-Holm, mette.fh@kk.dk, 87 65 43 21"
    data = edition.select(ds, [], "public")
    assert "mette.fh@kk.dk" in data.internal_values and "Mette Frederiksen-Holm" in data.internal_values
    assert data.internal_phones == ["87654321"]


# ---------------------------------------------------------------- exemptions


def _page(path: str, body: str, audience: str = "public", **meta) -> ContentPage:
    return ContentPage(path=path, meta={"audience": audience, **meta}, body=body, audience=audience)


def test_a_paste_into_a_public_page_does_not_exempt_an_internal_sentence():
    ds = load_data(Path("data"))
    sentence = "Beredskabsplanen for Mjølnerparken ligger i den lukkede mappe hos driften."
    pages = [
        _page(
            "intern/plan.md",
            f"{sentence}\n",
            "internal",
            title="Beredskab for driftsledere",
            description="Kun for driften i området",
        ),
        _page("om.md", f"Her er et citat: {sentence}\n"),
    ]
    data = edition.select(ds, pages, "public")
    assert sentence in data.internal_values
    assert "Beredskab for driftsledere" in data.internal_values and "Kun for driften i området" in data.internal_values


def test_internal_page_comments_alt_texts_and_link_targets_are_secrets():
    ds = load_data(Path("data"))
    body = "Tekst.\n\n<!-- ring til vagten på 11 22 33 44 -->\n\n![Kort over de lukkede adresser](kort.png)\n\n[mappe](https://intranet.kk.example/sikker-by/plan)\n"
    data = edition.select(ds, [_page("intern/x.md", body, "internal")], "public")
    assert "Kort over de lukkede adresser" in data.internal_values
    assert "https://intranet.kk.example/sikker-by/plan" in data.internal_values
    assert "11223344" in data.internal_phones


def test_a_value_public_in_the_data_is_exempt():
    ds = load_data(Path("data"))
    name = ds.tables["activities"][0]["name"]
    data = edition.select(ds, [_page("intern/x.md", f"{name}\n", "internal", title=name)], "public")
    assert name not in data.internal_values


# ---------------------------------------------------------------- audience


def test_a_page_under_intern_without_audience_is_internal(tmp_path: Path):
    (tmp_path / "intern").mkdir()
    (tmp_path / "intern" / "a.md").write_text("---\ntitle: Intern side\n---\nHemmeligt.\n", encoding="utf-8")
    (tmp_path / "intern" / "b.md").write_text("Ingen front matter.\n", encoding="utf-8")
    loaded = load_content(tmp_path)
    assert {p.path: p.audience for p in loaded.pages} == {"intern/a.md": "internal", "intern/b.md": "internal"}
    assert all(not edition.is_public_page(p) for p in loaded.pages)


def test_a_public_audience_under_intern_is_a_located_error(tmp_path: Path):
    (tmp_path / "intern").mkdir()
    (tmp_path / "intern" / "a.md").write_text("---\ntitle: X\naudience: public\n---\nx\n", encoding="utf-8")
    loaded = load_content(tmp_path)
    assert not loaded.pages
    [problem] = loaded.problems
    assert (problem.kind, problem.file, problem.row, problem.field) == ("audience-folder", "content/intern/a.md", 3, "audience")


# ---------------------------------------------------------------- bounded parsing

ALIAS_BOMB = (
    '---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + "title: *i\n---\nx\n"
)


def test_yaml_alias_bomb_is_a_located_error():
    assert len(ALIAS_BOMB) < 600
    with pytest.raises(FrontMatterError) as exc:
        parse_front_matter(ALIAS_BOMB)
    assert exc.value.kind == "front-matter-alias" and exc.value.line == 2 and len(exc.value.message) < 300


def test_front_matter_has_a_size_bound():
    with pytest.raises(FrontMatterError) as exc:
        parse_front_matter("---\ntitle: " + "x" * 40_000 + "\n---\nx\n")
    assert exc.value.kind == "front-matter-too-large"
    assert parse_front_matter('---\ntitle: "*ikke et alias* & co"\n---\nx\n').meta["title"] == "*ikke et alias* & co"


NESTED = {
    "list": "".join("  " * i + "- x\n" for i in range(600)),
    "quote": "> " * 600 + "x",
    "html": "<span>" * 600 + "x",
    "brackets": "[" * 600 + "x" + "]" * 600,
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_nesting_depth_is_measured_and_rendering_never_raises(kind: str):
    depth, _ = nesting_depth(NESTED[kind])
    assert depth > MAX_NESTING
    markdown_to_safe_html(NESTED[kind])  # the backstop: a RecursionError never escapes
    assert markdown_to_safe_html("[mere](https://www.kk.dk/) *fremhævet*").count("<") >= 4  # and rendering still works after it


def test_hostile_cells_and_pages_are_located_errors(data_copy: Path):
    def plant(rows):
        rows[0]["description"] = "Indledning.\n\n" + NESTED["quote"]
        rows[3]["description"] = NESTED["html"]
        rows[1]["name"] = "Aktivitet \u202eesrever"
        rows[2]["target_group"] = "Unge\x0bi Word"

    rewrite_csv(data_copy / "activities.csv", plant)
    post = next((data_copy / "content" / "nyheder").glob("*.md"))
    text = post.read_text(encoding="utf-8")
    post.write_text(
        re.sub(r"\ncategories:.*?\n(?=\w)", lambda m: '\ncategories: ["Nyt\\x01"]\n', text, count=1, flags=re.S), encoding="utf-8"
    )
    story = data_copy / "content" / "about.md"
    story.write_text(story.read_text(encoding="utf-8").replace("---\n", '---\nnav_title: "Om \u2066os"\n', 1), encoding="utf-8")
    report = validate(data_copy, data_copy / "content")
    found = {(p.kind, p.file, p.field) for p in report.errors}
    deep = sorted(p.row for p in report.errors if p.kind == "nesting-too-deep")
    assert len(deep) == 2 and deep[0] > 2  # the quote starts on the cell's third line
    assert ("control-character", f"content/{post.relative_to(data_copy / 'content').as_posix()}", "categories") in found
    assert ("bidi-control", "content/about.md", "nav_title") in found
    assert ("bidi-control", "activities.csv", "name") in found
    assert ("control-character", "activities.csv", "target_group") in found
    assert all(p.row for p in report.errors)


def test_disk_full_is_a_danish_message_without_traceback(monkeypatch, capsys, tmp_path: Path):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "site"))

    monkeypatch.setattr(pipeline, "build", full)
    assert cli.main(["build", "--edition", "public", "--out", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "Disken er fuld" in err and "Traceback" not in err


# ---------------------------------------------------------------- downloads


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("https://evil.example","klik")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\uff1d1+1",
        "  =1",
    ],
)
def test_formula_cells_are_neutralised(cell: str):
    assert spreadsheet_safe(cell).startswith("'") and _cell(cell).startswith("'")


@pytest.mark.parametrize("value", [-3, 2.5, 0, "-12", "-3,5 %", "Almindelig tekst", "- ikke en formel?"])
def test_numbers_stay_numbers(value):
    out = _cell(value)
    if isinstance(value, (int, float)) or re.fullmatch(r"-[\d,]+( %)?", str(value)):
        assert out == str(value)
    elif str(value).startswith("-"):
        assert out == "'" + value
    else:
        assert out == value


# ---------------------------------------------------------------- suppression arithmetic


def _charges(ds, rows):
    ds.tables["crime_charges"] = [
        {"year": y, "quarter": q, "age_group": a, "district_id": d, "count": c, "source": "test"} for y, q, a, d, c in rows
    ]


def test_stated_city_total_is_left_out_and_a_wrong_one_is_an_error(data_copy: Path):
    rows = [
        "2019,1,10–14,indre-by,3,test", "2019,1,10–14,noerrebro,40,test", "2019,1,10–14,hele-byen,43,test",
        "2019,2,10–14,indre-by,12,test", "2019,2,10–14,hele-byen,99,test", "2019,3,10–14,hele-byen,2,test",
    ]  # fmt: skip
    districts = {r["id"] for r in csv.DictReader(open(data_copy / "districts.csv", encoding="utf-8"))}
    assert {"indre-by", "noerrebro"} <= districts
    (data_copy / "crime_charges.csv").write_text(
        "year,quarter,age_group,district_id,count,source\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    report = validate(data_copy, data_copy / "content")
    [wrong] = [p for p in report.errors if p.kind == "stated-total-mismatch"]
    assert (wrong.file, wrong.row, wrong.field) == ("crime_charges.csv", 6, "count")
    assert [p.row for p in report.warnings if p.kind == "stated-total-left-out"] == [4]
    data = edition.select(load_data(data_copy), [], "public")
    shown = {(r["quarter"], r["district_id"]): r["count"] for r in data.tables["crime_charges"]}
    assert (1, "hele-byen") not in shown and (2, "hele-byen") not in shown
    assert isinstance(shown[(1, "indre-by")], disclosure.Suppressed) and isinstance(
        shown[(3, "hele-byen")], disclosure.Suppressed
    )


def recoverable(rows: list[dict], count: str, dims: list[str], totals: set[str]) -> list[tuple]:
    """Every subtraction a reader can do: for each dimension, each group of rows equal in all other
    dimensions with a stated total (a row whose value in that dimension is a total word, or the
    sum over the group published anywhere) and exactly one hidden part gives that part exactly."""
    found = []
    for dim in dims:
        others = [d for d in dims if d != dim]
        groups: dict[tuple, list[dict]] = {}
        for r in rows:
            groups.setdefault(tuple(r[d] for d in others), []).append(r)
        for key, group in groups.items():
            total = [r for r in group if r[dim] in totals]
            parts = [r for r in group if r[dim] not in totals]
            hidden = [r for r in parts if not re.fullmatch(r"\d+", str(r[count]))]
            if total and len(hidden) == 1 and re.fullmatch(r"\d+", str(total[0][count])):
                found.append((dim, key, int(total[0][count]) - sum(int(r[count]) for r in parts if r not in hidden)))
    return found


def test_recoverable_finds_a_subtraction():
    rows = [{"d": "a", "q": 1, "n": "<5"}, {"d": "b", "q": 1, "n": "40"}, {"d": "hele-byen", "q": 1, "n": "43"}]
    assert recoverable(rows, "n", ["d", "q"], {"hele-byen"}) == [("d", (1,), 3)]


# ---------------------------------------------------------------- free text


def test_real_small_counts_in_free_text_are_rewritten_and_the_source_kept_internally():
    ds = load_data(Path("data"))
    public = edition.select(ds, [], "public")
    internal = edition.select(ds, [], "internal")
    text = {r["id"]: r for r in public.tables["measurements"]}
    assert "færre end 5 med positiv afslutning." in text["ssp-plus-2019-1"]["after_text"]
    assert "To af disse" not in text["vink-2019-7"]["after_text"]
    assert "(3 ud af 4)" not in text["vink-2019-7"]["met_basis"]
    assert "(1)" not in text["eki-exit-2019-2"]["before_text"]
    assert "public_wordings" not in public.tables
    source = {r["id"]: r for r in internal.tables["measurements"]}
    assert "2 med positiv afslutning." in source["ssp-plus-2019-1"]["after_text"]
    errors = [p for p in edition.public_text_warnings(ds) if p.severity == "error"]
    assert errors == []


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+|%", text.casefold())


def _in_seeds(line: str, seeds: list[str], index: dict[str, list[int]]) -> bool:
    """The line's words in the seeds in a row, then its numbers in order among the next tokens
    (a table row in the seeds may have a column per year: "deltagelse 7 3" for "deltagelse: 3")."""
    tokens = _tokens(line)
    first_number = next((i for i, t in enumerate(tokens) if t.isdigit()), len(tokens))
    words, numbers = tokens[:first_number], tokens[first_number:]
    if not words:
        return " ".join(tokens) in " ".join(seeds)
    for start in index.get(words[0], []):
        if seeds[start : start + len(words)] != words:
            continue
        rest = iter(seeds[start + len(words) : start + len(words) + 3 * len(numbers) + 6])
        if all(any(t == n for t in rest) for n in numbers):
            return True
    return False


def _near_in_seeds(line: str, seeds: list[str], index: dict[str, list[int]], window: int = 80) -> bool:
    """For a line the seeds lay out as a table: its numbers in order within a few tokens of
    each other, and most of its words within ``window`` tokens of them."""
    tokens = _tokens(line)
    numbers = [t for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    for pos in index.get(numbers[0], []) if numbers else []:
        rest = iter(seeds[pos : pos + 30])
        if not all(any(t == n for t in rest) for n in numbers):
            continue
        near = set(seeds[max(0, pos - window) : pos + window])
        if sum(w in near for w in words) >= 0.5 * len(words):
            return True
    return False


def test_public_wordings_are_faithful_to_the_seeds():
    """Every line with a number in an original is, word for word, in the municipality's documents."""
    seeds = _tokens(" ".join(p.read_text(encoding="utf-8") for p in Path("/work/shared/seeds").glob("0*.txt")))
    if not seeds:
        pytest.skip("seeds not available")
    index: dict[str, list[int]] = {}
    for i, t in enumerate(seeds):
        index.setdefault(t, []).append(i)
    checked = 0
    with open("data/public_wordings.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for line in row["original"].split("\n"):
                if row["public"] != row["original"] and re.search(r"\d", line) and len(_tokens(line)) >= 3:
                    # word for word (a table row may have a column per year), or, for a summary or a
                    # table the seeds lay out in columns, every word within 40 words of its first number
                    assert _in_seeds(line, seeds, index) or _near_in_seeds(line, seeds, index), line
                    checked += 1
            if row["public"] != row["original"]:  # a reviewed passage is kept as it is
                assert not [f for f in disclosure.analyse_text(row["public"])[1] if f.kind == "unhandled"], row["public"]
    assert checked > 20
    for invented in ("Afsluttet positiv: 19 / 12 / 11 / 7", "Afsluttet positiv: 91 / 21 / 11 / 2"):
        assert not (_in_seeds(invented, seeds, index) or _near_in_seeds(invented, seeds, index))


def test_a_new_small_count_in_public_text_is_an_error(data_copy: Path):
    def plant(rows):
        rows[0]["after_text"] = "Af disse vurderede SSP+: 3 med positiv afslutning."

    rewrite_csv(data_copy / "measurements.csv", plant)
    report = validate(data_copy, data_copy / "content")
    assert any(p.kind == "small-number-text" and p.file == "measurements.csv" and p.row == 2 for p in report.errors)


# ---------------------------------------------------------------- one shared build


def _plant_district_charges(data: Path) -> None:
    """Quarter 1 of the synthetic charges also per district (3 in Indre By: hidden), beside the
    stated city row that equals their sum."""
    charges = list(csv.DictReader(open(data / "crime_charges.csv", encoding="utf-8")))
    out = []
    for r in charges:
        if r["quarter"] == "1":
            rest = max(int(r["count"]) - 3, 0)
            r = dict(r, count=str(3 + rest))
            out += [dict(r, district_id="indre-by", count="3"), dict(r, district_id="noerrebro", count=str(rest))]
        out.append(r)
    with open(data / "crime_charges.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(charges[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)


def test_no_published_total_of_the_synthetic_package_reveals_a_hidden_part(tmp_path: Path):
    """Totals on pages and charts (key figures per age group, year to date over quarters, per
    prevention category) are intervals whenever a part is hidden; the package itself holds no
    stated total beside its parts."""
    from sikkerby_build import compute
    from sikkerby_build.synth import write_package

    write_package(tmp_path, 12, 2, 7)
    _plant_district_charges(tmp_path)
    assert validate(tmp_path).ok
    data = edition.select(load_data(tmp_path), [], "public")
    rows = [{k: str(v) for k, v in r.items()} for r in data.tables["crime_charges"]]
    assert (
        any(r["count"] == "<5" for r in rows)
        and recoverable(rows, "count", ["district_id", "age_group", "quarter", "year"], {"hele-byen"}) == []
    )
    kf = compute.build_model(data.tables).figures.key_figures
    checked = 0
    for comparison in [kf.charges_by_age]:
        for side in ("current", "previous"):
            parts = [getattr(line, side) for line in comparison.lines]
            total = getattr(comparison.total, side)
            if any(isinstance(v, disclosure.Suppressed) for v in parts):
                checked += 1
                assert isinstance(total, disclosure.Suppressed), (side, parts, total)
                low, high = total.bounds
                assert low < high
    for _, _, count in kf.quarters_reports:
        assert not isinstance(count, bool)
    participants = data.participants
    if any(isinstance(v, disclosure.Suppressed) for k, v in participants.items() if k != "I alt"):
        checked += 1
        assert isinstance(participants["I alt"], disclosure.Suppressed)
    assert checked >= 1


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory):
    """A small synthetic package carrying every planted case of issue 17, built once (public).
    Leaks go into a public content page: validation must refuse them in the sources. The package
    without them is built and every output file is read; a copy of the output with the same leaks
    must fail the build's audit."""
    from sikkerby_build.synth import write_package

    root = tmp_path_factory.mktemp("trust2")
    data = root / "data"
    write_package(data, 6, 1, 7)
    contact = "Mette Frederiksen-Holm, mette.fh@kk.dk, 87 65 43 21"

    def plant_activities(rows):
        rows[0]["contact"] = contact
        rows[1]["aliases"] = '=HYPERLINK("https://evil.example","klik")'
        rows[2]["other_partners"] = "+1+cmd|' /C calc'!A0"
        rows[3]["aliases"] = "@SUM(A1:A9)"

    rewrite_csv(data / "activities.csv", plant_activities)
    _plant_district_charges(data)
    intern = data / "content" / "intern"
    (intern / "vagtplan.md").write_text(
        f'---\ntitle: "Vagtplan for driftsledere"\ndescription: "Aftaler om lukkede møder i driften"\n---\n\n{SECRET}.\n\n'
        "<!-- Nøglen til depotet hænger i skabet på kontoret -->\n\nRing til vagten på 11 22 33 44.\n",
        encoding="utf-8",
    )
    about = data / "content" / "about.md"
    clean_about = about.read_text(encoding="utf-8")
    leaks = {
        "paste": f"{SECRET}.",
        "soft hyphen": VARIANTS["soft hyphen"],
        "ascii": VARIANTS["ascii spelling"],
        "comment": "<!-- Nøglen til depotet hænger i skabet på kontoret -->",
        "title": "Se Vagtplan for driftsledere",
        "description": "Om Aftaler om lukkede møder i driften",
        "mail": "[skriv](mailto:mette.fh@kk.dk)",
        "name": "Spørg Mette Frederiksen-Holm",
        "phone": "Ring 8765 4321 eller 11223344.",
    }
    about.write_text(clean_about + "\n\n" + "\n\n".join(leaks.values()) + "\n", encoding="utf-8")
    in_sources = [p for p in validate(data, data / "content").errors if p.kind == "internal-text-on-public-page"]
    about.write_text(clean_about, encoding="utf-8")
    out = root / "site"
    pipeline.build("public", data, out, data / "content")
    # The same leaks in the output (as a template, a plugin or an engine could put them there):
    # a copy of the built site with them in the about page, audited as the build audits.
    leaky = root / "leaky"
    shutil.copytree(out / "public", leaky)
    page = leaky / "om" / "index.html"
    html_leaks = [markdown_to_safe_html(v) if not v.startswith("<!--") else v for v in leaks.values()]
    page.write_text(
        page.read_text(encoding="utf-8").replace("</article>", "\n".join(html_leaks) + "</article>", 1), encoding="utf-8"
    )
    edition_data = edition.select(load_data(data), list(load_content(data / "content")), "public")
    in_output = audit.audit(leaky, edition_data)
    return (in_sources, in_output), out / "public", data


@pytest.mark.slow
def test_every_planted_leak_is_refused_in_the_sources_and_in_the_output(planted):
    (in_sources, in_output), _, _ = planted
    assert {p.file for p in in_sources} == {"content/about.md"} and all(p.row for p in in_sources)
    planted_texts = [SECRET[:40], "Nøglen til depotet", "Vagtplan for driftsledere", "Aftaler om lukkede møder",
                     "mette.fh@kk.dk", "Mette Frederiksen-Holm"]  # fmt: skip
    sources = " ".join(p.message for p in in_sources)
    for needle in planted_texts:
        assert needle in sources, needle
    assert {p.kind for p in in_output} == {"internal-leak"} and {p.file for p in in_output} == {"om/index.html"}
    output = " ".join(p.message for p in in_output)
    for needle in [*planted_texts, "8765", "1122"]:  # and the planted phone numbers
        assert needle in output, needle


def _public_files(site: Path):
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".csv", ".json", ".xml", ".js", ".txt", ".svg"}:
            yield path, path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
def test_clean_build_has_no_secret_no_formula_and_no_recoverable_count(planted):
    _, site, data = planted
    secrets = [
        matching.fold(s) for s in ["mette.fh@kk.dk", "Mette Frederiksen-Holm", "Nøglen til depotet", "Vagtplan for driftsledere"]
    ]
    csv_files = 0
    for path, text in _public_files(site):
        folded = matching.normalise(text)
        assert not [s for s in secrets if s in folded], path
        assert "87654321" not in matching.phone_digits(folded), path
        if path.suffix == ".csv":
            csv_files += 1
            for row in csv.reader(io.StringIO(text)):
                assert not [c for c in row if (c and c[0] in "=+@\t\r") or re.match(r"-(?![\d,. %]*$)", c)], (path, row)
        if path.suffix == ".xml":
            import xml.dom.minidom

            xml.dom.minidom.parseString(text.encode("utf-8"))  # well-formed
    assert csv_files > 5
    activities = next(site.rglob("activities.csv")).read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in activities and "'@SUM(A1:A9)" in activities and "'+1+cmd" in activities  # planted, neutralised
    charges = next(site.rglob("crime_charges.csv"))
    rows = list(csv.DictReader(io.StringIO(charges.read_text(encoding="utf-8"))))
    assert any(r["count"] == "<5" for r in rows)
    for dims in (["district_id", "age_group", "quarter", "year"],):
        assert recoverable(rows, "count", dims, {"hele-byen"}) == []
    descriptor = json.loads(next(site.rglob("datapackage.json")).read_text(encoding="utf-8"))
    assert "public_wordings" not in {r["name"] for r in descriptor["resources"]}


def test_a_paste_is_a_located_validation_error(data_copy: Path):
    """The paste is found in the sources already, at the public page's line, before any build."""
    sentence = "Nøglen til depotet hænger i skabet på kontoret ved indgang B."
    intern = data_copy / "content" / "intern" / "noegle.md"
    intern.write_text(f"---\ntitle: Nøgler\n---\n\n{sentence}\n", encoding="utf-8")
    about = data_copy / "content" / "about.md"
    text = about.read_text(encoding="utf-8")
    about.write_text(text + "\n\nOm nøgler: " + sentence.replace("depotet", "de\u00adpotet") + "\n", encoding="utf-8")
    report = validate(data_copy, data_copy / "content")
    [problem] = [p for p in report.errors if p.kind == "internal-text-on-public-page"]
    assert problem.file == "content/about.md" and problem.row == len(text.split("\n")) + 2
    intern.unlink()
    assert not [p for p in validate(data_copy, data_copy / "content").errors if p.kind == "internal-text-on-public-page"]


@pytest.mark.parametrize(
    "text",
    ["i forhold til princip et og tre.", "i tråd med princip et, to, tre og fem i Sikker By", "fokusområde 2 og 3."],
)
def test_a_number_that_names_a_principle_is_not_a_count(text):
    """overview_rows.csv (the report's overview): "princip et og tre" names principles, not persons."""
    shown, findings = disclosure.analyse_text(text)
    assert (shown, findings) == (text, [])


def test_a_bare_small_number_beside_persons_is_still_an_error():
    _, findings = disclosure.analyse_text("For de to, der afsluttede forløbet, gik det godt.")
    assert [f.kind for f in findings] == ["unhandled"]
