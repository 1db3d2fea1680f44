"""Live figures in editorial prose: data, not code.

An editorial page may quote the programme's figures with ``{{ figures.<navn> }}`` (the latest
follow-up year), ``{{ figures.seneste.<navn> }}`` (the same, said explicitly) or
``{{ figures.aar[2020].<navn> }}`` (one year). Nothing else may stand between ``{{ }}`` and no
``{% %}``/``{# #}`` is allowed: every other expression, an unknown name, an unknown year, or a
figure on a page that has not opted in (front matter ``render_macros: true``) is a located
error (file, line). The checked page is then rendered by mkdocs-macros (kept from the design
card) from ``figures.yml``; because only these plain references pass the check, no editorial
page can reach Python internals through Jinja, and the same references could be filled in by
our own stage if the engine changes (Zensical runs no MkDocs plugins): ``fill(text, figures)``
does exactly that, and a test holds it equal to Jinja's rendering on every real page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import compute, danish
from .load import ContentPage
from .problems import Problem


@dataclass(frozen=True)
class Figure:
    name: str
    meaning: str
    per_year: bool


CATALOGUE = (
    Figure("aktiviteter", "Antal aktiviteter i registret (alle år)", False),
    Figure("effektmaal", "Antal bydækkende effektmål", False),
    Figure("indikatorer", "Antal indikatorer for effektmålene", False),
    Figure("opfoelgningsaar", "Året for effektopfølgningen", True),
    Figure("opfoelgninger", "Antal aktiviteter, der blev fulgt op i året (hver aktivitet tælles én gang)", True),
    Figure("scorede", "Antal aktiviteter med en samlet effektscore i året", True),
    Figure("maalepunkter", "Antal målepunkter (succeskriterier) i årets opfølgning", True),
    Figure("kriterier_opfyldt", "Antal opfyldte succeskriterier i året efter sitets gennemgang af hvert målepunkt", True),
    Figure("kriterier_i_alt", "Antal succeskriterier, der kunne vurderes i året efter sitets gennemgang af hvert målepunkt", True),
    Figure("andel_opfyldt", "Andel opfyldte succeskriterier i året efter sitets gennemgang af hvert målepunkt, i procent", True),
    Figure("rapport_kriterier_opfyldt", "Antal opfyldte succeskriterier, som rapportens linjer „Opfyldelse af succeskriterier“ angiver (summen over de opfølgninger, der angiver et tal)", True),
    Figure("rapport_kriterier_i_alt", "Antal opstillede succeskriterier, som rapportens linjer „Opfyldelse af succeskriterier“ angiver", True),
    Figure("rapport_andel_opfyldt", "Andel opfyldte succeskriterier efter rapportens egne linjer, i procent", True),
    Figure("rapport_opfoelgninger", "Antal opfølgninger i året, hvor rapporten selv angiver et antal opfyldte succeskriterier", True),
    Figure("median_effektscore", "Median af de samlede effektscorer i året (af 20)", True),
)
ALLOWED_FILTERS = ("upper", "lower", "capitalize")

_EXPRESSION = re.compile(r"\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}|\{\{|\{%|\{#", re.S)
_REFERENCE = re.compile(
    r"^\s*figures(?:\.(?P<latest>seneste)|\.aar\[(?P<year>\d{4})\])?\.(?P<name>[a-z_]+)"
    r"(?:\s*\|\s*(?P<filter>[a-z_]+))?\s*$"
)


def _year_values(y: compute.YearFigures) -> dict[str, Any]:
    share = danish.percent(y.share_met)
    median = y.score_median
    reported_share = danish.percent(y.reported_share) if y.reported_share is not None else "–"
    return {
        "rapport_kriterier_opfyldt": y.reported_met,
        "rapport_kriterier_i_alt": y.reported_total,
        "rapport_andel_opfyldt": reported_share,
        "rapport_opfoelgninger": y.reported_followups,
        "opfoelgningsaar": y.year if y.year is not None else "–",
        "opfoelgninger": y.followed_up,
        "scorede": y.scored,
        "maalepunkter": y.measurements,
        "kriterier_opfyldt": y.criteria_met,
        "kriterier_i_alt": y.criteria_total,
        "andel_opfyldt": share,
        "median_effektscore": danish.number(median, 1 if median % 1 else 0) if median is not None else "–",
    }


def values(model: compute.Model) -> dict[str, Any]:
    """``figures`` as editors use it: flat names are the latest year; ``seneste``; ``aar[YYYY]``."""
    f = model.figures
    latest = _year_values(f.latest)
    return {
        "aktiviteter": f.activities,
        "effektmaal": f.goals,
        "indikatorer": f.indicators,
        **latest,
        "seneste": latest,
        "aar": {year: _year_values(y) for year, y in f.by_year.items()},
    }


def check_page(page: ContentPage, model: compute.Model, file_prefix: str = "content/") -> list[Problem]:
    """Every ``{{ … }}``, ``{% … %}`` and ``{# … #}`` in an editorial page, checked (front matter too)."""
    problems = check_front_matter(page, file_prefix)
    file = f"{file_prefix}{page.path}"
    opted_in = bool(page.meta.get("render_macros"))
    names = {f.name for f in CATALOGUE}
    years = set(model.figures.by_year)
    offset = (getattr(page, "body_line", 1) or 1) - 1
    for match in _EXPRESSION.finditer(page.body):
        line = page.body.count("\n", 0, match.start()) + 1 + offset
        text = " ".join(match.group(0).split())
        reference = _REFERENCE.match(match.group(1) or "")

        def problem(kind: str, message: str, line: int = line) -> None:
            problems.append(Problem(kind, file, message, row=line))

        if reference is None:
            problem("live-figure-expression", f"'{text}' er ikke tilladt: kun tal som {{{{ figures.aktiviteter }}}} kan bruges (se listen over tal til redaktører).")
            continue
        name, year, flt = reference.group("name"), reference.group("year"), reference.group("filter")
        if name not in names:
            close = [n for n in sorted(names) if n.startswith(name[:4])]
            hint = f" Mente du '{close[0]}'?" if close else ""
            problem("live-figure-unknown", f"Tallet '{name}' findes ikke.{hint}")
        elif year is not None and int(year) not in years:
            problem("live-figure-year", f"Der er ingen effektopfølgning for {year} (der er: {', '.join(map(str, sorted(years))) or 'ingen'}).")
        elif flt is not None and flt not in ALLOWED_FILTERS:
            problem("live-figure-filter", f"Filteret '{flt}' er ikke tilladt (tilladt: {', '.join(ALLOWED_FILTERS)}).")
        elif not opted_in:
            problem("live-figure-opt-in", "Siden bruger tal fra figures, men mangler 'render_macros: true' i front matter.")
    return problems


def check_front_matter(page: ContentPage, file_prefix: str = "content/") -> list[Problem]:
    """No template syntax in front matter: the macros engine renders titles too, and figures belong
    in the body."""
    problems = []
    lines = getattr(page, "meta_lines", {}) or {}
    for key, value in page.meta.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _EXPRESSION.search(v) for v in values):
            problems.append(
                Problem(
                    "front-matter-template", f"{file_prefix}{page.path}",
                    f"'{key}' indeholder {{{{ … }}}} eller {{% … %}}; tal fra figures kan kun stå i selve teksten, ikke i front matter.",
                    row=lines.get(key), field=key,
                )  # fmt: skip
            )
    return problems


def check_pages(pages: list[ContentPage], model: compute.Model) -> list[Problem]:
    return [p for page in pages for p in check_page(page, model)]


_FILTERS = {"upper": str.upper, "lower": str.lower, "capitalize": str.capitalize}


def _lookup(figures: dict[str, Any], reference: re.Match[str]) -> str:
    scope = figures["aar"][int(reference.group("year"))] if reference.group("year") else figures
    value = str(scope[reference.group("name")])
    flt = reference.group("filter")
    return _FILTERS[flt](value) if flt else value


def fill(text: str, figures: dict[str, Any]) -> str:
    """A checked page's ``{{ figures.… }}`` references replaced by their values (``values(model)``),
    as Jinja renders them: for an engine that does not run mkdocs-macros. Only what
    ``check_page`` lets through is expected; anything else raises ``ValueError``. Like Jinja's
    default environment (mkdocs-macros uses it), one trailing line break is dropped."""

    def one(match: re.Match[str]) -> str:
        reference = _REFERENCE.match(match.group(1) or "")
        if reference is None:
            raise ValueError(f"not a live figure: {match.group(0)!r}")
        return _lookup(figures, reference)

    return _EXPRESSION.sub(one, text.removesuffix("\n"))
