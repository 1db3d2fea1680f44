"""Checks on a single text that every source applies: characters no text may hold (control and
bidi characters) and nesting deeper than the renderers can take. Used by ``load`` (content pages)
and ``validate`` (data cells); it imports neither, so neither imports the other for it."""

from __future__ import annotations

from . import matching, sanitize
from .problems import Problem


def character_problem(value: str, file: str, *, first_line: int | None, field: str | None = None, follow_lines: bool = True) -> Problem | None:
    """The problem for the first character no text may hold, else None: a control character (XML
    cannot hold it, e.g. Word's U+000B line break) or a bidi control (U+202A–202E, U+2066–2069: it
    turns the text around on the page and in the PDF). Located at ``first_line``, plus the line
    breaks before the character when ``follow_lines`` (a multi-line cell or a page body)."""
    for offset, ch in enumerate(value):
        if ch not in matching.CONTROL_CHARACTERS and ch not in matching.BIDI_CONTROLS:
            continue
        row = first_line
        if row is not None and follow_lines:
            row += value.count("\n", 0, offset)
        if ch in matching.CONTROL_CHARACTERS:
            return Problem(
                "control-character", file,
                f"Teksten indeholder et usynligt styretegn (U+{ord(ch):04X}), fx et linjeskift fra Word "
                "(Skift+Enter) eller et sideskift. Slet tegnet eller brug et almindeligt linjeskift.",
                row=row, field=field,
            )  # fmt: skip
        return Problem(
            "bidi-control", file,
            f"Teksten indeholder et usynligt tegn, der vender skriftretningen (U+{ord(ch):04X}); det kan få "
            "teksten til at se anderledes ud, end den er. Slet tegnet (skriv teksten igen uden at kopiere den).",
            row=row, field=field,
        )  # fmt: skip
    return None


def nesting_problem(value: str) -> tuple[str, int] | None:
    """(Danish message, line offset) when a text is nested deeper than ``sanitize.MAX_NESTING``."""
    depth, line = sanitize.nesting_depth(value)
    if depth <= sanitize.MAX_NESTING:
        return None
    return (
        f"Teksten er indlejret {depth} niveauer dybt (lister, citater, HTML-elementer eller parenteser i "
        f"hinanden); højst {sanitize.MAX_NESTING} er tilladt. Ret strukturen.",
        line - 1,
    )
