"""Live figures in editorial prose are data: checked references only, per follow-up year."""

from __future__ import annotations

import copy

from sikkerby_build import compute, live_figures
from sikkerby_build.load import ContentPage, load_data
from tests.conftest import DATA


def _model(extra_year: bool = False, status: str = "afsluttet") -> compute.Model:
    tables = copy.deepcopy(load_data(DATA).tables)
    if extra_year:
        tables["followup_years"].append(
            {"year": 2020, "status": status, "document": "003", "note": None, "source": "003 titelblad"}
        )
        # A synthetic 2020 follow-up for two real activities, one measurement each ("ja" and "nej").
        for aid, met in (("sjakket", "ja"), ("ny-start", "nej")):
            base = next(f for f in tables["followups"] if f["activity_id"] == aid)
            tables["followups"].append({**base, "year": 2020, "criteria_met": None, "criteria_total": None})
            row = next(m for m in tables["measurements"] if m["activity_id"] == aid)
            tables["measurements"].append({**row, "year": 2020, "position": 1, "met": met})
    return compute.build_model(tables)


def _page(body: str, opt_in: bool = True) -> ContentPage:
    return ContentPage("nyhed.md", {"title": "x", "render_macros": opt_in}, body)


def test_a_year_in_progress_is_not_the_latest_year():
    v = live_figures.values(_model(extra_year=True, status="i gang"))
    assert v["opfoelgningsaar"] == 2019 and 2020 not in v["aar"]


def test_latest_year_counts_each_activity_once_and_years_stay_apart():
    model = _model(extra_year=True)
    v = live_figures.values(model)
    assert v["opfoelgningsaar"] == 2020 and v["opfoelgninger"] == 2
    assert v["kriterier_opfyldt"] == 1 and v["kriterier_i_alt"] == 2 and v["andel_opfyldt"] == "50 %"
    assert v["aar"][2019]["opfoelgninger"] == 23  # the 2019 report's own count, unchanged by 2020
    assert v["aktiviteter"] == len(load_data(DATA).tables["activities"])


def test_valid_references_pass():
    body = "I {{ figures.opfoelgningsaar }} blev {{ figures.opfoelgninger }} fulgt op; i 2019 {{ figures.aar[2019].opfoelgninger }}, {{ figures.seneste.scorede|upper }}."
    assert live_figures.check_page(_page(body), _model()) == []


def test_every_other_expression_is_a_located_error():
    body = "Linje et\n{{ config.__class__.__init__.__globals__ }}\n{% for x in y %}{% endfor %}\n{{ figures.opfoelgningr }}\n{{ figures.aar[2031].scorede }}\n{{ figures.scorede|safe }}"
    problems = live_figures.check_page(_page(body), _model())
    assert [(p.kind, p.row) for p in problems] == [
        ("live-figure-expression", 2), ("live-figure-expression", 3), ("live-figure-expression", 3),
        ("live-figure-unknown", 4), ("live-figure-year", 5), ("live-figure-filter", 6),
    ]  # fmt: skip
    assert "Mente du 'opfoelgninger'?" in problems[3].message


def test_figures_without_opt_in_are_an_error():
    problems = live_figures.check_page(_page("{{ figures.scorede }}", opt_in=False), _model())
    assert [p.kind for p in problems] == ["live-figure-opt-in"]


def test_our_fill_equals_jinja_on_every_opted_in_page_and_every_form():
    """``fill`` (for an engine without mkdocs-macros) writes what Jinja writes: on every real
    page that opts in, and on every reference form (flat, seneste, aar[YYYY], each filter)."""
    import jinja2

    from sikkerby_build.load import load_content
    from tests.conftest import CONTENT

    model = _model(extra_year=True)
    figures = live_figures.values(model)
    names = [f.name for f in live_figures.CATALOGUE]
    forms = [f"{{{{ figures.{n} }}}}" for n in names]
    forms += [f"{{{{ figures.seneste.{n} }}}}" for n in names if n in figures["seneste"]]
    forms += [f"{{{{figures.aar[2019].{n}|{flt}}}}}" for n in figures["aar"][2019] for flt in live_figures.ALLOWED_FILTERS]
    bodies = [p.body for p in load_content(CONTENT).pages if p.meta.get("render_macros")]
    assert len(bodies) >= 2 and all("figures." in b for b in bodies)
    for body in [*bodies, "Tal: " + " · ".join(forms)]:
        assert live_figures.fill(body, figures) == jinja2.Environment().from_string(body).render(figures=figures)
    assert "{{" not in live_figures.fill(bodies[0], figures)
    for bad in ("{{ config }}", "{% if x %}"):
        try:
            live_figures.fill(bad, figures)
        except ValueError:
            continue
        raise AssertionError(f"{bad} was filled")
