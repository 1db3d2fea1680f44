"""Small-number suppression (statistical disclosure control) for the public edition.

A count of persons below the threshold (default 5) is never published. Instead of the number
the row holds a value:

- ``Suppressed(threshold)``: one count between 1 and threshold - 1. ``str()`` and
  ``__html__`` give "<5", so templates print it, downloads write it (the public descriptor
  declares "<5" a missing value) and charts recognise it with ``isinstance(v, Suppressed)``.
  It is truthy (``{% if v %}`` shows it) and is not a number: arithmetic on it raises
  ``TypeError``, so no figure can be computed from a hidden count by accident.
- ``Interval(low, high)`` (a ``Suppressed``): a sum that contains suppressed counts, published
  as the range it must lie in, e.g. 40 + "<5" + "<5" -> "42–48". A range that is exactly
  1..threshold-1 is a plain ``Suppressed``.

Rules (the methodology page must say this; suggested Danish text in ``METHOD_TEXT_DA``):

1. Primary: a count of persons from 1 to threshold - 1 is suppressed. Zero is shown (no
   person can be identified by it). Non-person figures (a measurement whose unit is not a
   person unit, see ``is_person_unit``) are never suppressed.
2. Sums and totals: a total, or any cell that is a sum of other published cells (e.g. the
   participants per prevention category, which are sums of the follow-ups' own published
   counts), is computed from the published cells only. When at least one part is suppressed
   it is published as the interval the parts already imply (each hidden part counts as
   1..threshold-1). Such a total therefore tells a reader nothing the cells do not: with one
   category "<5 · I alt <5" (never "I alt 3"); 1 + 1 + 40 gives "<5, <5, 40, I alt 42–48"
   (never "I alt 42"). This replaces the older rule "also hide the smallest other cell",
   which printed a false "<5" for a large cell and was undone by the follow-ups' own
   published counts, whose sum is the category cell.
3. Free text (every free-text string field of every resource): the forms the real data uses
   are rewritten so neither number leaks:
   - "N unge", "N nye unge", "(N unge)", "N af de unge", "de N unge" -> "<5 unge" …
     (a person word, see ``PERSON_WORDS``, within two words after the number);
   - "N fra …" ("Derudover kom 4 fra sikrede institutioner") -> "<5 fra …";
   - "N ud af M" / "N af M" with a person word in the phrase: N small -> "<5 ud af M";
     M small -> "<5 ud af <5" (N ≤ M, so showing N would bound M and vice versa);
   - "N/M unge" like "N ud af M unge" ("3/4 unge" -> "<5/<5 unge");
   - "2-3 unge" (a range wholly below the threshold) -> "<5 unge";
   - "N af dem" -> "<5 af dem" (true whatever "dem" refers to);
   - adjectives and commas between number and person word ("4 særligt udsatte,
     kriminalitetstruede unge" -> "<5 særligt …");
   - written-out numbers ("to unge", "tre borgere") like digits.
   Text the rules cannot make safe is reported by ``unsafe_text_warnings`` (file, physical
   line, field) so an editor can rephrase it: a small number near a person word in another
   form, "de to"/"de tre" without a person word, "N ud af M" with a small number and no word
   saying what is counted ("3 ud af 4 gennemførte"), a range that starts below the threshold
   but reaches it ("4-5 unge": "<5" could be false), a bare small number in a sentence with a
   hidden count ("Af de <5 unge gennemførte 3") or beside a shown count when nothing names
   what it counts ("Af de 12 unge startede 3 på …"), "N ud af M" where M - N is small (the
   complement is a small group), and a field where a number was hidden but other person
   counts or percentages remain, from which the hidden number may be computed.
   Not counts: labels ("Princip 1", "Effektmål 2", "målepunkt 3", "række 1", "niveau 3 / 4"),
   scale anchors ("skala fra 1-10, hvor 1 er …"), scores ("scorer indsatsen 1", "minimum 3").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import Any

from markupsafe import escape

from . import danish
from .csvlines import record_starts
from .problems import Problem

DEFAULT_THRESHOLD = 5

# Units that make a measurement value a count of persons (first word of the unit; a unit
# with "pr." or "gns." is a rate or an average, not a count).
PERSON_UNITS = {"personer", "unge", "borgere", "deltagere", "børn", "familier", "forældre", "elever"}

# Words that make a number next to them a count of persons, with Danish inflections.
PERSON_WORDS = (
    r"unge[ns]?|ung|personer(?:ne)?|person(?:en)?|borgere(?:ne)?|borger(?:en)?|deltagere(?:ne)?|"
    r"deltager(?:en)?|børn(?:ene)?|barn(?:et)?|familier(?:ne)?|familie(?:n)?|forældre(?:ne)?|"
    r"elever(?:ne)?|elev(?:en)?|drenge(?:ne)?|dreng(?:en)?|piger(?:ne)?|pige(?:n)?|mænd(?:ene)?|"
    r"kvinder(?:ne)?|kvinde(?:n)?|mødre(?:ne)?|fædre(?:ne)?|brugere(?:ne)?|bruger(?:en)?|"
    r"beboere(?:ne)?|indsatte|anbragte|klienter(?:ne)?|klient(?:en)?|sager(?:ne)?|sag(?:en)?|"
    r"tilfælde(?:ne)?|drabsofre|ofre(?:ne)?|offer(?:et)?"
)
_PERSON = re.compile(rf"(?:{PERSON_WORDS})", re.IGNORECASE)

NUMBER_WORDS = {"én": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9}

METHOD_TEXT_DA = (
    "Antal personer under {t} vises ikke i den offentlige udgave: de vises som „<{t}“ på siderne, "
    "i diagrammer og i downloads. En sum, hvor et af tallene er skjult, vises som det interval, "
    "summen må ligge i (fx 40 + „<{t}“ + „<{t}“ vises som „42–48“), så den ikke afslører de skjulte "
    "tal. I fritekst skjules små antal personer også („<{t} unge“, „<{t} ud af 18“); er begge tal i "
    "„N ud af M“ små, skjules begge."
)


@dataclass(frozen=True)
class Suppressed:
    """A count of persons below the threshold: prints as "<5", is truthy and is not a number."""

    threshold: int = DEFAULT_THRESHOLD

    def __str__(self) -> str:
        return f"<{self.threshold}"

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __bool__(self) -> bool:
        return True

    @property
    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value the hidden count can have."""
        return 1, self.threshold - 1


@dataclass(frozen=True)
class Interval(Suppressed):
    """A sum containing suppressed counts, published as the range it must lie in."""

    low: float = 0
    high: float = 0

    def __str__(self) -> str:
        return f"{danish.number(self.low)}–{danish.number(self.high)}"

    @property
    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


Count = int | float | Suppressed | None


def is_person_unit(unit: str | None) -> bool:
    """True when a measurement's unit makes its values counts of persons."""
    text = (unit or "").strip().lower()
    if not text or "pr." in text or "gns" in text:
        return False
    return text.split()[0].strip("(),") in PERSON_UNITS


def suppress_value(value: Any, threshold: int = DEFAULT_THRESHOLD) -> Any:
    """Primary suppression of one count: 1..threshold-1 -> Suppressed; anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return Suppressed(threshold) if 0 < value < threshold else value


def add_counts(values: Iterable[Count], threshold: int = DEFAULT_THRESHOLD) -> Count:
    """The sum of published counts: exact when none is suppressed, else the implied interval.

    ``None`` (unknown) values are left out; the sum of only unknowns is ``None``.
    """
    low: float = 0
    high: float = 0
    hidden = False
    seen = False
    for value in values:
        if value is None:
            continue
        seen = True
        if isinstance(value, Suppressed):
            hidden = True
            a, b = value.bounds
            low, high = low + a, high + b
        else:
            low, high = low + value, high + value
    if not seen:
        return None
    if not hidden:
        return low
    if (low, high) == (1, threshold - 1):
        return Suppressed(threshold)
    return Interval(threshold, low, high)


def suppress_table(
    cells: Mapping[str, Count], threshold: int = DEFAULT_THRESHOLD, total: str | None = "I alt"
) -> dict[str, Count]:
    """Primary suppression of each cell, plus a total (if ``total`` is a label) from the shown cells."""
    shown: dict[str, Count] = {k: suppress_value(v, threshold) for k, v in cells.items()}
    if total is not None and shown:
        shown[total] = add_counts(shown.values(), threshold)
    return shown


# ---------------------------------------------------------------- free text

# A number that can be a count: not part of a decimal, range, age ("18+", "13-17-årige",
# "18-årige"), percentage or ordinal ("9. klasse").
_NUMBER = re.compile(r"(?<![\w.,/+\-–])(\d+)(?![\w+]|[.,]\d|\s?%|\s?pct|\s?[-–]\s?\d|[-–]år|\.\s?[a-zæøå])")
_NUMBER_WORD = re.compile(r"(?<![\w-])(" + "|".join(NUMBER_WORDS) + r")(?![\w-])", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+|\d+")
_NOT_COUNT_BEFORE = {
    "niveau", "niveauer", "tabel", "figur", "nr", "kl", "fase", "klasse", "klassetrin", "trin", "side",
    "version", "bilag", "punkt", "skala", "mål", "indsatsområde", "område", "uge", "år", "scorer",
    "score", "til", "fra", "scoret", "point", "dag", "kategori", "målgruppekategori", "note",
    "princip", "principperne", "effektmål", "målepunkt", "målepunkter", "række", "minimum", "maksimum",
}  # fmt: skip
# "scorer indsatsen 1": a score, when one of these is one or two words before the number.
_SCORE_BEFORE = re.compile(r"\b(?:scorer|scores|scorede|scoret|score|vurderes\s+til)\s+(?:[^\W\d_]+\s+)?$", re.IGNORECASE)
# "på en skala fra 1-10, hvor 1 er i mindre grad": a scale anchor, not a count.
_SCALE_BEFORE = re.compile(r"skala[^.!?\n]{0,40}\bhvor\s+$", re.IGNORECASE)
_UNIT_WORDS = {
    "år", "årige", "måned", "måneder", "mdr", "uge", "uger", "dage", "dag", "timer", "time", "minutter",
    "gange", "gang", "kr", "mio", "mia", "procent", "pct", "point", "fag", "km", "meter", "anmeldelser",
    "projekter", "centre", "klasse", "klasser", "kilder", "niveauer", "aktiviteter", "forløb",
}  # fmt: skip
_PERCENT = re.compile(r"\d\s?%|\d\s?pct|\d\s?procent", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str  # "unhandled", "complement", "arithmetic"
    offset: int  # position in the original text
    message: str


@dataclass
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str, start: int, limit: int) -> list[_Token]:
    """Up to ``limit`` words after ``start``; stops at a sentence end or a line break."""
    out: list[_Token] = []
    pos = start
    while len(out) < limit:
        m = _WORD.search(text, pos)
        if not m:
            break
        if re.search(r"[.!?;:,()\n]", text[pos : m.start()]):
            break
        out.append(_Token(m.group(), m.start(), m.end()))
        pos = m.end()
    return out


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"([^\W\d_]+)\W*$", text[max(0, pos - 30) : pos])
    return m.group(1).lower() if m else ""


def _is_person(word: str) -> bool:
    return bool(_PERSON.fullmatch(word))


def _value(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token.lower())


_LIST_MARKER = re.compile(r"(?:^|\n)[ \t]*(?:[-*][ \t]+)?$")
_SERIES = re.compile(r"([^\W\d_]+)\.?\s+\d+(?:\s*(?:,|og|eller|til|-|–|/)\s*\d+)*\s*(?:,|og|eller|til|-|–|/)\s*$")


def _number_at(text: str, m: re.Match[str]) -> int | None:
    """The candidate count at a match, or None if its context says it is not a count."""
    if len(m.group(1)) > 1 and m.group(1).startswith("0"):
        return None  # "aktivitet 00003": a zero-padded number is an id, not a count
    if m.start() >= 2 and text[m.start() - 1] == "(" and (text[m.start() - 2].isalnum() or text[m.start() - 2] == "_"):
        return None  # "alert(1)", "f(2)": an argument in code, not a count ("Praktik: 2 % (2)" has a space)
    before = text[max(0, m.start() - 40) : m.start()]
    if _word_before(text, m.start()) in _NOT_COUNT_BEFORE or _SCORE_BEFORE.search(before):
        return None
    if _SCALE_BEFORE.search(text[max(0, m.start() - 60) : m.start()]) and re.match(r"\s+er\b", text[m.end() :]):
        return None
    series = _SERIES.search(text[max(0, m.start() - 80) : m.start()])  # "niveau 3 og 4": the 4 is a level too
    if series and series.group(1).lower() in _NOT_COUNT_BEFORE:
        return None
    follows = text[m.end() : m.end() + 2]
    if follows.startswith(")") and not before.endswith("("):
        return None  # "1) Børn og unge": a list marker
    if follows.startswith(".") and _LIST_MARKER.search(before):
        return None  # "3. Prokriminel holdning" at a line start: a numbered list
    return _value(m.group(1))


def _person_follows(tokens: list[_Token], max_between: int = 2) -> int | None:
    """Index of a person word among the first tokens, with only non-unit words before it."""
    for i, tok in enumerate(tokens[: max_between + 1]):
        if _is_person(tok.text):
            return i
        if tok.text.isdigit() or tok.text.lower() in _UNIT_WORDS or tok.text.lower() in {"ud", "fra"}:
            return None
        if _value(tok.text) is not None:
            return None
    return None


_ADVERBS = {"meget", "mere", "mest", "særlig", "særligt", "helt", "ikke", "endnu", "stærkt", "svært"}


def _person_in_phrase(text: str, pos: int, limit: int = 4) -> int | None:
    """End of a person word after ``pos`` across adjectives and commas ("4 særligt udsatte,
    kriminalitetstruede unge"), or None. Every word before the person word must look like an
    adjective or adverb (ends in -e or -t, or a known adverb); a noun, number or unit stops it.
    """
    for _ in range(limit + 1):
        m = _WORD.search(text, pos)
        if not m or re.search(r"[^\s,]", text[pos : m.start()]):
            return None
        word = m.group().lower()
        if _is_person(word):
            return m.end()
        if word.isdigit() or _value(word) is not None or word in _UNIT_WORDS:
            return None
        if not (word in _ADVERBS or word in _ADJECTIVES or (len(word) > 3 and word[-1] in "et")):
            return None
        pos = m.end()
    return None


# "4-5 unge", "2–3 borgere", "4 til 6 unge": a range of counts (not an age: "13-17-årige").
_RANGE = re.compile(r"(?<![\w.,/+\-–])(\d+)(\s?[-–]\s?|\s+til\s+)(\d+)(?![\w+\-–]|[.,]\d|\s?%)")
# "3/4 unge": N of M persons written as a fraction.
_FRACTION = re.compile(r"(?<![\w.,/+\-–])(\d+)/(\d+)(?![\w/]|[.,]\d|\s?%)")
# Words after "N ud af M" that say what is counted when it is not persons ("2 ud af 3 af fagene").
_THING_WORDS = {
    "mål", "målene", "kriterier", "kriterierne", "kriterium", "indsatser", "indsatserne", "indsats",
    "bydele", "bydelene", "bydel", "skoler", "skolerne", "skoleskift", "tiltag", "møder", "kurser",
    "workshops", "sessioner", "samtaler", "spørgsmål", "temaer", "lokationer", "steder", "områder",
    "boligområder", "aktiviteterne", "projekterne", "organisationer", "partnere", "faktorer",
}  # fmt: skip
# After a bare number in a sentence with a count of persons: words that make it a part of that group.
_PART_NEXT = {"på", "i", "til", "med", "ikke", "stadig", "også", "heraf", "selv", "alene", "nu", "fortsat"}
_SENTENCE_END = re.compile(r"[.!?\n]")


def _sentence(text: str, pos: int) -> tuple[int, int]:
    """The span of the sentence (or line) around ``pos``."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, pos):
        if not (m.group() == "." and m.start() > 0 and text[m.start() - 1].isdigit()):
            start = m.end()
    end_m = _SENTENCE_END.search(text, pos)
    return start, end_m.start() if end_m else len(text)


_ADJECTIVES = {
    "resterende", "øvrige", "andre", "sidste", "første", "førstnævnte", "sidstnævnte", "nye", "tidligere",
    "samme", "unikke", "enkelte",
}  # fmt: skip
_PRONOUN_NEXT = {"der", "som", "har", "havde", "var", "er", "blev", "kom", "med", "fik", "hvoraf", "af"}


# A label before a number that makes it the name of a numbered item, not a count ("princip et og
# tre", "fokusområde 2", "trin 3").
_NUMBERED_LABEL = re.compile(
    r"\b(?:princip(?:per|perne)?|fokusområde(?:r|rne)?|effektmål|mål|nr\.?|trin|fase|kapitel|punkt|bilag|afsnit|side)\s+$",
    re.IGNORECASE,
)
_LIST_ITEM_BEFORE = re.compile(r"(\w+)\s*(?:,|\bog\b|\beller\b)\s*$")


def _names_a_numbered_item(text: str, start: int) -> bool:
    """True when the number at ``start`` follows a label such as "princip", directly or through a
    list of numbers ("princip et, to, tre og fem")."""
    before = text[:start]
    while (m := _LIST_ITEM_BEFORE.search(before)) and (
        m.group(1).isdigit() or _value(m.group(1)) is not None or m.group(1).lower() in {"et", "en"}
    ):
        before = before[: m.start()]
    return bool(_NUMBERED_LABEL.search(before))


def _used_as_pronoun(after: list[_Token], of_phrase: bool = False) -> bool:
    """True when a number stands for persons without a noun: "for de to, der …", "2 med …".

    A number followed by a noun that is not a person word ("de 4 største kommuner", "2 uger")
    is not about persons.
    """
    rest = [t for t in after if t.text.lower() not in _ADJECTIVES]
    if rest and rest[0].text.lower() == "af":  # "to af de virkningsfulde faktorer" / "To af disse er …"
        rest = rest[1:]
        if rest and rest[0].text.lower() in {"de", "disse"}:
            rest = [t for t in rest[1:] if t.text.lower() not in _ADJECTIVES and not t.text.endswith("e")] or rest[1:2]
        if not rest:
            return True
        return _is_person(rest[0].text) if of_phrase else rest[0].text.lower() in _PRONOUN_NEXT or _is_person(rest[0].text)
    if not rest:
        return True
    return rest[0].text.lower() in _PRONOUN_NEXT


def analyse_text(
    text: str, threshold: int = DEFAULT_THRESHOLD, reviewed: list[tuple[int, int]] | None = None
) -> tuple[str, list[Finding]]:
    """Rewrite small person counts in free text; return the new text and what is still unsafe.

    ``reviewed``: spans an editor has checked hold no count of persons (``public_wordings``
    rows whose public wording is the original); findings inside them are not reported."""
    if not text:
        return text, []
    out, found = _scan(text, threshold)
    findings = list(found)
    if reviewed:
        findings = [f for f in findings if f.kind != "unhandled" or not any(a <= f.offset < b for a, b in reviewed)]
    return out, findings


@functools.lru_cache(maxsize=65536)
def _scan(text: str, threshold: int) -> tuple[str, tuple[Finding, ...]]:
    """One scan per text and threshold per build: validation's warnings (``unsafe_text_warnings``)
    and the public edition's rewrite (``suppress_text``) read the same result; the forked edition
    builds inherit it from the process that validated."""
    scan = _TextScan(text, threshold)
    scan.scan_ranges()
    scan.scan_fractions()
    scan.scan_numbers()
    scan.check_loose()
    out, findings = scan.result()
    return out, tuple(findings)


# ---------------------------------------------------------------- public wordings

WORDINGS = "public_wordings"  # an internal resource: the source's words stay in the internal edition


@dataclass(frozen=True)
class Wording:
    """A passage of a public row's free text and the words the public edition shows instead
    ("færre end 5" for a small count of persons). ``public == original``: reviewed, not a count."""

    resource: str
    field: str
    original: str
    public: str
    line: int  # physical line in public_wordings.csv


def wordings(dataset: Any) -> dict[tuple[str, str], list[Wording]]:
    """The package's public wordings per (resource, field), in file order."""
    rows = dataset.tables.get(WORDINGS, []) if hasattr(dataset, "tables") else []
    try:
        starts = record_starts(Path(dataset.root) / f"{WORDINGS}.csv") if rows else []
    except OSError:
        starts = []
    out: dict[tuple[str, str], list[Wording]] = {}
    for i, row in enumerate(rows):
        line = starts[i] if i < len(starts) else i + 2
        out.setdefault((row["resource"], row["field"]), []).append(
            Wording(row["resource"], row["field"], row["original"], row["public"], line)
        )
    return out


def apply_wordings(text: str, items: list[Wording]) -> tuple[str, list[tuple[int, int]]]:
    """The text with every wording's original replaced by its public words, and the spans of
    reviewed passages (kept as they are) in the result."""
    for w in items:
        if w.original in text and w.public != w.original:
            text = text.replace(w.original, w.public)
    reviewed = []
    for w in items:
        if w.public == w.original:
            start = text.find(w.original)
            while start >= 0:
                reviewed.append((start, start + len(w.original)))
                start = text.find(w.original, start + 1)
    return text, reviewed


def public_text(text: str | None, items: list[Wording], threshold: int = DEFAULT_THRESHOLD) -> str | None:
    """A public row's free text: its public wordings applied, then small counts rewritten."""
    if not text:
        return text
    return suppress_text(apply_wordings(text, items)[0], threshold)


@dataclass
class _TextScan:
    """The state of one ``analyse_text`` pass: what to replace and what is still unsafe."""

    text: str
    threshold: int
    replace: dict[tuple[int, int], str] = _field(default_factory=dict)
    findings: list[Finding] = _field(default_factory=list)
    shown_counts: list[int] = _field(default_factory=list)  # offsets of person counts left visible
    person_counts: list[int] = _field(default_factory=list)  # offsets of every person count, hidden or shown
    loose: list[re.Match[str]] = _field(default_factory=list)  # small numbers of no known form
    done: set[int] = _field(default_factory=set)

    @property
    def marker(self) -> str:
        return f"<{self.threshold}"

    def is_small(self, value: int) -> bool:
        return 0 < value < self.threshold

    def n_of_m(self, n_span: tuple[int, int], n: int, m_span: tuple[int, int], m_value: int, start: int) -> None:
        """ "N ud af M" persons: hide N, and M too when it is small; report a small complement."""
        self.person_counts.append(start)
        if self.is_small(n) or self.is_small(m_value):
            self.replace[n_span] = self.marker
            if self.is_small(m_value):
                self.replace[m_span] = self.marker
            return
        self.shown_counts.extend([start, m_span[0]])
        if self.is_small(m_value - n):
            self.findings.append(
                Finding(
                    "complement",
                    start,
                    f"„{self.text[start : m_span[1]]}“: forskellen {m_value} − {n} er et lille antal "
                    f"personer (under {self.threshold}). Omformulér, fx „de fleste af de {m_value}“.",
                )
            )

    # ------------------------------------------------------------ ranges and fractions

    def scan_ranges(self) -> None:
        """ "2-3 unge", "4 til 6 unge": hide a range wholly below the threshold, report the rest."""
        for r in _RANGE.finditer(self.text):
            low, high = int(r.group(1)), int(r.group(3))
            before = _word_before(self.text, r.start())
            if low > high or (before in _NOT_COUNT_BEFORE and before not in {"fra", "til"}):
                continue
            if _person_in_phrase(self.text, r.end()) is None:
                continue
            self.done.update({r.start(), r.start(3)})
            self.person_counts.append(r.start())
            if not self.is_small(low):
                self.shown_counts.append(r.start())
            elif high < self.threshold and "til" not in r.group(2):
                self.replace[(r.start(), r.end(3))] = self.marker  # "2-3 unge" -> "<5 unge"
            else:
                self._report_range(r)

    def _report_range(self, r: re.Match[str]) -> None:
        self.findings.append(
            Finding(
                "unhandled",
                r.start(),
                f"„{_snippet(self.text, r.start(), r.end())}“: intervallet {r.group(0)} rummer et lille antal "
                f"personer (under {self.threshold}) og skjules ikke automatisk. Omformulér, fx „{self.marker} unge“ "
                "eller „få unge“.",
            )
        )

    def scan_fractions(self) -> None:
        """ "3/4 unge": like "3 ud af 4 unge"."""
        for f in _FRACTION.finditer(self.text):
            if _word_before(self.text, f.start()) in _NOT_COUNT_BEFORE or _person_in_phrase(self.text, f.end()) is None:
                continue
            self.done.update({f.start(), f.start(2)})
            self.n_of_m(f.span(1), int(f.group(1)), f.span(2), int(f.group(2)), f.start())

    # ------------------------------------------------------------ single numbers

    def scan_numbers(self) -> None:
        """Every digit or number word not yet handled by a range or fraction, in text order."""
        candidates = [(m, _number_at(self.text, m)) for m in _NUMBER.finditer(self.text)]
        candidates += [(m, _number_at(self.text, m)) for m in _NUMBER_WORD.finditer(self.text)]
        candidates.sort(key=lambda c: c[0].start())
        for m, n in candidates:
            if n is None or m.start() in self.done:
                continue
            self._scan_number(m, n)

    def _scan_number(self, m: re.Match[str], n: int) -> None:
        small = self.is_small(n)
        after = _tokens(self.text, m.end(), 7)
        if small and len(after) >= 2 and [t.text.lower() for t in after[:2]] == ["af", "dem"]:
            self.replace[m.span(1)] = self.marker  # "4 af dem": always true as "<5 af dem"
            self.person_counts.append(m.start())
            return
        person = _person_follows(after)
        if self._n_of_m_phrase(m, n, small, after, person):
            return
        if person is None and _person_in_phrase(self.text, m.end()) is not None:
            person = 0  # "4 særligt udsatte, kriminalitetstruede unge"
        if person is not None:
            self._person_count(m, small, after, person)
            return
        if after and after[0].text.lower() == "fra" and len(after) > 1 and _value(after[1].text) is None:
            self.person_counts.append(m.start())
            if small and m.group(1).isdigit():
                self.replace[m.span(1)] = self.marker
            return
        if small:
            self._small_without_person(m, after)

    def _n_of_m_phrase(self, m: re.Match[str], n: int, small: bool, after: list[_Token], person: int | None) -> bool:
        """ "N [adj] [person] (ud) af (de|disse) M [adj] [person]"; True when the number is handled."""
        j = _of_number_index(after, 0 if person is None else person + 1)
        if j is None:
            return False
        of = after[j]
        m_value = _value(of.text)
        rest = after[j + 1 :]
        person_after = _person_follows(rest) is not None or (
            len(rest) >= 2 and rest[0].text.lower() == "af" and _person_follows(rest[1:]) is not None
        )
        if m_value is not None and (person is not None or person_after):
            self.done.add(of.start)
            self.n_of_m(m.span(1), n, (of.start, of.end), m_value, m.start())
            return True
        if m_value is not None and (small or self.is_small(m_value)):
            self.done.add(of.start)
            if not _names_things(rest):
                self.findings.append(
                    Finding(
                        "unhandled",
                        m.start(),
                        f"„{self.text[m.start() : of.end]}“ kan være et lille antal personer. Skriv hvem det "
                        f"drejer sig om (fx „{self.marker} ud af 18 unge“) eller omformulér.",
                    )
                )
            return True
        return False

    def _person_count(self, m: re.Match[str], small: bool, after: list[_Token], person: int) -> None:
        """A number with a person word after it: hide it when small."""
        if person < len(after) and self.text[after[person].end :].lstrip(" ").startswith(":"):
            return  # "1 forældre: 50,9": a category label in a table, not a count
        self.person_counts.append(m.start())
        if small:
            self.replace[m.span(1)] = self.marker
        else:
            self.shown_counts.append(m.start())

    def _small_without_person(self, m: re.Match[str], after: list[_Token]) -> None:
        """A small number with no person word: report a pronoun use, keep a bare one for later."""
        if _names_a_numbered_item(self.text, m.start()):
            return
        if _used_as_pronoun(after):
            self.findings.append(
                Finding(
                    "unhandled",
                    m.start(),
                    f"„{_snippet(self.text, m.start(), m.end())}“: {m.group(1)} kan være et lille antal personer i en "
                    f"form, der ikke skjules automatisk. Omformulér, fx „{self.marker} unge“ eller „få unge“.",
                )
            )
        elif after and after[0].text.lower() not in _UNIT_WORDS and after[0].text.lower() not in _THING_WORDS:
            self.loose.append(m)

    # ------------------------------------------------------------ bare numbers and result

    def check_loose(self) -> None:
        """ "Af de 4 unge gennemførte 3 forløbet": beside a hidden count of persons, a bare small
        number is most likely a part of that group; beside a shown count, when the number is
        not followed by a noun of its own ("Af de 12 unge startede 3 på en uddannelse")."""
        for m in self.loose:
            a, b = _sentence(self.text, m.start())
            nxt = _tokens(self.text, m.end(), 1)
            part = bool(nxt) and (nxt[0].text.lower() in _PART_NEXT or re.search(r"[^e](?:et|en)$", nxt[0].text.lower()))
            hidden = {span[0] for span in self.replace}
            if any(a <= p < b and p != m.start() and (p in hidden or part) for p in self.person_counts) or any(
                a <= p < b for p in hidden
            ):
                self.findings.append(
                    Finding(
                        "unhandled",
                        m.start(),
                        f"„{_snippet(self.text, m.start(), m.end())}“: {m.group(1)} står i samme sætning som et antal "
                        f"personer og kan selv være et lille antal personer. Omformulér, fx „{self.marker}“ eller „få“.",
                    )
                )

    def result(self) -> tuple[str, list[Finding]]:
        """The rewritten text and the findings in text order (the arithmetic warning last)."""
        self.findings.sort(key=lambda f: f.offset)
        out = self.text
        for (a, b), new in sorted(self.replace.items(), reverse=True):
            out = out[:a] + new + out[b:]
        if self.replace and (self.shown_counts or _PERCENT.search(out)):
            first = min(a for a, _ in self.replace)
            self.findings.append(
                Finding(
                    "arithmetic",
                    first,
                    "Et lille antal personer er skjult i teksten, men teksten viser også andre antal personer "
                    "eller procenter, som det skjulte tal måske kan regnes ud fra. Kontrollér og omformulér.",
                )
            )
        return out, self.findings


def _of_number_index(after: list[_Token], j: int) -> int | None:
    """Index of M in "(ud) af (de|disse|i alt) M" starting at ``after[j]``, or None."""
    if j < len(after) and after[j].text.lower() == "ud":
        j += 1
    if not (j < len(after) and after[j].text.lower() == "af"):
        return None
    j += 1
    if j < len(after) and after[j].text.lower() in {"de", "disse", "i", "alt"}:
        j += 1
        if j < len(after) and after[j].text.lower() == "alt":
            j += 1
    if (
        j < len(after)
        and _value(after[j].text) is not None
        and (after[j].text.isdigit() or after[j].text.lower() in NUMBER_WORDS)
    ):
        return j
    return None


def _names_things(rest: list[_Token]) -> bool:
    """True when the words after "N ud af M" say that things, not persons, are counted."""
    if not rest:
        return False
    first = rest[0].text.lower()
    if first in _UNIT_WORDS or first in _THING_WORDS:
        return True  # "3 ud af 4 gange", "to ud af seks mål"
    return first == "af" and len(rest) > 1 and _person_follows(rest[1:]) is None  # "2 ud af 3 af fagene"


def suppress_text(text: str | None, threshold: int = DEFAULT_THRESHOLD) -> str | None:
    """Free text with small person counts rewritten ("4 unge" -> "<5 unge")."""
    if not text:
        return text
    return analyse_text(text, threshold)[0]


def _snippet(text: str, start: int, end: int, width: int = 30) -> str:
    a = max(0, start - width)
    b = min(len(text), end + width)
    return ("…" if a else "") + " ".join(text[a:b].split()) + ("…" if b < len(text) else "")


# ---------------------------------------------------------------- fields and warnings


def free_text_fields(descriptor_resource: Mapping[str, Any]) -> list[str]:
    """String fields that hold free text: not keys, not references, not enums or patterns."""
    schema = descriptor_resource.get("schema", {})
    keys = set(_as_list(schema.get("primaryKey")))
    for fk in schema.get("foreignKeys", []):
        keys.update(_as_list(fk.get("fields")))
    out = []
    for f in schema.get("fields", []):
        constraints = f.get("constraints", {})
        if f.get("type", "string") != "string" or f["name"] in keys or f["name"] in {"id", "source", "audience", "unit"}:
            continue
        if "enum" in constraints or "pattern" in constraints or f.get("format") in {"uri", "email"}:
            continue
        out.append(f["name"])
    return out


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


_KIND_TITLES = {
    "unhandled": "small-number-text",
    "complement": "small-number-complement",
    "arithmetic": "small-number-arithmetic",
}


def unsafe_text_warnings(dataset: Any, kept: Mapping[str, set[int]], threshold: int = DEFAULT_THRESHOLD) -> list[Problem]:
    """Warnings for free text in the public edition that small-number rules cannot make safe.

    Each names the CSV file, the physical line of the text (inside a multi-line cell too)
    and the field. Only rows and columns that reach the public edition are checked: ``kept``
    holds the indexes of the public rows per resource (``edition.public_row_indexes``).
    """
    problems: list[Problem] = []
    by_field = wordings(dataset)
    used: set[Wording] = set()
    for resource in dataset.descriptor["resources"]:
        name = resource["name"]
        fields = [f["name"] for f in resource["schema"]["fields"]]
        hidden = {f["name"] for f in resource["schema"]["fields"] if f.get("audience") == "internal"}
        texts = [f for f in free_text_fields(resource) if f not in hidden]
        if not texts:
            continue
        rows = dataset.tables.get(name, [])
        path = Path(dataset.root) / resource["path"]
        try:
            starts = record_starts(path)
        except OSError:
            starts = []
        for index in sorted(kept.get(name, set())):
            row = rows[index]
            start = starts[index] if index < len(starts) else index + 2
            for field in texts:
                value = row.get(field)
                if not isinstance(value, str) or not value:
                    continue
                items = by_field.get((name, field), [])
                used.update(w for w in items if w.original in value)
                shown, reviewed = apply_wordings(value, items)
                _, findings = analyse_text(shown, threshold, reviewed)
                for finding in findings:
                    before = sum(str(row.get(f) or "").count("\n") for f in fields[: fields.index(field)])
                    line = start + before + _original_line(value, shown, finding.offset)
                    problems.append(
                        Problem(
                            _KIND_TITLES[finding.kind],
                            resource["path"],
                            finding.message,
                            row=line,
                            field=field,
                            severity="error" if finding.kind == "unhandled" else "warning",
                            subject=row.get("activity_id") or row.get("id"),
                        )
                    )
    for items in by_field.values():
        for w in items:
            if w not in used:
                problems.append(
                    Problem(
                        "public-wording-unused",
                        f"{WORDINGS}.csv",
                        f"Teksten i 'original' findes ikke (længere) i feltet {w.field} i {w.resource}; ret den, så den "
                        "svarer præcis til kildens ord, eller slet rækken.",
                        row=w.line,
                        field="original",
                    )
                )
    return problems


def _original_line(original: str, shown: str, offset: int) -> int:
    """Line breaks before ``offset`` in the shown text, mapped back to the original (a wording
    may change the number of lines): the line of the same words in the original, when found."""
    line_text = shown[shown.rfind("\n", 0, offset) + 1 : offset]
    found = original.find(line_text) if line_text.strip() else -1
    return original[:found].count("\n") if found >= 0 else shown[:offset].count("\n")
