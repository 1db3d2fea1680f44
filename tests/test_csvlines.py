"""The one CSV record loop: physical lines as an editor sees them in Notepad or Excel."""

from __future__ import annotations

import csv
import io

import pytest

from sikkerby_build import csvlines

TEXT = 'id,text\r\na,"to\r\nlinjer"\r\n\r\nb,én\r\nc,"tre\nlinjer\nher"\r\n'


def test_records_give_first_and_last_physical_line_of_each_record():
    records = list(csvlines.Records(io.StringIO(TEXT, newline="")))
    assert [(start, end) for start, end, _ in records] == [(1, 1), (2, 3), (4, 4), (5, 5), (6, 8)]
    assert records[1][2] == ["a", "to\r\nlinjer"] and records[2][2] == []  # a blank line is an empty record


def test_rows_are_dict_reader_rows_with_their_start_line():
    rows = list(csvlines.rows(TEXT))
    assert [start for start, _ in rows] == [2, 5, 6]
    assert [row for _, row in rows] == [dict(r) for r in csv.DictReader(io.StringIO(TEXT, newline=""))]
    assert list(csvlines.iter_record_starts(io.StringIO(TEXT, newline=""))) == [1, 2, 4, 5, 6]


def test_a_reading_error_is_named_at_the_line_where_the_bad_record_starts():
    records = csvlines.Records(io.StringIO('id,text\r\na,"to\r\nlinjer"\r\nc,"x"y"\r\n', newline=""), strict=True)
    seen = []
    with pytest.raises(csv.Error):
        seen.extend(start for start, _, _ in records)
    assert seen == [1, 2] and records.next_line == 4
