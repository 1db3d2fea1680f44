"""Every failure is located and in Danish: engine warnings, live figures, missing files."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli


def _build(data, out):
    return subprocess.run(
        [sys.executable, "-m", "sikkerby_build.cli", "build", "--edition", "public", "--data", str(data), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip


@pytest.mark.slow
def test_engine_warning_is_shown_not_just_counted(tmp_path):
    from sikkerby_build.synth import write_package

    data = tmp_path / "data"
    write_package(data, activities=8, years=1, seed=7)  # a small package: the warning is the engine's
    (data / "content" / "laes-mere.md").write_text("---\ntitle: Læs mere\n---\n\nSe [siden](findes-ikke.md).\n", encoding="utf-8")
    result = _build(data, tmp_path / "site")
    assert result.returncode == 1
    assert "findes-ikke.md" in result.stderr and "laes-mere.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert "uændret" in result.stderr
    assert not (tmp_path / "site" / "public").exists()


def test_unknown_live_figure_is_a_located_error_before_any_build(data_copy, tmp_path):
    """In process: validation stops the build before MkDocs (the subprocess path is tested above)."""
    page = data_copy / "content" / "communication.md"
    text = page.read_text(encoding="utf-8").replace("{{ figures.opfoelgninger }}", "{{ figures.opfolgninger }}", 1)
    page.write_text(text, encoding="utf-8")
    line = text[: text.index("figures.opfolgninger")].count("\n") + 1
    result = run_cli("build", "--edition", "public", "--data", str(data_copy), "--out", str(tmp_path / "site"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        f"content/communication.md:{line}: FEJL [live-figure-unknown] Tallet 'opfolgninger' findes ikke. Mente du 'opfoelgninger'?"
        in result.stderr
    )
