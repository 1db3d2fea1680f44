"""Content pages are read fail-closed (issue 12, items 2 and 3).

Front matter written the way real editors write it (Notepad's byte-order mark, Windows line
endings, a trailing space, YAML's ``...`` end marker, a blank first line) is understood, so an
internal page stays internal. Anything that looks like front matter but cannot be read, an
audience that cannot be determined, and symbolic links are located errors, and the build
stops before anything is published.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from sikkerby_build.load import ContentLoad, content_files, load_content, parse_front_matter
from sikkerby_build.problems import ValidationFailed
from sikkerby_build.validate import validate
from tests.conftest import CliResult, run_cli

MARKER = "Hemmelig-markoer-7f3a intern note der aldrig maa ud"

BODY = f"# Intern note\n\n{MARKER}.\n"
VARIANTS: dict[str, bytes] = {
    "plain": f"---\ntitle: Intern note\naudience: internal\n---\n\n{BODY}".encode(),
    "bom": b"\xef\xbb\xbf" + f"---\ntitle: Intern note\naudience: internal\n---\n\n{BODY}".encode(),
    "crlf": f"---\ntitle: Intern note\naudience: internal\n---\n\n{BODY}".replace("\n", "\r\n").encode(),
    "bom-crlf": b"\xef\xbb\xbf" + f"---\ntitle: Intern note\naudience: internal\n---\n\n{BODY}".replace("\n", "\r\n").encode(),
    "trailing-space": f"--- \ntitle: Intern note\naudience: internal\n---  \n\n{BODY}".encode(),
    "dots-end": f"---\ntitle: Intern note\naudience: internal\n...\n\n{BODY}".encode(),
    "blank-first-line": f"\n\n---\ntitle: Intern note\naudience: internal\n---\n\n{BODY}".encode(),
    "audience-casing": f"---\ntitle: Intern note\naudience: ' Internal '\n---\n\n{BODY}".encode(),
    "audience-unquoted-space": f"---\ntitle: Intern note\naudience: Internal   \n---\n\n{BODY}".encode(),
}


def _page(content: Path, name: str, data: bytes | str) -> Path:
    path = content / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _errors(report, file: str) -> list:
    return [p for p in report.errors if p.file == file]


# ---------------------------------------------------------------- front matter variants


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_front_matter_variants_keep_an_internal_page_internal(tmp_path: Path, variant: str):
    content = tmp_path / "content"
    _page(content, "intern-note.md", VARIANTS[variant])
    loaded = load_content(content)
    assert loaded.problems == []
    page = next(p for p in loaded.pages if p.path == "intern-note.md")
    assert page.audience == "internal"
    assert page.meta == {"title": "Intern note", "audience": "internal"}
    assert page.body.startswith("# Intern note") and MARKER in page.body
    assert "\r" not in page.body and "\ufeff" not in page.body


def test_every_front_matter_variant_validates_beside_the_real_content(data_copy: Path):
    """All variants at once in the real content (one validation, not one per variant): no error,
    and each is an internal page."""
    content = data_copy / "content"
    for variant, data in VARIANTS.items():
        _page(content, f"intern-note-{variant}.md", data)
    report = validate(data_copy, content)
    assert report.errors == []
    loaded = load_content(content)
    notes = {p.path: p.audience for p in loaded.pages if p.path.startswith("intern-note-")}
    assert notes == {f"intern-note-{v}.md": "internal" for v in VARIANTS}


def test_front_matter_lines_are_physical_lines():
    front = parse_front_matter("\ufeff\r\n\r\n---\r\ntitle: T\r\naudience: internal\r\n...\r\n\r\nTekst\r\n")
    assert front.key_lines == {"title": 4, "audience": 5}
    assert front.body_line == 8 and front.body == "Tekst\n"


def test_page_without_front_matter_is_public():
    loaded_text = "# Overskrift\n\nAlmindelig tekst uden front matter.\n\n***\n"
    front = parse_front_matter(loaded_text)
    assert (front.present, front.meta, front.body) == (False, {}, loaded_text)


def plant_bom_crlf_page(content: Path) -> None:
    _page(content, "intern-note.md", VARIANTS["bom-crlf"])


@pytest.mark.slow
def test_internal_page_with_bom_and_crlf_is_in_no_public_output_file():
    from tests import planted

    out = planted.site()
    assert (planted.data_dir() / "content" / "intern-note.md").read_bytes() == VARIANTS["bom-crlf"]
    files = [p for p in (out / "public").rglob("*") if p.is_file()]
    assert len(files) > 50
    marker = MARKER.encode()
    leaks = []
    for path in files:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        if marker in raw or b"Hemmelig-markoer-7f3a" in raw or b"intern-note" in raw:
            leaks.append(path.relative_to(out))
    assert leaks == []


# ---------------------------------------------------------------- front matter that cannot be read


def test_broken_yaml_is_located_at_the_physical_line(data_copy: Path):
    content = data_copy / "content"
    _page(content, "intern/note.md", f"\r\n---\r\ntitle: Sikker By: status\r\naudience: internal\r\n---\r\n{BODY}")
    loaded = load_content(content)
    assert "intern/note.md" not in [p.path for p in loaded.pages]
    (problem,) = loaded.problems
    assert (problem.kind, problem.file, problem.row, problem.severity) == (
        "front-matter-yaml", "content/intern/note.md", 3, "error",
    )  # fmt: skip
    assert problem.message == (
        "Front matter kan ikke læses som YAML. Der står et kolon inde i en værdi. "
        'Sæt værdien i anførselstegn, fx title: "Sikker By: status".'
    )
    report = validate(data_copy, content)
    assert [p.line() for p in _errors(report, "content/intern/note.md")] == [
        "content/intern/note.md:3: FEJL [front-matter-yaml] " + problem.message
    ]


def test_unclosed_quote_points_at_the_quote(data_copy: Path):
    content = data_copy / "content"
    _page(content, "note.md", '---\naudience: internal\ntitle: "Ikke lukket\nsource: x\n---\nTekst\n')
    (problem,) = load_content(content).problems
    assert (problem.kind, problem.row) == ("front-matter-yaml", 3)
    assert problem.message == "Front matter kan ikke læses som YAML. Et anførselstegn er åbnet, men ikke lukket."


def test_front_matter_that_never_closes(data_copy: Path):
    content = data_copy / "content"
    _page(content, "note.md", "\n---\naudience: internal\ntitle: Note\n\nTekst uden slutmarkør.\n")
    (problem,) = load_content(content).problems
    assert (problem.kind, problem.file, problem.row) == ("front-matter-unclosed", "content/note.md", 2)
    assert problem.message == (
        "Front matter begynder med '---' i linje 2, men slutter aldrig: tilføj en linje med præcis '---' efter den sidste nøgle."
    )


def test_front_matter_that_is_not_a_mapping(data_copy: Path):
    content = data_copy / "content"
    _page(content, "note.md", "---\n- audience: internal\n- title: Note\n---\nTekst\n")
    (problem,) = load_content(content).problems
    assert (problem.kind, problem.row) == ("front-matter-not-mapping", 2)
    assert problem.message == ("Front matter skal være nøgler med værdier (fx 'title: Om Sikker By'), men er en liste.")


def test_a_key_given_twice(data_copy: Path):
    content = data_copy / "content"
    _page(content, "note.md", "---\naudience: internal\ntitle: Note\naudience: public\n---\nTekst\n")
    (problem,) = load_content(content).problems
    assert (problem.kind, problem.row) == ("front-matter-duplicate-key", 4)
    assert problem.message == "Nøglen 'audience' står to gange i front matter (også i linje 2); slet den ene."


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("—-\naudience: internal\n—-\nTekst\n", 1),  # a word processor's dashes
        ("- - -\naudience: internal\n- - -\nTekst\n", 1),
        ("---- \naudience: internal\n----\nTekst\n", 1),
        ("# Note\n\nTekst\n\n---\n", 5),  # a rule near the top of a page without front matter
        ("\u200b---\ntitle: x\n---\n", None),  # zero-width space before the marker: read as front matter
    ],
)
def test_what_looks_like_front_matter_is_an_error(data_copy: Path, text: str, line: int | None):
    content = data_copy / "content"
    _page(content, "note.md", text)
    loaded = load_content(content)
    if line is None:
        assert loaded.problems == [] and next(p for p in loaded.pages if p.path == "note.md").meta == {"title": "x"}
        return
    (problem,) = loaded.problems
    assert (problem.kind, problem.row) == ("front-matter-unrecognised", line)
    assert "note.md" not in [p.path for p in loaded.pages]


def test_unrecognised_front_matter_message(data_copy: Path):
    content = data_copy / "content"
    _page(content, "note.md", "–––\naudience: internal\n–––\nTekst\n")
    (problem,) = load_content(content).problems
    assert problem.message == (
        "Linje 1 ('–––') ligner starten eller slutningen på front matter, men siden har ingen front matter, "
        "der kan læses. Front matter skal stå øverst mellem to linjer med præcis '---' (tre almindelige "
        "bindestreger). Er linjen en vandret streg, så skriv '***'."
    )


def test_audience_line_without_front_matter(data_copy: Path):
    content = data_copy / "content"
    _page(content, "note.md", "# Note\naudience: internal\n\nTekst\n")
    (problem,) = load_content(content).problems
    assert (problem.kind, problem.row) == ("front-matter-unrecognised", 2)
    assert problem.message == (
        "Linje 2 nævner 'audience:', men står ikke i front matter, så siden ville blive offentlig. "
        "Skriv front matter øverst: en linje '---', 'audience: internal' og en linje '---'."
    )


# ---------------------------------------------------------------- audience


@pytest.mark.parametrize(
    ("value", "shown"),
    [("intern", "'intern'"), ("[internal]", "en liste"), ("1", "et tal"), ("", "tom"), ("yes", "en sand/falsk-værdi")],
)
def test_audience_that_cannot_be_determined_is_an_error(data_copy: Path, value: str, shown: str):
    content = data_copy / "content"
    _page(content, "note.md", f"---\ntitle: Note\naudience: {value}\n---\n{BODY}")
    loaded = load_content(content)
    (problem,) = loaded.problems
    assert (problem.kind, problem.file, problem.row, problem.field) == ("audience-invalid", "content/note.md", 3, "audience")
    assert problem.message == (
        f"audience skal være 'public' eller 'internal', men er {shown}. Siden bygges ikke, "
        "før det er rettet, så en intern side aldrig bliver offentlig ved en fejl."
    )
    assert "note.md" not in [p.path for p in loaded.pages]
    with pytest.raises(ValidationFailed):
        list(loaded)


@pytest.mark.parametrize("key", ["Audience", "audiance", "målgruppe"])
def test_audience_lookalike_key_is_an_error(data_copy: Path, key: str):
    content = data_copy / "content"
    _page(content, "note.md", f"---\ntitle: Note\n{key}: internal\n---\n{BODY}")
    (problem,) = load_content(content).problems
    assert (problem.kind, problem.row, problem.field) == ("audience-key", 3, key)
    assert problem.message == (
        f"Nøglen '{key}' ligner 'audience', men kun 'audience' (med små bogstaver) bestemmer, "
        "om siden er intern. Skriv 'audience: internal' eller 'audience: public'."
    )


def test_content_load_with_errors_cannot_be_iterated():
    from sikkerby_build.problems import Problem

    broken = ContentLoad([], [Problem("audience-invalid", "content/x.md", "…")])
    with pytest.raises(ValidationFailed) as failure:
        list(broken)
    assert failure.value.report.errors[0].file == "content/x.md"
    assert list(ContentLoad([], [])) == []


# ---------------------------------------------------------------- files: symlinks and special files


def _build_cli(data: Path, out: Path) -> CliResult:
    return run_cli(
        "build", "--edition", "public", "--quiet", "--data", str(data), "--content", str(data / "content"), "--out", str(out)
    )


def test_symlink_to_a_system_file_is_refused_and_nothing_is_published(data_copy: Path, tmp_path: Path):
    content = data_copy / "content"
    (content / "vaert.md").symlink_to("/etc/hostname")
    loaded = load_content(content)
    (problem,) = loaded.problems
    assert (problem.kind, problem.file, problem.row) == ("content-symlink", "content/vaert.md", None)
    assert problem.message == (
        "Filen er en genvej (symbolsk link) og afvises, så intet uden for content/ kan blive udgivet. "
        "Kopiér indholdet ind i en almindelig fil."
    )
    assert "vaert.md" not in [p.path for p in loaded.pages]
    out = tmp_path / "site"
    result = _build_cli(data_copy, out)
    assert result.returncode == 1
    assert "content/vaert.md: FEJL [content-symlink]" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (out / "public").exists()


def test_symlinked_folder_is_not_entered(data_copy: Path, tmp_path: Path):
    outside = tmp_path / "andet-sted"
    outside.mkdir()
    (outside / "hemmelig.md").write_text(f"---\ntitle: Hemmelig\n---\n{MARKER}\n", encoding="utf-8")
    content = data_copy / "content"
    (content / "genvej").symlink_to(outside, target_is_directory=True)
    (content / "billede.png").symlink_to(outside / "hemmelig.md")  # any suffix
    loaded = load_content(content)
    assert sorted((p.kind, p.file) for p in loaded.problems) == [
        ("content-symlink", "content/billede.png"),
        ("content-symlink", "content/genvej"),
    ]
    folder = next(p for p in loaded.problems if p.file == "content/genvej")
    assert folder.message == (
        "Mappen er en genvej (symbolsk link) til et andet sted og læses ikke. Læg indholdet som almindelige filer i content/."
    )
    assert all(MARKER not in p.body for p in loaded.pages)
    files, _ = content_files(content)
    assert all("genvej" not in f.parts for f in files)


def test_special_file_named_md_is_refused(data_copy: Path):
    content = data_copy / "content"
    os.mkfifo(content / "kanal.md")
    (problem,) = load_content(content).problems  # must not block reading the pipe
    assert (problem.kind, problem.file) == ("content-special-file", "content/kanal.md")
    assert problem.message == "Det er ikke en almindelig fil; kun almindelige .md-filer kan være sider."


def test_file_resolving_outside_content_is_refused(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    content = data_copy / "content"
    real_resolve = Path.resolve

    def resolve(self: Path, strict: bool = False) -> Path:  # e.g. a bind mount
        return Path("/etc/hostname") if self.name == "about.md" else real_resolve(self, strict)

    monkeypatch.setattr(Path, "resolve", resolve)
    files, problems = content_files(content)
    assert [(p.kind, p.file, p.message) for p in problems] == [
        ("content-outside", "content/about.md", "Filen peger uden for content/ og afvises.")
    ]
    assert all(f.name != "about.md" for f in files)


def test_hidden_files_are_skipped(data_copy: Path):
    content = data_copy / "content"
    (content / ".#about.md").symlink_to("nobody@host.1234")  # an editor's lock file
    _page(content, ".udkast.md", "---\naudience: offentlig\n---\n")
    loaded = load_content(content)
    assert loaded.problems == []
    assert all(not p.path.startswith(".") for p in loaded.pages)


def test_content_not_utf8(data_copy: Path):
    content = data_copy / "content"
    _page(content, "note.md", "---\ntitle: Næste skridt\n---\n".encode("cp1252"))
    (problem,) = load_content(content).problems
    assert (problem.kind, problem.row) == ("content-encoding", 2)
    assert problem.message == "Filen er ikke gemt som UTF-8, så æ, ø og å bliver forkerte. Gem den som UTF-8."


def test_live_preview_revalidation_sees_a_new_symlink(data_copy: Path):
    from sikkerby_build.validate import revalidate_content

    content = data_copy / "content"
    report = validate(data_copy, content)
    assert report.ok
    (content / "vaert.md").symlink_to("/etc/hostname")
    again = revalidate_content(report, data_copy, content)
    assert [(p.kind, p.file) for p in again.errors] == [("content-symlink", "content/vaert.md")]
    assert [w.kind for w in again.warnings] == [w.kind for w in report.warnings]
