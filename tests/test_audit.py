"""The audit finds internal text however it is written, in any file, at the addresses the site serves."""

from __future__ import annotations

import gzip
import json
import urllib.parse
from pathlib import Path

import pytest

from sikkerby_build import audit, urls
from sikkerby_build.edition import EditionData

SECRET = "Kontaktperson Birgitte Hemmelig på lokal 4412"


def _public(internal_pages: list[str] | None = None) -> EditionData:
    return EditionData(
        edition="public", tables={}, pages=[], descriptor={"resources": []}, threshold=5,
        internal_values=[SECRET], internal_pages=internal_pages or [],
    )  # fmt: skip


def _site(tmp_path: Path, name: str, content: bytes) -> Path:
    site = tmp_path / "site"
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text("<p>Offentlig side</p>", encoding="utf-8")
    (site / name).write_bytes(content)
    return site


FORMS = {
    "upper case": ("side/index.html", SECRET.upper().encode()),
    "html entities": ("side/index.html", "".join(f"&#{ord(c)};" for c in SECRET).encode()),
    "json escaped": ("data/x.json", json.dumps({"v": SECRET}, ensure_ascii=True).encode()),
    "json in attribute": ("side/index.html", f'<div data-x="{json.dumps(SECRET).replace(chr(34), "&quot;")}">'.encode()),
    "url encoded": ("side/index.html", f'<a href="/s?q={urllib.parse.quote(SECRET)}">x</a>'.encode()),
    "no suffix": ("CNAME", SECRET.encode()),
    "yml": ("config.yml", f"x: {SECRET}".encode()),
    "webmanifest": ("site.webmanifest", json.dumps({"name": SECRET}).encode()),
    "gzip without .gz": ("sitemap.bin", gzip.compress(SECRET.encode())),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_internal_value_is_found_in_every_form(tmp_path, form):
    name, content = FORMS[form]
    problems = audit.audit(_site(tmp_path, name, content), _public())
    assert [p.file for p in problems if p.kind == "internal-leak"] == [name]


def test_clean_site_passes(tmp_path):
    assert audit.audit(_site(tmp_path, "other/index.html", b"<p>Intet hemmeligt</p>"), _public()) == []


def test_internal_content_page_is_searched_at_its_served_address(tmp_path):
    # content/about.md is served at om/ (not about/): the audit must use the same URL module.
    assert urls.page_url(urls.content_page("about.md")) == "om/"
    assert audit.internal_page_urls(_public(["about.md", "intern/kanarie.md", "nyheder/intern-nyhed.md"])) == [
        "om/", "intern/kanarie/", "nyheder/intern-nyhed/",
    ]  # fmt: skip
    site = _site(tmp_path, "index.html", b'<a href="intern/kanarie/">x</a>')
    problems = audit.audit(site, _public(["intern/kanarie.md"]))
    assert [p.kind for p in problems] == ["internal-leak"]


def test_unrendered_template_syntax_in_a_page_fails(tmp_path):
    site = _site(tmp_path, "side/index.html", b"<p>Der er {{ figures.ukendt }} aktiviteter</p>")
    assert [p.kind for p in audit.audit(site, _public())] == ["unrendered-template"]
    ok = _site(tmp_path / "b", "side/index.html", b"<p>&#123;&#123; vist som tekst</p><script>var a = {{}};</script>")
    assert audit.audit(ok, _public()) == []


def test_a_title_that_decodes_to_markup_fails_the_build(tmp_path):
    # Material's tooltips insert titles as HTML: an escaped tag in a title is still a tag on hover.
    site = _site(tmp_path, "side/index.html", b'<abbr title="SOF &lt;img src=x onerror=alert(1)&gt;">SOF</abbr>')
    assert [p.kind for p in audit.audit(site, _public())] == ["unsafe-tooltip"]


def test_clean_files_are_skipped_only_under_the_same_context_and_bytes(tmp_path, monkeypatch):
    """The audit's memo: an unchanged file under the same secrets is not read again; a new
    secret, a changed byte or a leak in a file that was clean before is found."""
    memo = audit.CleanFiles(tmp_path / "memo")
    site = _site(tmp_path, "a/index.html", b"<p>Ingen hemmeligheder her.</p>")
    (site / "b.json").write_text('{"x": "Kontaktperson Birgitte"}', encoding="utf-8")
    read: list[str] = []
    real_read = audit._read_text
    monkeypatch.setattr(audit, "_read_text", lambda path, raw=None: read.append(path.name) or real_read(path, raw))
    assert audit.audit(site, _public(), clean=memo) == []
    assert sorted(read) == ["b.json", "index.html", "index.html"]
    read.clear()
    assert audit.audit(site, _public(), clean=memo) == [] and read == []  # nothing changed: nothing read
    # The same bytes, but a secret they contain: the context changed, every file is read and it is found.
    other = EditionData(
        edition="public",
        tables={},
        pages=[],
        descriptor={"resources": []},
        threshold=5,
        internal_values=["Ingen hemmeligheder her"],
    )
    problems = audit.audit(site, other, clean=memo)
    assert [p.file for p in problems] == ["a/index.html"] and len(read) == 3
    read.clear()
    # One changed file under the first context: only it is read, and its leak is found.
    (site / "a/index.html").write_text(f"<p>{SECRET}</p>", encoding="utf-8")
    problems = audit.audit(site, _public(), clean=memo)
    assert [p.file for p in problems] == ["a/index.html"] and read == ["index.html"]
    # A failed audit records nothing: the leak is found again, however often it is run.
    assert [p.file for p in audit.audit(site, _public(), clean=memo)] == ["a/index.html"]


def test_the_build_keeps_its_audit_memo_beside_the_pdf_cache(tmp_path, monkeypatch):
    from sikkerby_build import pipeline, settings

    monkeypatch.setenv("SIKKERBY_CACHE_DIR", str(tmp_path / "cache"))
    config = settings.resolve(tmp_path, tmp_path / "data", tmp_path / "content", tmp_path / "out", 5, None)
    assert pipeline._clean_files(config) == audit.CleanFiles(tmp_path / "cache" / "audit")
    monkeypatch.setenv("SIKKERBY_CACHE", "off")
    assert pipeline._clean_files(config) is None


def test_a_memo_that_arrives_with_the_project_is_not_trusted(tmp_path):
    """A merge request could force-add .cache/audit/ naming its leaking file as clean: without
    this machine's signature the memo is ignored and the leak is found."""
    import hashlib

    site = _site(tmp_path, "a/index.html", f"<p>{SECRET}</p>".encode())
    memo = audit.CleanFiles(tmp_path / "memo")
    data = _public()
    needles = {piece: SECRET for piece in audit._fragments(SECRET)}
    context = audit.audit_context(data, needles, set(data.internal_phones), None)
    digests = sorted(audit._digest(p, p.read_bytes()) for p in site.rglob("*") if p.is_file())
    memo.root.mkdir()
    for forged in ({"digests": digests}, {"digests": digests, "mac": hashlib.sha256(b"guess").hexdigest()}, digests):
        (memo.root / f"{context}.json").write_text(json.dumps(forged), encoding="utf-8")
        assert memo.load(context) == set()
        assert [p.file for p in audit.audit(site, data, clean=memo)] == ["a/index.html"]


def test_a_pdf_cache_entry_that_arrives_with_the_project_is_not_trusted(tmp_path):
    from sikkerby_build import printing

    site = tmp_path / "site"
    (site / "x").mkdir(parents=True)
    (site / "x" / "index.html").write_bytes(b"<h1>x</h1>")
    cache, files = printing.PdfCache(tmp_path / "pdf"), printing.SiteFiles(site)
    key = cache.key("x/", b"<h1>x</h1>")
    cache.store(key, b"%PDF-1.7 signed", {"x/": files.digest("x/")})
    assert cache.lookup(key, files) == b"%PDF-1.7 signed"
    entry = cache.root / key[:2] / key
    manifest = json.loads((entry / "deps.json").read_text(encoding="utf-8"))
    (entry / "document.pdf").write_bytes(b"%PDF-1.7 forged")
    manifest["pdf"] = printing._sha256(b"%PDF-1.7 forged")  # a consistent manifest, but not signed by this machine
    (entry / "deps.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert cache.lookup(key, files) is None
    del manifest["mac"]
    (entry / "deps.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert cache.lookup(key, files) is None
