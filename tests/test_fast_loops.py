"""Fast loops (issue 16) and reproducible PDFs (issue 17 item 10): unit tests without a site build.

The PDF cache and the byte rewrites, what changed since the last publish, the internal edition's
permissions, the preview's console, the editions built in parallel processes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from pathlib import Path

import pytest

from sikkerby_build import engine, pipeline, printing, publish

# Two prints of the same page differ only here (measured: Chromium's clock and the tab's node counter).
RAW = (
    b"%PDF-1.7\n1 0 obj <</Type /StructElem /ID (node00000576)>> endobj\n"
    b"2 0 obj <</ID (node00000579) /K [(node00000582)]>> endobj\n"
    b"<</Creator (Chromium) /CreationDate (D:20261202180538+00'00') /ModDate (D:20261202180538+00'00')>>\n"
)
SAME_IN_OTHER_TAB = (
    RAW.replace(b"node00000576", b"node00000064")
    .replace(b"node00000579", b"node00000245")
    .replace(b"node00000582", b"node00000246")
    .replace(b"20261202180538", b"20261203091500")
)


def test_structure_ids_are_renumbered_by_rank_at_the_same_length() -> None:
    out = printing.canonical_ids(RAW)
    assert len(out) == len(RAW)  # no offset in the xref table moves
    assert b"(node00000001)" in out and b"(node00000002)" in out and b"(node00000003)" in out
    assert b"576" not in out
    assert printing.canonical_ids(SAME_IN_OTHER_TAB).replace(b"20261203091500", b"20261202180538") == out


def test_dates_come_from_the_data_not_the_clock() -> None:
    when = dt.datetime(2020, 6, 30, 12, 0, 0, tzinfo=dt.UTC)
    a = printing.stamp_dates(printing.canonical_ids(RAW), when)
    b = printing.stamp_dates(printing.canonical_ids(SAME_IN_OTHER_TAB), when)
    assert a == b and len(a) == len(RAW)
    assert a.count(b"(D:20200630120000+00'00')") == 2


def test_data_date_uses_source_date_epoch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577836800")
    assert printing.data_date(tmp_path) == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert printing.data_date(tmp_path) == printing.PLACEHOLDER_DATE  # not a git checkout: the epoch, never now


def _site(root: Path) -> Path:
    (root / "faktaark" / "a").mkdir(parents=True)
    (root / "faktaark" / "a" / "index.html").write_text("<h1>A</h1>", encoding="utf-8")
    (root / "assets").mkdir()
    (root / "assets" / "site.css").write_text("h1{color:red}", encoding="utf-8")
    return root


def test_cache_hit_needs_the_same_html_and_every_loaded_file(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    cache = printing.PdfCache(tmp_path / "cache")
    files = printing.SiteFiles(site)
    key = cache.key("faktaark/a/", (site / "faktaark/a/index.html").read_bytes())
    assert cache.lookup(key, files) is None
    cache.store(key, b"%PDF A", {"faktaark/a/": files.digest("faktaark/a/"), "assets/site.css": files.digest("assets/site.css")})
    assert cache.lookup(key, printing.SiteFiles(site)) == b"%PDF A"  # another build, same files
    # the same page in another edition or build with identical bytes shares the entry
    other = _site(tmp_path / "other")
    assert (
        cache.lookup(cache.key("faktaark/a/", (other / "faktaark/a/index.html").read_bytes()), printing.SiteFiles(other))
        == b"%PDF A"
    )
    # a style sheet the page loaded changed: printed again
    (site / "assets" / "site.css").write_text("h1{color:blue}", encoding="utf-8")
    assert cache.lookup(key, printing.SiteFiles(site)) is None
    # the page changed: another key
    assert cache.key("faktaark/a/", b"<h1>B</h1>") != key
    # a damaged entry is a miss, not a wrong PDF
    (site / "assets" / "site.css").write_text("h1{color:red}", encoding="utf-8")
    entry = next((tmp_path / "cache").rglob("document.pdf"))
    entry.write_bytes(b"%PDF broken")
    assert cache.lookup(key, printing.SiteFiles(site)) is None


def test_print_settings_are_part_of_the_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cache = printing.PdfCache(tmp_path)
    before = cache.key("x/", b"<h1>x</h1>")
    monkeypatch.setitem(printing.PDF_OPTIONS, "format", "A3")
    assert cache.key("x/", b"<h1>x</h1>") != before


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SIKKERBY_CACHE", raising=False)
    monkeypatch.delenv("SIKKERBY_CACHE_DIR", raising=False)
    assert printing.cache_dir(tmp_path) == tmp_path / ".cache" / "pdf"
    monkeypatch.setenv("SIKKERBY_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert printing.cache_dir(tmp_path) == tmp_path / "elsewhere" / "pdf"
    monkeypatch.setenv("SIKKERBY_CACHE", "off")
    assert printing.cache_dir(tmp_path) is None
    gitignore = (Path(__file__).resolve().parent.parent / ".gitignore").read_text(encoding="utf-8").split()
    assert ".cache/" in gitignore


def test_changes_name_pages_downloads_and_pdfs(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for root in (old, new):
        for path, text in {
            "index.html": "forside",
            "vision/index.html": "vision",
            "data/aktiviteter.csv": "a;b",
            "data/faktaark/sjakket.pdf": "%PDF 1",
            "assets/site.css": "x",
            "search/search_index.json": "{}",
        }.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
    (new / "vision/index.html").write_text("vision, rettet", encoding="utf-8")
    (new / "data/faktaark/sjakket.pdf").write_text("%PDF 2", encoding="utf-8")
    (new / "nyheder/ny").mkdir(parents=True)
    (new / "nyheder/ny/index.html").write_text("ny", encoding="utf-8")
    (new / "data/aktiviteter.csv").unlink()
    (new / "search/search_index.json").write_text('{"x": 1}', encoding="utf-8")  # not listed
    changes = publish.compare(old, new)
    assert changes is not None
    assert changes.pages == ["nyheder/ny/", "vision/"]
    assert changes.downloads == ["data/aktiviteter.csv"] and changes.pdfs == ["data/faktaark/sjakket.pdf"]
    lines = changes.summary("public")
    assert lines[0] == "public: 2 sider ændret: nyheder/ny/ (ny), vision/"
    assert lines[1] == "public: 1 downloads ændret: data/aktiviteter.csv (fjernet)"
    assert publish.compare(None, new) is None
    assert publish.compare(old, old).summary("internal") == [
        "internal: intet ændret i forhold til den tidligere udgivne version."
    ]


def test_internal_edition_is_published_without_world_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with publish.building(out) as version:
        for name in ("public", "internal"):
            (version / name / "sub").mkdir(parents=True)
            (version / name / "sub" / "index.html").write_text(name, encoding="utf-8")
        publish.publish(out, version, ["public", "internal"], sync=False)
    internal = (out / "internal").resolve()
    for path in [internal, internal / "sub", internal / "sub" / "index.html"]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path
    assert stat.S_IMODE((out / "public" / "sub" / "index.html").stat().st_mode) & 0o004  # public stays readable


def test_preview_console_shows_problems_errors_first_and_hides_routine_lines() -> None:
    lines: list[str] = []
    console = engine.PreviewLog(lines.append)
    log = logging.getLogger("mkdocs.test_preview")
    log.addHandler(console)
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        log.info("Building documentation...")
        log.warning("A 'dirty' build is being performed, this will likely lead to inaccurate navigation")
        log.info("Documentation built in 2.10 seconds")
        log.info("[18:20:02] Serving on http://127.0.0.1:8000/")
        assert lines == [
            "sikkerby: forhåndsvisningen er bygget (2.10 s).",
            "sikkerby: forhåndsvisning på http://127.0.0.1:8000/ – ændringer i content/ og data/ vises automatisk. Stop med Ctrl-C.",
        ]
        lines.clear()
        log.warning("Doc file 'vision.md' contains a link 'x.md', but the target is not found")
        log.error("Error reading page 'om.md': boom")
        log.info("Documentation built in 1.00 seconds")
        assert lines[0] == "sikkerby: MkDocs meldte 1 fejl og 1 advarsler:"
        assert lines[1].startswith("  FEJL: Error reading page") and lines[2].startswith("  ADVARSEL: Doc file")
    finally:
        log.removeHandler(console)


def test_serve_hook_gives_untitled_pages_their_title(tmp_path: Path) -> None:
    from sikkerby_build.engine import serve_hooks

    class File:
        abs_src_path = str(tmp_path / "index.md")

    class View:
        title = None
        markdown = None
        file = File()

        def read_source(self, config: object) -> None:
            self.title = "Nyheder"

    class Nav:
        pages = [View()]

    nav = serve_hooks.on_nav(Nav(), None, None)
    assert nav.pages[0].title == "Nyheder"


def test_forked_editions_report_failures_and_remove_staging(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Both editions in child processes: results in edition order, progress forwarded, a child's
    exception raised in the parent with its Danish message, no staging folder left."""
    version = tmp_path / ".versions" / "v1"
    version.mkdir(parents=True)
    messages: list[str] = []

    class Built:
        def __init__(self, name: str) -> None:
            self.name = name

        def print_jobs(self) -> list[tuple[str, str]]:
            return [(f"{self.name}/", f"{self.name}.pdf")]

    printed: list[list[str]] = []

    def pages(name: str, job: object, version: Path, progress) -> Built:
        staging = version.parent / f"{version.name}.staging-{name}"
        staging.mkdir()
        try:
            progress(f"{name}: i gang")
            return Built(name)
        finally:
            os.rmdir(staging)

    def check(built: Built, job: object, progress) -> pipeline.EditionResult:
        if built.name == "internal" and getattr(job, "fail", False):
            raise pipeline.AuditFailed(built.name, [])
        return pipeline.EditionResult(built.name, 1, 0, 0.0, version / built.name)

    def print_sites(sites: dict[str, tuple[Path, list[tuple[str, str]]]], job: object, progress) -> None:
        printed.append(list(sites))  # once, in the parent, with every edition

    monkeypatch.setattr(pipeline, "build_pages", pages)
    monkeypatch.setattr(pipeline, "check_edition", check)
    monkeypatch.setattr(pipeline, "_print_sites", print_sites)

    class Job:
        fail = False

    results = pipeline._run_forked(["public", "internal"], Job(), version, messages.append)  # type: ignore[arg-type]
    assert [r.edition for r in results] == ["public", "internal"]
    assert sorted(messages) == ["internal: i gang", "public: i gang"]
    assert printed == [["public", "internal"]]
    Job.fail = True
    with pytest.raises(pipeline.AuditFailed, match="Efterkontrollen af internal-udgaven"):
        pipeline._run_forked(["public", "internal"], Job(), version, messages.append)  # type: ignore[arg-type]
    assert sorted(p.name for p in version.parent.iterdir()) == ["v1"]


@pytest.mark.slow  # validates a package (no site is built)
@pytest.mark.parametrize("failure", ["error", "sigterm"])
def test_staging_is_removed_on_every_exit_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failure: str) -> None:
    import signal
    import tempfile

    from sikkerby_build.engine import EngineFailed

    seen: list[Path] = []

    def engine_stops(staging: Path, *args: object, **kwargs: object) -> None:
        seen.append(staging)
        assert staging.is_dir()
        if failure == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)  # e.g. CI cancelling the job
        raise EngineFailed("MkDocs kunne ikke bygge")

    monkeypatch.setattr(engine, "build_site", engine_stops)
    monkeypatch.setenv("SIKKERBY_JOBS", "1")
    private = tmp_path / "tmp"  # a temp folder of its own: other workers' tests use /tmp meanwhile
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    before = set(Path(tempfile.gettempdir()).glob("sikkerby-*"))
    handler_before = signal.getsignal(signal.SIGTERM)
    out = tmp_path / "out"
    expected = SystemExit if failure == "sigterm" else EngineFailed
    from sikkerby_build.synth import write_package

    write_package(tmp_path / "data", activities=8, years=1, seed=7)  # what is staged does not matter here
    with pytest.raises(expected):
        pipeline.build("all", tmp_path / "data", out, tmp_path / "data" / "content")
    assert seen and not seen[0].exists()
    assert publish.leftovers(out) == []
    assert set(Path(tempfile.gettempdir()).glob("sikkerby-*")) <= before  # nothing new in /tmp
    assert signal.getsignal(signal.SIGTERM) is handler_before  # the build's own handler is gone again


@pytest.mark.slow
def test_a_build_leaves_nothing_in_the_temporary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Material's blog plugin makes a temporary folder per build and never removes it; the engine
    has it made inside the staging folder, which goes with the build."""
    import tempfile

    from sikkerby_build.synth import write_package

    write_package(tmp_path / "data", activities=8, years=1, seed=7)
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    monkeypatch.setenv("SIKKERBY_JOBS", "1")
    pipeline.build("public", tmp_path / "data", tmp_path / "out", tmp_path / "data" / "content")
    assert (tmp_path / "out" / "public" / "index.html").is_file()
    assert sorted(p.name for p in private.iterdir()) == []
    assert tempfile.tempdir == str(private)  # the engine restored it


@pytest.mark.slow
def test_builds_in_one_process_share_no_engine_plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """MkDocs keeps one instance per process of a plugin that has ``on_startup`` (Material's blog)
    and hands it to every later build: its temporary folder, made inside the first build's staging
    folder, then received the category pages of every later build in the process and brought that
    deleted staging folder back into the first site's output (a leftover CI found). Each build
    now gets plugins of its own, started and shut down as ``mkdocs build`` does."""
    from sikkerby_build.synth import write_package

    write_package(tmp_path / "data", activities=8, years=1, seed=7)
    monkeypatch.setenv("SIKKERBY_JOBS", "1")  # both editions in this process, one after the other
    data = tmp_path / "data"
    first, second = tmp_path / "first", tmp_path / "second"
    pipeline.build("all", data, first, data / "content")
    pipeline.build("public", data, second, data / "content")
    assert publish.leftovers(first) == [] and publish.leftovers(second) == []
    assert (second / "public" / "nyheder" / "kategori").is_dir()  # the blog's category pages were made


def test_share_cards_come_from_the_cache_only_when_signed_by_this_machine(tmp_path: Path) -> None:
    """A cached card is the card drawn afresh; a card planted in the cache (a merge request that
    force-adds .cache/cards/) is not used without this machine's signature: the audit cannot read
    text in an image."""
    from sikkerby_build.render import card

    cache = card.CardCache(tmp_path / "cards")
    fresh = card.page_image("Sjakket", ["Effektopfølgning 2019: 3 af 4 succeskriterier opfyldt"], "public")
    assert cache.page_image("Sjakket", ["Effektopfølgning 2019: 3 af 4 succeskriterier opfyldt"], "public") == fresh
    (png,) = (tmp_path / "cards").glob("*.png")
    assert (
        cache.page_image("Sjakket", ["Effektopfølgning 2019: 3 af 4 succeskriterier opfyldt"], "public") == fresh
    )  # from the cache
    planted = card.page_image("KANARIE intern tekst", [], "public")
    for mac in ("", "0" * 64, None):
        png.write_bytes(planted)
        if mac is None:
            png.with_suffix(".mac").unlink(missing_ok=True)
        else:
            png.with_suffix(".mac").write_text(mac, encoding="ascii")
        assert cache.page_image("Sjakket", ["Effektopfølgning 2019: 3 af 4 succeskriterier opfyldt"], "public") == fresh
    assert png.read_bytes() == fresh  # and the entry is drawn and signed again
    other = cache.page_image("Sjakket", ["Effektopfølgning 2019: 3 af 4 succeskriterier opfyldt"], "internal")
    assert other != fresh  # the edition is part of the key (the internal card says so)


def test_every_cache_lives_under_one_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sikkerby_build import cachekey

    monkeypatch.delenv("SIKKERBY_CACHE", raising=False)
    monkeypatch.delenv("SIKKERBY_CACHE_DIR", raising=False)
    assert cachekey.cache_root(tmp_path) == tmp_path / ".cache"
    assert printing.cache_dir(tmp_path) == cachekey.cache_root(tmp_path) / "pdf"
    monkeypatch.setenv("SIKKERBY_CACHE", "nej")
    assert cachekey.cache_root(tmp_path) is None and printing.cache_dir(tmp_path) is None


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_pages_converted_before_give_the_same_site_and_a_forged_cache_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's Markdown cache (engine/page_cache.py): after an edit, a build that reuses the
    other pages' HTML is byte for byte the build without any cache; a cache file whose signature is
    not this machine's is not used (its HTML would go into the site as it is)."""
    import json

    from sikkerby_build.engine import page_cache
    from sikkerby_build.synth import write_package

    data = tmp_path / "data"
    write_package(data, activities=8, years=1, seed=7)
    monkeypatch.setenv("SIKKERBY_JOBS", "1")
    monkeypatch.setenv("SIKKERBY_CACHE_DIR", str(tmp_path / "cache"))
    hits: list[int] = []
    real_save = page_cache.RenderedPages.save

    def save(self: page_cache.RenderedPages) -> None:
        hits.append(self.hits)
        real_save(self)

    monkeypatch.setattr(page_cache.RenderedPages, "save", save)
    pipeline.build("public", data, tmp_path / "first", data / "content")
    stored = tmp_path / "cache" / "pages" / "public.json"
    assert stored.is_file() and hits == [0]
    page = next(p for p in sorted((data / "content").glob("*.md")) if "title:" in p.read_text(encoding="utf-8"))
    page.write_text(page.read_text(encoding="utf-8") + "\nEn ny linje.\n", encoding="utf-8")
    pipeline.build("public", data, tmp_path / "cached", data / "content")
    assert hits[-1] > 10  # the unchanged pages came from the cache
    monkeypatch.setenv("SIKKERBY_CACHE", "off")
    pipeline.build("public", data, tmp_path / "uncached", data / "content")
    assert _files(tmp_path / "cached" / "public") == _files(tmp_path / "uncached" / "public")

    # a forged cache: every page's HTML replaced, with a wrong signature or none, is not read
    entries = json.loads(stored.read_bytes())
    assert page_cache.RenderedPages(stored, data / "content")._load() == entries  # the real one is
    forged = {key: {**entry, "content": "<p>KANARIE fra en falsk cache</p>"} for key, entry in entries.items()}
    stored.write_text(json.dumps(forged), encoding="utf-8")
    for mac in ("0" * 64, None):
        if mac is None:
            stored.with_suffix(".mac").unlink()
        else:
            stored.with_suffix(".mac").write_text(mac, encoding="ascii")
        assert page_cache.RenderedPages(stored, data / "content")._load() == {}
