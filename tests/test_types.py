"""The package type-checks: mypy with the ``[tool.mypy]`` settings of pyproject.toml finds no errors."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_finds_no_errors_in_the_package():
    from mypy import api

    stdout, stderr, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(ROOT / ".mypy_cache"), str(ROOT / "sikkerby_build")]
    )
    assert status == 0, f"mypy found type errors (exit status {status}):\n{stdout}{stderr}"


@pytest.mark.slow
def test_an_unchecked_lookup_is_an_error_outside_the_document_readers(tmp_path):
    """The plugin (tests/mypy_plugin.py) reports ``row["year"]`` on a ``dict[str, Any]`` in a
    strict module, not in a listed reader of documents, and never a lookup on a TypedDict."""
    from mypy import api

    package = tmp_path / "sikkerby_build"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = (
        "from typing import Any, TypedDict\n\n\n"
        "class Typed(TypedDict):\n    year: int\n\n\n"
        "def loose(row: dict[str, Any]) -> object:\n    return row['year']\n\n\n"
        "def typed(row: Typed) -> int:\n    return row['year'] + (row.get('year') or 0)\n"
    )
    (package / "compute.py").write_text(source)  # strict
    (package / "validate.py").write_text(source)  # a document reader
    config = tmp_path / "mypy.ini"
    config.write_text(f"[mypy]\nplugins = {ROOT / 'tests' / 'mypy_plugin.py'}\n", encoding="utf-8")
    stdout, _, status = api.run([str(package), "--config-file", str(config), "--cache-dir", str(tmp_path / "cache")])
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert status == 1 and len(errors) == 1, stdout
    assert "compute.py:9:" in errors[0] and "[unchecked-lookup]" in errors[0]
