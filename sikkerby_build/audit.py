"""Stage: audit. Checks that need the finished site; a hit fails the build.

Entry point: ``audit(site_dir, data, site_url, clean) -> list[Problem]``.
- Public edition: no internal value (row, column, page text) and no internal page URL in any
  file: HTML, search index, sitemap, JSON/CSV downloads, JS, gzip files.
- Both editions: nothing is loaded from a third-party host (scripts, styles, images, fonts),
  and no file names a known CDN, font or tracker host.

**Unchanged files are not read again** (``CleanFiles``, the build passes the project's
``.cache/audit``): every check on a file is a pure function of its bytes, its suffix and the
*context* (the secrets searched, the internal phone numbers, the site address, the edition, the
audit's own source code and its PDF text tools). After an audit that found nothing, the digests
of the files are kept under that context; a later audit skips a file only when the same bytes
with the same suffix were clean under the same context. Any other secret, code or byte: read in
full. The memo is signed with this machine's key (``cachekey.py``), so one that arrives with the
project is ignored. ``SIKKERBY_CACHE=off`` switches it off; unit tests call ``audit`` without it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import cachekey, matching, urls
from .edition import EditionData
from .problems import Problem

MARKUP_SUFFIXES = {".html", ".htm", ".xml", ".svg"}
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".pdf"}
FORBIDDEN_HOSTS = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:cdn\.[a-z0-9.-]+|fonts\.googleapis\.com|fonts\.gstatic\.com|unpkg\.com|cdnjs\.cloudflare\.com|"
    r"cdn\.jsdelivr\.net|jsdelivr\.net|google-analytics\.com|googletagmanager\.com|cdn\.plot\.ly|mathjax\.org)",
    re.IGNORECASE,
)
# Attributes and CSS that make a browser fetch something.
LOADING_URL = re.compile(
    r"""(?:<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc|<link\b[^>]*\bhref)\s*=\s*["']?(https?:)?//""",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])(?:https?:)?//""", re.IGNORECASE)
MIN_FRAGMENT = 12
_TITLE = re.compile(r'\btitle\s*=\s*"([^"]*)"', re.I)
_UNRENDERED = re.compile(r"\{\{|\{%|\{#")
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)


def normalise(text: str) -> str:
    """One form for comparing (``matching.normalise``): JSON, URL and HTML escapes undone, NFKC,
    format characters (soft hyphen, zero-width space/joiner) removed, case folded, æ/ø/å as
    ae/oe/aa, whitespace collapsed."""
    return matching.normalise(text)


_COMMENT_OPEN = re.compile(r"<!--|-->")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ANY_TAG = re.compile(r"<[^>]*>")


def _markup_free(text: str) -> str:
    """The text of a markup file with its tags removed (comments' contents kept): a secret split
    by markup ("hemme<b>lig</b>", "hemme<!-- -->lig") reads as one word again."""
    return _ANY_TAG.sub("", _COMMENT_OPEN.sub("", text))


def pdf_text(path: Path) -> str:
    """The text a reader sees in a PDF (every page) and its metadata (title, subject, …)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    meta = [str(v) for v in (reader.metadata or {}).values()]
    pdftotext = shutil.which("pdftotext")  # poppler: ~40x faster than pypdf's text extraction
    if pdftotext:
        out = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
        return "\n".join([*meta, out.stdout.decode("utf-8", errors="replace")])
    return "\n".join([*meta, *(page.extract_text() or "" for page in reader.pages)])


def _read_text(path: Path, raw: bytes | None = None) -> str:
    """Every file, whatever its suffix (gzip decompressed, PDFs as their text); other binary formats as Latin-1 text.

    ``raw``: the file's bytes when the caller has read them already (each output file is read once)."""
    if path.suffix.lower() == ".pdf":
        return normalise(pdf_text(path))
    raw = path.read_bytes() if raw is None else raw
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("latin-1") if path.suffix.lower() in BINARY_SUFFIXES else raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in MARKUP_SUFFIXES:
        unescaped = matching.unescape(text)
        bare = _ANY_TAG.sub("", _COMMENT.sub("", text))  # "budget<!-- x -->reserven" -> "budgetreserven"
        forms = [unescaped, _markup_free(text), _markup_free(unescaped), matching.unescape(bare)]
        return "\n".join(matching.fold(f) for f in forms)
    return normalise(text)


FRAGMENT_LENGTH = 150


def _word_chunks(line: str) -> list[str]:
    """A long line as consecutive pieces of whole words, each at most ~150 characters: every part
    of a long internal text is searched, and no piece ends in a cut word (the word index would
    never find a cut word)."""
    chunks: list[str] = []
    current: list[str] = []
    for word in line.split():
        if current and len(" ".join([*current, word])) > FRAGMENT_LENGTH:
            chunks.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        chunks.append(" ".join(current))
    if len(chunks) > 1 and len(chunks[-1]) < FRAGMENT_LENGTH // 2:
        # A short tail is generic ("… og stabil drift)."): search the line's last ~150 characters instead.
        words = line.split()
        tail: list[str] = []
        while words and len(" ".join([words[-1], *tail])) <= FRAGMENT_LENGTH:
            tail.insert(0, words.pop())
        chunks[-1] = " ".join(tail)
    return chunks


def _fragments(value: str) -> list[str]:
    """Split an internal value into searchable pieces (lines, without Markdown markers)."""
    pieces: list[str] = []
    for line in re.split(r"[\n\r]+", value):
        line = re.sub(r"^[\s#>*\-+]+|[*_`]+", "", line).strip()
        line = normalise(line)
        pieces.extend(chunk for chunk in _word_chunks(line) if len(chunk) >= MIN_FRAGMENT)
    if not pieces and len(value.strip()) >= 6:
        pieces.append(normalise(value))
    return pieces


_WORD = re.compile(r"\w+")


def _find_needles(texts: dict[str, str], needles: dict[str, str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle that occurs in a file.

    A word index narrows each needle to the files that contain all of its words; only those
    are searched for the exact string. (A regex alternation of ~1,000 internal values over
    every file took 28 s for 1,000 pages; this takes about a second.)
    """
    files_by_word: dict[str, set[str]] = {}
    for rel, text in texts.items():
        for word in set(_WORD.findall(text.lower())):
            files_by_word.setdefault(word, set()).add(rel)
    hits: list[tuple[str, str]] = []
    for needle in needles:
        words = set(_WORD.findall(needle.lower()))
        candidates = set(texts) if not words else set.intersection(*(files_by_word.get(w, set()) for w in words))
        hits.extend((rel, needle) for rel in sorted(candidates) if needle in texts[rel])
    return sorted(hits)


def internal_page_urls(data: EditionData) -> list[str]:
    """The addresses internal content pages would be served at (from the same URL module as render)."""
    found = []
    for path in data.internal_pages:
        address = urls.served_address(path)
        if address:
            found.append(address)
    return found


def _page_problems(rel: str, page: str) -> list[Problem]:
    """Checks on a page's own markup: unsafe tooltips and template syntax left unrendered."""
    problems = []
    if any("<" in html.unescape(title) for title in _TITLE.findall(page)):
        problems.append(Problem("unsafe-tooltip", rel, "Et title-attribut indeholder markup; Materials tooltips ville vise det som HTML."))
    if _UNRENDERED.search(_SCRIPT.sub("", page)):
        problems.append(Problem("unrendered-template", rel, "Siden indeholder {{ … }} eller {% … %}, som ikke blev udfyldt."))
    return problems


def _strip_own_urls(text: str, site_url: str | None) -> str:
    return text.replace(site_url.rstrip("/"), "") if site_url else text


@functools.cache
def _own_identity() -> str:
    """The audit's own source and its PDF text tools: a change to either reads every file again."""
    tool = shutil.which("pdftotext")
    tools = [*cachekey.file_identity(Path(tool)), *cachekey.distribution_identity("pypdf")] if tool else cachekey.distribution_identity("pypdf")
    parts = [Path(__file__).read_bytes(), Path(matching.__file__).read_bytes(), *(t.encode() for t in tools)]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def audit_context(data: EditionData, needles: dict[str, str], phones: set[str], site_url: str | None) -> str:
    """What, besides a file's bytes and suffix, decides what the audit finds in it."""
    described = {
        "edition": data.edition, "public": data.is_public, "needles": sorted(needles), "phones": sorted(phones),
        "site_url": site_url, "code": _own_identity(),
    }  # fmt: skip
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


@dataclass
class CleanFiles:
    """Digests (suffix and SHA-256 of the bytes) of files an audit found clean, per context."""

    root: Path

    def _file(self, context: str) -> Path:
        return self.root / f"{context}.json"

    def load(self, context: str) -> set[str]:
        try:
            found = json.loads(self._file(context).read_text(encoding="utf-8"))
            digests = sorted(d for d in found["digests"] if isinstance(d, str))
        except (OSError, ValueError, KeyError, TypeError):
            return set()
        # Signed with this machine's key: a memo that arrives with the project (a merge request
        # that force-adds .cache/) would otherwise switch the audit off for the files it names.
        return set(digests) if cachekey.verify(found.get("mac"), context.encode(), json.dumps(digests).encode()) else set()

    def save(self, context: str, digests: set[str]) -> None:
        """Best effort: a memo that cannot be written only means reading every file next time."""
        listed = sorted(digests)
        mac = cachekey.sign(context.encode(), json.dumps(listed).encode())
        if mac is None:
            return
        try:
            cachekey.write_file(self._file(context), json.dumps({"digests": listed, "mac": mac}).encode())
        except OSError:
            pass


def _digest(path: Path, raw: bytes) -> str:
    return f"{path.suffix.lower()}:{hashlib.sha256(raw).hexdigest()}"


def audit(site_dir: Path, data: EditionData, site_url: str | None = None, clean: CleanFiles | None = None) -> list[Problem]:
    problems: list[Problem] = []
    needles: dict[str, str] = {}  # fragment -> the internal value it comes from
    if data.is_public:
        for value in data.internal_values:
            for piece in _fragments(value):
                needles.setdefault(piece, value)
        for url in internal_page_urls(data):
            needles.setdefault(normalise(url), url)
    phones = set(data.internal_phones) if data.is_public else set()
    context = audit_context(data, needles, phones, site_url) if clean else ""
    clean_before = clean.load(context) if clean else set()
    digests: set[str] = set()
    texts: dict[str, str] = {}
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site_dir).as_posix()
        raw = path.read_bytes()  # read once for every check below
        digest = _digest(path, raw)
        digests.add(digest)
        if digest in clean_before:
            continue  # these bytes, with this suffix, were clean under this very context
        text = texts[rel] = _read_text(path, None if path.suffix.lower() == ".pdf" else raw)
        for number in sorted(phones & matching.phone_digits(text)):
            problems.append(Problem("internal-leak", rel, f"Internt telefonnummer fundet i den offentlige udgave: {number[:4]}…"))
        for match in sorted(set(FORBIDDEN_HOSTS.findall(text))):
            problems.append(Problem("third-party-host", rel, f"Filen nævner en tredjepartsvært: {match}"))
        if path.suffix == ".html" and raw is not None:
            problems.extend(_page_problems(rel, raw.decode("utf-8", errors="replace")))
        own = _strip_own_urls(text, site_url)
        if path.suffix in {".html", ".css", ".svg"} and (LOADING_URL.search(own) or CSS_URL.search(own)):
            problems.append(Problem("third-party-request", rel, "Siden henter en ressource fra en anden server."))
    if needles:
        leaks = sorted({(rel, needles[needle]) for rel, needle in _find_needles(texts, needles)})  # one per file and value
        for rel, value in leaks:
            problems.append(Problem("internal-leak", rel, f"Intern værdi fundet i den offentlige udgave: \"{value[:80]}\""))
    if clean and not problems:
        clean.save(context, digests)
    return problems
