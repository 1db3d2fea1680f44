"""Suggestions for a misspelt value ("Mente du 'sjakket'?"): used by validation, the editing
commands, the intake and renames alike, so it sits below all of them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(value: str, candidates: Iterable[object]) -> str | None:
    """The closest known value to a misspelt one, or None."""
    known = sorted({str(c) for c in candidates if c not in (None, "")})
    matches = difflib.get_close_matches(str(value), known, n=1, cutoff=0.6)
    return matches[0] if matches else None


def mente_du(value: str, candidates: Iterable[object]) -> str:
    """" Mente du 'x'?" after a message, or "" when nothing is close."""
    match = suggest(value, candidates)
    return f" Mente du '{match}'?" if match else ""
