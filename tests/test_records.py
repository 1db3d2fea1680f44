"""The typed rows in ``sikkerby_build/records.py`` are generated from the schema and match it."""

from __future__ import annotations

import copy
import json
import typing
from pathlib import Path

from sikkerby_build import load, records, schema_records

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = ROOT / "data" / "datapackage.json"


def test_records_module_is_generated_from_the_current_schema():
    expected = schema_records.generate_file(DESCRIPTOR)
    actual = (ROOT / "sikkerby_build" / "records.py").read_text(encoding="utf-8")
    assert actual == expected, (
        "records.py differs from the schema: run "
        "python -m sikkerby_build.schema_records data/datapackage.json > sikkerby_build/records.py"
    )


def test_a_schema_change_changes_the_generated_classes():
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    changed = copy.deepcopy(descriptor)
    changed["resources"][0]["schema"]["fields"].append({"name": "new_field", "type": "integer"})
    assert schema_records.generate(changed) != schema_records.generate(descriptor)
    assert "    new_field: int | None\n" in schema_records.generate(changed)


def test_every_loaded_row_has_exactly_the_keys_and_types_of_its_class():
    dataset = load.load_data(ROOT / "data")
    for name, rows in dataset.tables.items():
        hints = typing.get_type_hints(getattr(records, schema_records.class_name(name)))
        assert set(hints) == {f.name for f in dataset.fields[name]}, name
        for row in rows:
            assert set(row) == set(hints), name
            for key, hint in hints.items():
                allowed = typing.get_args(hint) or (hint,)
                value = row[key]
                assert isinstance(value, allowed), f"{name}.{key}: {value!r} is not {hint}"


def test_tables_lists_every_resource():
    names = {r["name"] for r in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]}
    assert set(typing.get_type_hints(records.Tables)) == names


def test_rows_of_both_editions_fit_their_classes():
    """A public row lacks exactly the internal fields, which the classes mark NotRequired; an
    internal row has every key."""
    from sikkerby_build import edition

    dataset = load.load_data(ROOT / "data")
    internal_only = {
        (r["name"], f["name"])
        for r in json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]
        for f in r["schema"]["fields"]
        if f.get("audience") == "internal"
    }
    assert internal_only, "the schema has internal fields"
    for name_of_edition in ("public", "internal"):
        selected = edition.select(dataset, [], name_of_edition)
        for name, rows in selected.tables.items():
            cls = getattr(records, schema_records.class_name(name))
            assert cls.__optional_keys__ == {field for table, field in internal_only if table == name}, name
            for row in rows:
                assert cls.__required_keys__ <= set(row) <= cls.__required_keys__ | cls.__optional_keys__, name
                if name_of_edition == "public":
                    assert not set(row) & cls.__optional_keys__, name


def _allowed_types(hint: object) -> tuple[type, ...]:
    return tuple(t for t in (typing.get_args(hint) or (hint,)) if isinstance(t, type))


def test_values_of_both_editions_fit_their_classes():
    """Value by value: a public count of persons may be ``Suppressed`` (its field says so), and
    nothing else may be of a type its class does not name."""
    from sikkerby_build import edition

    dataset = load.load_data(ROOT / "data")
    dataset.tables["followups"][0]["participants"] = 3  # a small count of persons, to be suppressed
    suppressed = 0
    for name_of_edition in ("public", "internal"):
        selected = edition.select(dataset, [], name_of_edition)
        for name, rows in selected.tables.items():
            hints = typing.get_type_hints(getattr(records, schema_records.class_name(name)))
            for row in rows:
                for key, value in row.items():
                    allowed = _allowed_types(hints[key])
                    assert isinstance(value, allowed), f"{name_of_edition} {name}.{key}: {value!r} is not {hints[key]}"
                    suppressed += isinstance(value, edition.Suppressed)
    assert suppressed == 1, "the public edition suppresses the planted count, and only in one edition"


def _keys_fit(rows: list, cls: type, what: str) -> None:
    required, optional = cls.__required_keys__, cls.__optional_keys__
    assert rows, what
    for row in rows:
        assert required <= set(row) <= required | optional, (what, sorted(set(row) ^ required))


def test_computed_rows_have_the_keys_compute_declares():
    """compute's TypedDicts (what a type checker trusts) are what build_model returns, in both
    editions: every key of the class is there, and no key the class does not name."""
    from sikkerby_build import compute, edition, keyfigures
    from sikkerby_build.render.contexts import FollowupWithCharts

    dataset = load.load_data(ROOT / "data")
    for name_of_edition in ("public", "internal"):
        model = compute.build_model(edition.select(dataset, [], name_of_edition).records)
        followups = [f for a in model.activities for f in a["followups"]]
        _keys_fit(model.activities, compute.Activity, "activities")
        _keys_fit(followups, compute.Followup, "followups")
        _keys_fit([m for f in followups for m in f["measurements"]], compute.Measurement, "measurements")
        _keys_fit([b for f in followups for b in f["bars"]], compute.ScoreBar, "bars")
        _keys_fit(model.goals, compute.Goal, "goals")
        _keys_fit(model.indicators, compute.Indicator, "indicators")
        _keys_fit([o for g in model.goals for o in g["observations"]], keyfigures.Observation, "observations")
        assert FollowupWithCharts.__required_keys__ == compute.Followup.__required_keys__ | {"charts"}


def test_the_key_check_finds_a_key_compute_does_not_declare():
    from sikkerby_build import compute

    model = compute.build_model(load.load_data(ROOT / "data").records)
    planted = [{**model.activities[0], "undeclared": 1}]
    try:
        _keys_fit(planted, compute.Activity, "activities")
    except AssertionError:
        return
    raise AssertionError("an undeclared key went unnoticed")


def test_the_templates_labels_fit_their_class():
    """labels.yml is read as ``jinja.Labels``: every group is there, each a mapping of strings
    (the markings: label and CSS class), and there is no group the class does not name."""
    from sikkerby_build.render import jinja

    labels = jinja.load_labels(ROOT / "overrides" / "pages")
    hints = typing.get_type_hints(jinja.Labels)
    assert set(labels) == set(hints)
    for group, entries in labels.items():
        assert entries and all(isinstance(k, str) for k in entries), group
        for value in entries.values():
            if group == "markings":
                assert set(value) == set(typing.get_type_hints(jinja.MarkingLabel)) and all(
                    isinstance(v, str) for v in value.values()
                )
            else:
                assert isinstance(value, str), (group, value)
