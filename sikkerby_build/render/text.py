"""Short plain-text forms of longer texts: descriptions for sharing, tooltips, summaries.

Texts are cut at a sentence or a word, never inside a word ("…Hovedpa"), and a cut text ends
with "…" so readers see that there is more.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
# A sentence ends at . ! ? followed by a space and a capital letter or digit (not "fx. a", "ca. 5"
# with a lowercase word after it; "d. 1. januar" is not split either since a digit follows "d.").
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][“”\")]))\s+(?=[A-ZÆØÅ\"“„(])")  # also after a closing quote


def cut_at_word(text: str, limit: int) -> str:
    """``text`` (whitespace folded) of at most ``limit`` characters, cut at a word, with "…"."""
    clean = " ".join(text.split())
    if len(clean) <= limit:
        return clean
    room = clean[: max(limit - len(ELLIPSIS), 1)]
    cut = room.rsplit(" ", 1)[0] if " " in room else room
    return cut.rstrip(" ,;:–-") + ELLIPSIS


def sentences(text: str) -> list[str]:
    """The sentences of ``text``; a full stop inside a quotation („…“) does not end one."""
    clean = " ".join(text.split())
    out, start = [], 0
    for match in _SENTENCE_END.finditer(clean):
        part = clean[start : match.start()]
        if part.count("„") > part.count("“"):  # inside a quotation
            continue
        out.append(part)
        start = match.end()
    out.append(clean[start:])
    return [s for s in out if s]


def first_sentences(text: str, limit: int) -> str:
    """The whole sentences from the start of ``text`` that fit in ``limit`` characters; when not
    even the first fits, the first sentence cut at a word."""
    parts = sentences(text)
    if not parts:
        return ""
    out = parts[0]
    if len(out) > limit:
        return cut_at_word(out, limit)
    for s in parts[1:]:
        if len(out) + 1 + len(s) > limit:
            break
        out = f"{out} {s}"
    return out
