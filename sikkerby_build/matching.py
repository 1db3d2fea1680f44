"""One normalisation for every comparison of text against secrets (edition, audit, validate).

``fold(text)``: what two spellings of the same words have in common:

- Unicode NFKC (full-width letters, ligatures, composed and decomposed å are one form);
- format characters removed (Unicode category Cf: soft hyphen, zero-width space, zero-width
  (non-)joiner, word joiner, byte-order mark, bidi controls), so an invisible character
  inside a word does not split it;
- case folded;
- æ, ø, å written ae, oe, aa (a Danish word typed on a foreign keyboard matches);
- every run of whitespace one space, none at the ends.

``normalise(text)``: escapes undone first (JSON ``\\u00e6``, URL ``%C3%A6``, HTML ``&aelig;``,
twice: e.g. HTML-escaped JSON in an attribute), then ``fold``. The audit reads every output
file in this form and every secret is searched in this form.

Contact-like parts (``contact_parts``): e-mail addresses and phone numbers are found in any
secret and searched on their own; person names are taken from contact fields.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse

_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\\/\"nrt])")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_JSON_SIMPLE = {"n": " ", "r": " ", "t": " ", "/": "/", "\\": "\\", '"': '"'}

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# C0 and C1 control characters other than tab, line feed and carriage return: not allowed in XML 1.0
CONTROL_CHARACTERS = frozenset(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)])


def strip_format(text: str) -> str:
    """Every format character (Cf) removed.

    Only the distinct characters of a text are classified (a page has a few hundred), and the
    removal is one ``str.translate``: the audit folds every output file four ways, ~20 million
    characters per edition."""
    if text.isascii():  # every Cf character is outside ASCII
        return text
    found = {ord(ch): None for ch in set(text) if unicodedata.category(ch) == "Cf"}
    return text.translate(found) if found else text


def fold(text: str) -> str:
    """The one comparison form (see the module doc)."""
    text = strip_format(unicodedata.normalize("NFKC", text))
    # three str.replace calls: ~10x faster than str.translate with a dict on a page-sized text
    return " ".join(text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa").split())


def _json_unescape(text: str) -> str:
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else _JSON_SIMPLE[m.group(2)], text)


def unescape(text: str) -> str:
    """JSON, URL and HTML escapes undone (twice, for escapes inside escapes)."""
    for _ in range(2):
        before = text
        text = _json_unescape(text)
        if _PERCENT_ESCAPE.search(text):  # unquote only changes %XX; "width: 40%" alone needs no pass
            text = urllib.parse.unquote(text)
        text = html.unescape(text)
        if text == before:  # nothing was escaped: a second pass would change nothing either
            break
    return text


def normalise(text: str) -> str:
    """Escapes undone, then ``fold``: the form the audit compares in."""
    return fold(unescape(text))


# ---------------------------------------------------------------- contact-like parts

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Danish phone numbers: 8 digits, optionally after +45/0045, written together, in pairs or in
# fours ("12345678", "12 34 56 78", "1234 5678", "12.34.56.78"); not a range of years ("2010-2014").
PHONE = re.compile(r"(?<![\w.,\-])(?:(?:\+|00)45[ .]?)?(\d{2}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}|\d{4}[ .]\d{4})(?![\w]|[.,]\d)")
# A person's name in a contact: two to four capitalised words ("Jens Hansen", "Anne-Mette K. Berg").
NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?(?:\s+(?:[A-ZÆØÅ]\.|[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?)){1,3}\b")
CONTACT_FIELDS = re.compile(r"contact|kontakt", re.IGNORECASE)


def phone_digits(text: str) -> set[str]:
    """The 8-digit phone numbers in a text, as digits only."""
    out = set()
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) == 8:
            out.add(digits)
    return out


def emails(text: str) -> set[str]:
    return {m.group(0).strip(".").casefold() for m in EMAIL.finditer(text)}


def names(text: str) -> set[str]:
    """Person names in a contact value (capitalised word sequences)."""
    return {m.group(0) for m in NAME.finditer(unicodedata.normalize("NFKC", strip_format(text)))}


def contact_parts(value: str, contact_field: bool = False) -> list[str]:
    """The identifying parts of a secret that are searched on their own: e-mail addresses
    (and their local part when it names a person, ``jens.hansen``), and for a contact field
    the person names in it. Phone numbers are matched digit by digit (``phone_digits``)."""
    parts: set[str] = set()
    clean = strip_format(value)
    for address in emails(clean):
        parts.add(address)
        local = address.split("@", 1)[0]
        if len(local) >= 6 and re.search(r"[a-zæøå]{2}[._\-][a-zæøå]{2}", local):
            parts.add(local)
    if contact_field:
        parts.update(n for n in names(clean) if len(n) >= 6)
    return sorted(parts)
