"""One Danish number format (``sikkerby_build.danish``), checked against the sources' own numbers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sikkerby_build import charts, danish, disclosure, live_figures
from sikkerby_build.load import load_data
from sikkerby_build.render import history, jinja
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d]|,\d)")  # 1.158, 8.304.267 as the sources write them


@pytest.fixture(scope="module")
def dataset():
    return load_data(DATA)


def test_the_sources_own_thousands_are_written_as_the_site_writes_them(dataset):
    """Every number with thousands the data's text transcribes from the municipality's documents."""
    seen = set()
    for rows in dataset.tables.values():
        for row in rows:
            for value in row.values():
                if isinstance(value, str):
                    seen.update(GROUPED.findall(value))
    assert len(seen) >= 30  # e.g. 49.308 fremmøder, 8.304.267 kr., 16.200
    for written in sorted(seen):
        assert danish.number(int(written.replace(".", ""))) == written


def test_budgets_read_the_way_their_source_text_writes_them(dataset):
    matched = 0
    for row in dataset.table("activities"):
        amount, text = row["budget_dkk"], row["budget_text"] or ""
        if amount is not None and amount < 1_000_000 and re.search(rf"(?<![\d.]){re.escape(danish.number(amount))} kr\.", text):
            assert danish.kroner(amount) in text  # "650.000 kr.", "633.000 kr."
            matched += 1
        if amount is not None and amount == int(amount) and f"{int(amount):,}".replace(",", ".") in text:
            assert danish.number(amount) in text  # "8.304.267", "16.500.000"
    assert matched >= 3


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1158, 0, "1.158"),  # a measured value (unge) that was shown "1 158" and "1158"
        (8304267, 0, "8.304.267"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (88.46, 1, "88,5"),
        (35.8, 2, "35,80"),
        (1234.5, 1, "1.234,5"),
        (-1234.5, 1, "-1.234,5"),
        (12.5, 0, "13"),  # half up, as a reader rounds (Python's format gave "12")
        (62.5, 0, "63"),
        (0.65, 1, "0,7"),
        (0.15, 1, "0,2"),  # the decimal the source wrote, not the binary float ("0,1")
        (-0.04, 1, "0,0"),  # never "-0,0"
        (0, 0, "0"),
        (None, 0, "–"),
        (float("nan"), 1, "–"),
        (float("inf"), 0, "–"),
    ],
)
def test_number(value, decimals, expected):
    assert danish.number(value, decimals) == expected


def test_percent_and_kroner():
    assert danish.percent(2 / 3) == "67 %"
    assert danish.percent(0.125, 1) == "12,5 %"
    assert danish.percent(None) == "–"
    assert danish.kroner(650_000) == "650.000 kr."
    assert danish.kroner(8_304_267) == "8,3 mio. kr."
    assert danish.kroner(None) == "Ikke oplyst"
    assert danish.millions(633_000) == "0,6 mio. kr." and danish.millions(16_500_000) == "16,5 mio. kr."


def test_every_display_path_uses_the_one_format():
    env = jinja.environment(ROOT / "overrides" / "pages")
    assert env.filters["num"] is danish.number and env.filters["dkk"] is danish.kroner and env.filters["share"] is danish.percent
    assert env.from_string("{{ 1158|num }} · {{ 1200000|dkk }} · {{ 0.5|share }}").render() == "1.158 · 1,2 mio. kr. · 50 %"
    assert history.signed(-1158) == "−1.158" and history.signed(2500) == "+2.500"
    assert str(disclosure.Interval(threshold=5, low=1158, high=1162)) == "1.158–1.162"
    assert charts._said(1158) == "1.158" and charts._said(88.5) == "88,5"
    # plotly.js draws with the same separators: decimal sign, then thousands
    assert charts._LAYOUT["separators"] == danish.PLOTLY_SEPARATORS
    assert danish.number(1.5, 1)[1] == danish.PLOTLY_SEPARATORS[0] and danish.number(1000)[1] == danish.PLOTLY_SEPARATORS[1]
    assert live_figures.danish is danish


def _formats_thousands(tree: ast.AST) -> list[int]:
    """Lines with a format spec that groups thousands (``f"{n:,}"``, ``format(n, ",.1f")``)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(
                v.value for v in ast.walk(node.format_spec) if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            if "," in spec or "_" in spec:
                lines.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "format" and len(node.args) == 2:
            spec = node.args[1]
            if isinstance(spec, ast.Constant) and isinstance(spec.value, str) and "," in spec.value:
                lines.append(node.lineno)
    return lines


def test_no_other_module_groups_thousands():
    found = {}
    for path in sorted((ROOT / "sikkerby_build").rglob("*.py")):
        lines = _formats_thousands(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[path.relative_to(ROOT).as_posix()] = lines
    # compute._number_forms recognises the forms a source may have written a number in (reading, not display)
    assert set(found) <= {"sikkerby_build/compute.py"}, found
    assert len(found.get("sikkerby_build/compute.py", [])) <= 1
    assert _formats_thousands(ast.parse('x = f"{n:,.1f}"')) == [1]  # the scan can fail
