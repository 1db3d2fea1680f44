"""Danish inflected forms for the search index.

Material's search appends '*' to each query word and matches prefixes, so a base form
("korps") finds its inflections ("korpset"), but an inflected query ("fritidsjobbene")
does not find a page that only says "fritidsjob". Lunr's Danish stemmer does not help
(it runs on the index only, not on wildcard queries). We therefore add the regular
inflections of the words in an activity's name to its page as a hidden search aid.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-zÆØÅæøå]{4,}")
_ENDINGS = ("en", "et", "er", "ene", "erne", "s", "ens", "ets")
_ENDINGS_AFTER_E = ("n", "r", "ne", "rne", "ns", "s")


def inflections(text: str) -> list[str]:
    forms: set[str] = set()
    for word in _WORD.findall(text):
        w = word.lower()
        endings = _ENDINGS_AFTER_E if w.endswith("e") else _ENDINGS
        forms.update(w + e for e in endings)
        if w.endswith("b") or w.endswith("p"):  # fritidsjob -> fritidsjobbet, fritidsjobbene
            forms.update(w + w[-1] + e for e in ("et", "ene", "er", "erne"))
    return sorted(forms)


_TERM_ENDINGS = ("", "en", "et", "er", "ene", "erne", "s", "ens", "ets", "ernes", "enes")
_TERM_ENDINGS_AFTER_E = ("", "n", "r", "ne", "rne", "s", "ns", "ts", "nes", "rnes")


def term_forms(term: str) -> list[str]:
    """The forms a glossary term is recognised in: its regular Danish inflections of the last
    word (-en, -et, -er, -ene, -erne, -s …) in the term's own case, lower case and capitalised,
    so "Effektscore" in a heading and "effektscoren" in a sentence both get the explanation.

    Tooltips match exact words, so every form is listed; the term itself comes first.
    """
    term = " ".join(term.split())
    if not term:
        return []
    if term.isupper() or any(c.isdigit() for c in term):  # 'A1', 'SSP': an abbreviation, written one way
        return [term]
    head, _, last = term.rpartition(" ")
    endings: tuple[str, ...] = _TERM_ENDINGS_AFTER_E if last.lower().endswith("e") else _TERM_ENDINGS
    if not last[-1:].isalpha():  # 'SSP+': no inflection
        endings = ("",)
    inflected = [f"{head} {last}{e}".strip() for e in endings]
    forms: list[str] = []
    for form in inflected:
        for variant in (form, form[:1].lower() + form[1:], form[:1].upper() + form[1:], form.lower()):
            if variant not in forms:
                forms.append(variant)
    return forms
