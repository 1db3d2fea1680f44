"""Small-number suppression as a value: tables with totals, free text, warnings (unit level)."""

from __future__ import annotations

import jinja2
import pytest

from sikkerby_build import disclosure
from sikkerby_build.disclosure import Interval, Suppressed, add_counts, analyse_text, suppress_table, suppress_text

# ---------------------------------------------------------------- the value


def test_suppressed_prints_as_below_threshold():
    assert str(Suppressed(5)) == "<5"
    assert str(Suppressed(10)) == "<10"
    assert f"{Suppressed(5)}" == "<5"


def test_suppressed_renders_escaped_with_jinja_autoescape():
    env = jinja2.Environment(autoescape=True)
    assert env.from_string("{{ v }}").render(v=Suppressed(5)) == "&lt;5"
    assert env.from_string("{% if v %}vist{% endif %}").render(v=Suppressed(5)) == "vist"


def test_suppressed_is_not_a_number():
    with pytest.raises(TypeError):
        Suppressed(5) + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        int(Suppressed(5))  # type: ignore[call-overload]
    assert isinstance(Interval(5, 42, 48), Suppressed)


def test_person_units():
    assert disclosure.is_person_unit("personer")
    assert disclosure.is_person_unit("unge (workshopdeltagere)")
    assert not disclosure.is_person_unit("unikke unge pr. måned (gns.)")
    assert not disclosure.is_person_unit("procent")
    assert not disclosure.is_person_unit(None)


# ---------------------------------------------------------------- tables with a total


def test_one_category_total_is_suppressed_too():
    # the issue: "<5 · I alt 3" must not happen
    assert suppress_table({"primær": 3}) == {"primær": Suppressed(5), "I alt": Suppressed(5)}


def test_two_small_cells_do_not_reveal_through_the_total():
    # the issue: 1 + 1 + 40 must not show "I alt 42"
    shown = suppress_table({"a": 1, "b": 1, "c": 40})
    assert shown["a"] == shown["b"] == Suppressed(5)
    assert shown["c"] == 40
    assert shown["I alt"] == Interval(5, 42, 48)
    assert str(shown["I alt"]) == "42–48"


def test_methodology_example_one_small_cell():
    # primær 12, sekundær 3, tertiær 40: the total may not give 3 away, and 12 is not "<5"
    shown = suppress_table({"primær": 12, "sekundær": 3, "tertiær": 40})
    assert shown == {"primær": 12, "sekundær": Suppressed(5), "tertiær": 40, "I alt": Interval(5, 53, 56)}


def test_all_cells_small():
    shown = suppress_table({"a": 2, "b": 3, "c": 4})
    assert all(shown[k] == Suppressed(5) for k in "abc")
    assert shown["I alt"] == Interval(5, 3, 12)


def test_nothing_small_nothing_suppressed_and_zero_is_shown():
    assert suppress_table({"a": 5, "b": 0, "c": None}) == {"a": 5, "b": 0, "c": None, "I alt": 5}


def test_threshold_is_configurable():
    shown = suppress_table({"a": 8, "b": 30}, threshold=10)
    assert shown == {"a": Suppressed(10), "b": 30, "I alt": Interval(10, 31, 39)}
    assert str(shown["a"]) == "<10"


@pytest.mark.parametrize(
    "cells",
    [{"a": 3}, {"a": 1, "b": 1, "c": 40}, {"a": 12, "b": 3, "c": 40}, {"a": 4, "b": 4}, {"a": 2, "b": 3, "c": 4}],
)
def test_no_suppressed_cell_can_be_computed(cells):
    """Brute force: every assignment of 1..4 to the hidden cells must match what is shown."""
    import itertools

    shown = suppress_table(cells)
    hidden = [k for k, v in shown.items() if k != "I alt" and isinstance(v, Suppressed)]
    visible = sum(v for k, v in shown.items() if k != "I alt" and not isinstance(v, Suppressed))
    total = shown["I alt"]
    consistent = [
        combo
        for combo in itertools.product(range(1, 5), repeat=len(hidden))
        if (
            total.bounds[0] <= visible + sum(combo) <= total.bounds[1]
            if isinstance(total, Suppressed)
            else visible + sum(combo) == total
        )
    ]
    for i in range(len(hidden)):
        assert {c[i] for c in consistent} == {1, 2, 3, 4}, f"cell {hidden[i]} narrowed by the total"


def test_add_counts_of_unknowns_is_unknown():
    assert add_counts([None, None]) is None
    assert add_counts([Suppressed(5), None]) == Suppressed(5)


# ---------------------------------------------------------------- free text, forms of the real data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 unge og 12 unge, 4 personer", "<5 unge og 12 unge, <5 personer"),
        ("Slutteligt havde 4 unge ikke beskrivelser", "Slutteligt havde <5 unge ikke beskrivelser"),
        ("100 % af de unge (4 unge) bestod", "100 % af de unge (<5 unge) bestod"),
        ("Derudover kom 4 fra sikrede institutioner", "Derudover kom <5 fra sikrede institutioner"),
        ("Af de 4 unge fra sikrede", "Af de <5 unge fra sikrede"),
        ("hvoraf der hos 2 af de unge er registreret", "hvoraf der hos <5 af de unge er registreret"),
        ("(3 ud af 4 borgere 6 måneder efter)", "(<5 ud af <5 borgere 6 måneder efter)"),
        ("2 af 3 deltagere", "<5 af <5 deltagere"),
        ("(2 ud af 5 afsluttede sager)", "(<5 ud af 5 afsluttede sager)"),
        ("Således er der i de to tilfælde tale om", "Således er der i de <5 tilfælde tale om"),
        ("med tre unge", "med <5 unge"),
    ],
)
def test_small_counts_in_text_are_rewritten(text, expected):
    assert suppress_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2019: 40 % af 3,5 timer",
        "1) Børn og unge i alderen 6-16 år",
        "unge mellem 3-17 år",
        "18+ centrene og 17+ sager",
        "gennemførelse af 9. klasse",
        "SSP-niveau 3 og 4 drøftes sag i SSP ledergruppe",
        "de 4 største kommuner",
        "minimum 2 ud af 3 af fagene dansk, matematik og engelsk",
        "1 mio. kr. årligt fra 2017",
        "Fald fra 6 til 2 anmeldelser",
    ],
)
def test_numbers_that_are_not_person_counts_stay(text):
    new, findings = analyse_text(text)
    assert new == text
    assert [f for f in findings if f.kind != "arithmetic"] == []


def test_issue_example_derudover_kom_4_leaks_nothing():
    text = (
        "13 unge ud af 21, der var indskrevet på Nexus i 2019, havde et misbrug. Derudover kom 4 fra sikrede "
        "institutioner. Slutteligt havde 4 unge ikke beskrivelser af misbrug. Af de 4 unge fra sikrede, har der "
        "været stigning."
    )
    new, findings = analyse_text(text)
    assert " 4 " not in new and "<5 fra sikrede" in new and "Af de <5 unge" in new
    # 21 - 13 = 8 = 4 + 4 can still be computed: an editor must rephrase
    assert any(f.kind == "arithmetic" for f in findings)


def test_n_of_m_never_leaves_one_number_that_bounds_the_other():
    for n in range(1, 5):
        for m in range(n, 5):
            new = suppress_text(f"{n} ud af {m} unge")
            assert new == "<5 ud af <5 unge", new


def test_small_complement_is_reported():
    new, findings = analyse_text("Hos 16 ud af de 18 unge er der reduktion")
    assert new == "Hos 16 ud af de 18 unge er der reduktion"
    assert [f.kind for f in findings] == ["complement"]


def test_percentage_next_to_a_hidden_count_is_reported():
    new, findings = analyse_text("40 % I positiv fremgang (2 ud af 5 unge)")
    assert new == "40 % I positiv fremgang (<5 ud af 5 unge)"
    assert [f.kind for f in findings] == ["arithmetic"]


@pytest.mark.parametrize(
    "text",
    ["Af disse vurderede SSP+:\n\n2 med positiv afslutning.", "For de to, der viser en stigning", "To af disse er afsluttet"],
)
def test_forms_that_are_not_rewritten_are_reported(text):
    new, findings = analyse_text(text)
    assert new == text
    assert [f.kind for f in findings] == ["unhandled"]


# ---------------------------------------------------------------- free text, forms found by the adversarial pass


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2-3 unge startede", "<5 unge startede"),
        ("2–3 borgere", "<5 borgere"),
        ("3/4 unge blev i forløbet.", "<5/<5 unge blev i forløbet."),
        ("2/30 unge", "<5/30 unge"),
        ("Af de 12 unge startede 4 af dem på en uddannelse.", "Af de 12 unge startede <5 af dem på en uddannelse."),
        (
            "Forløbet havde 4 særligt udsatte, kriminalitetstruede unge.",
            "Forløbet havde <5 særligt udsatte, kriminalitetstruede unge.",
        ),
    ],
)
def test_more_small_count_forms_are_rewritten(text, expected):
    assert suppress_text(text) == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("4-5 unge startede i forløbet.", "4-5"),  # "<5" would be false if there were 5
        ("Stigning fra 4 til 6 unge", "4 til 6"),
        ("3 ud af 4 gennemførte forløbet.", "3 ud af 4"),  # no person word: warn, do not guess
        ("Af de 4 unge gennemførte 3 forløbet.", "3"),  # beside a hidden total
        ("Af de 12 unge gennemførte 3 forløbet.", "3"),
        ("Af de 12 unge startede 3 på en uddannelse.", "3"),
    ],
)
def test_more_small_count_forms_are_reported_where_they_are(text, number):
    out, findings = analyse_text(text)
    unhandled = [f for f in findings if f.kind == "unhandled"]
    assert len(unhandled) == 1, (out, findings)
    assert text.find(number, unhandled[0].offset) == unhandled[0].offset  # located at the number (original text)


def test_n_of_m_fraction_never_leaves_one_number_that_bounds_the_other():
    for n in range(1, 5):
        for m in range(n, 5):
            assert suppress_text(f"{n}/{m} unge") == "<5/<5 unge"


def test_wide_range_is_shown_and_an_age_range_is_not_a_count():
    assert analyse_text("12-15 unge") == ("12-15 unge", [])
    assert analyse_text("unge på 3-17 år og 13-17-årige unge") == ("unge på 3-17 år og 13-17-årige unge", [])


@pytest.mark.parametrize(
    "text",
    [
        "Effekten vurderes på en skala fra 1-10, hvor 1 er i mindre grad og 10 er i høj grad.",
        'På en skala fra 1-5, hvor 1 er "Lav grad" og 5 er "Høj grad", skal hvert punkt vurderes til minimum 3.',
        "001 Princip 1; 001 Princip 3",
        "Princip 1: Radikaliserede og radikaliseringstruede københavnere.",
        "Effektmål 2 og målepunkt 3 gælder unge.",
        "markeret som effektmål ligesom række 1, hvor X'et står",
        "Der er få unge. Derfor scorer indsatsen 1.",
        "målgruppekategori 1 / 2 / 3 / 4 (i alt 100 %)",
        "80 indskrevne unge fordelt på 4 bydele.",
        "Det bemærkes, at to ud af seks mål ikke er fuldt opnået.",
    ],
)
def test_labels_scales_and_things_are_not_reported(text):
    new, findings = analyse_text(text)
    assert new == text
    assert findings == []


def test_a_bare_small_number_without_persons_in_the_sentence_is_left_alone():
    assert analyse_text("De 12 unge mødtes. Projektet havde 3 faser.") == (
        "De 12 unge mødtes. Projektet havde 3 faser.",
        [],
    )


def test_text_with_nothing_small_has_no_findings():
    assert analyse_text("Der møder i gennemsnit 14 unge om torsdagen.") == (
        "Der møder i gennemsnit 14 unge om torsdagen.",
        [],
    )


def test_free_text_fields_exclude_keys_enums_and_source():
    resource = {
        "schema": {
            "fields": [
                {"name": "id", "type": "string"},
                {"name": "activity_id", "type": "string"},
                {"name": "description", "type": "string"},
                {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
                {"name": "n", "type": "integer"},
                {"name": "source", "type": "string"},
            ],
            "primaryKey": ["id"],
            "foreignKeys": [{"fields": "activity_id", "reference": {"resource": "activities", "fields": "id"}}],
        }
    }
    assert disclosure.free_text_fields(resource) == ["description"]
