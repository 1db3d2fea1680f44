"""Where each record of a CSV file starts, as the physical line an editor sees in Notepad or
Excel (1-based; the header is line 1). A quoted cell with line breaks spans several physical
lines, so record numbers and lines differ after it. The one implementation every stage uses
(validation's ``LineMap``, sources, small-number warnings)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def iter_record_starts(handle: TextIO) -> Iterator[int]:
    """The physical line each record starts on, header first; stops where the CSV reader does."""
    reader = csv.reader(handle)
    previous = 0
    for _ in reader:
        yield previous + 1
        previous = reader.line_num


def record_starts(path: Path) -> list[int]:
    """The physical line each data record (not the header) starts on; raises on an unreadable file."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(iter_record_starts(handle))[1:]
