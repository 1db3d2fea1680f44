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
