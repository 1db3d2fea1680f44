"""The wheel carries every module of the source tree (issue 16 item 5)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sikkerby_build"


def source_modules() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts}


@pytest.mark.slow  # pip builds a wheel: several seconds
def test_wheel_carries_every_module(tmp_path: Path) -> None:
    # Build from a copy of the tree: a build in place would leave build/ and *.egg-info behind.
    src = tmp_path / "src"
    for name in ("pyproject.toml", "README.md"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes((ROOT / name).read_bytes())
    for module in source_modules():
        (src / module).parent.mkdir(parents=True, exist_ok=True)
        (src / module).write_bytes((ROOT / module).read_bytes())
    out = tmp_path / "wheel"
    # With build isolation, as a user's `pip install .` does (the venv's own setuptools may be older
    # than pyproject.toml's build requirement).
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list(out.glob("sikkerby-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as wheel:
        carried = {name for name in wheel.namelist() if name.startswith(PACKAGE + "/") and name.endswith(".py")}
        entry_points = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))
        assert "sikkerby = sikkerby_build.cli:main" in wheel.read(entry_points).decode()
    expected = source_modules()
    assert {"sikkerby_build/render/pages/activities.py", "sikkerby_build/render/writer.py"} <= expected
    assert carried == expected, f"missing: {sorted(expected - carried)}; extra: {sorted(carried - expected)}"
