"""Danish display formats: the one way a number, a percentage or an amount in kroner is written.

Every number a reader sees (pages, chart texts and tables, SVG sketches, live figures, hidden-count
intervals, PDFs) goes through ``number``: Babel's CLDR format for Danish (``da``), which is also the
sources' own: a period between thousands and a decimal comma ("1.158", "8.304.267", "88,5").
Rounding is half up, as a reader rounds the number the source wrote (12,5 -> 13, 0,65 -> 0,7), not
the binary float's half-even; a value that rounds to zero is "0", never "-0". Charts drawn by
plotly.js use the same separators (``PLOTLY_SEPARATORS``). Downloads (CSV, JSON, Excel) are data,
not display, and keep plain machine-readable numbers.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import NumberPattern, parse_pattern

LOCALE = "da"
NONE = "–"  # a number that is not there
PLOTLY_SEPARATORS = ",."  # plotly's layout.separators: decimal sign, then thousands separator


@functools.lru_cache(maxsize=8)
def _pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


def _decimal(value: float | int, decimals: int) -> Decimal:
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1158`` -> "1.158", ``88.46, 1`` -> "88,5", ``None`` (or a value that is not a finite number) -> "–"."""
    if value is None or not math.isfinite(value):
        return NONE
    return _pattern(decimals).apply(_decimal(value, decimals), LOCALE)


def percent(share: float | None, decimals: int = 0) -> str:
    """A share (0–1) in percent: ``0.6667`` -> "67 %"; ``None`` -> "–"."""
    return NONE if share is None else f"{number(share * 100, decimals)} %"


def millions(value: float) -> str:
    """An amount in kroner in millions: ``8_304_267`` -> "8,3 mio. kr.", ``633_000`` -> "0,6 mio. kr."."""
    return f"{number(value / 1e6, 1)} mio. kr."


def kroner(value: float | None) -> str:
    """An amount in kroner: "650.000 kr.", from a million "1,2 mio. kr."; ``None`` -> "Ikke oplyst"."""
    if value is None:
        return "Ikke oplyst"
    if value >= 1_000_000:
        return millions(value)
    return f"{number(value)} kr."
