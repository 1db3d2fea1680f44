"""Where each record of a CSV file starts, as the physical line an editor sees in Notepad or
Excel (1-based; the header is line 1). A quoted cell with line breaks spans several physical
lines, so record numbers and lines differ after it. The one implementation every stage uses
(validation's ``LineMap``, sources, small-number warnings)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


class Records:
    """Every record of a CSV text, header first, as ``(first line, last line, cells)`` in
    physical lines (1-based). ``next_line`` is where the next record starts: the line to name
    when the reader stops on a ``csv.Error``. The one record loop of the code base: line numbers
    (``iter_record_starts``), validation's cell checks, the editors' skeleton rows and the intake's
    record-by-record rewrite all read records through it."""

    def __init__(self, handle: TextIO, strict: bool = False) -> None:
        self._reader = csv.reader(handle, strict=strict)
        self.next_line = 1

    def __iter__(self) -> Iterator[tuple[int, int, list[str]]]:
        for cells in self._reader:
            start = self.next_line
            self.next_line = self._reader.line_num + 1
            yield start, self._reader.line_num, cells


def rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """``(first line, row by header)`` for every non-empty data record of a CSV text (as
    ``csv.DictReader`` reads them, with the physical line each starts on)."""
    records = iter(Records(io.StringIO(text, newline="")))
    header = next(records, (0, 0, []))[2]
    for start, _, cells in records:
        if cells:
            yield start, dict(zip(header, cells, strict=False))


def iter_record_starts(handle: TextIO) -> Iterator[int]:
    """The physical line each record starts on, header first; stops where the CSV reader does."""
    return (start for start, _, _ in Records(handle))


def record_starts(path: Path) -> list[int]:
    """The physical line each data record (not the header) starts on; raises on an unreadable file."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(iter_record_starts(handle))[1:]
