"""How many string-key lookups in ``sikkerby_build/`` a type checker cannot check (issue 21).

A lookup such as ``row["year"]`` or ``row.get("year")`` is checked when ``row`` is a TypedDict
(the generated ``records.py`` rows, compute's ``Activity``, ``Followup`` …): mypy knows the key
and the value's type. It is unchecked when ``row`` is a ``dict``/``Mapping`` whose values are
``Any``. ``tests/mypy_plugin.py`` (the plugin the project's mypy runs with, where such a lookup
is an error in the typed stages) records every one; this script runs mypy over a package from
scratch and prints the count per module.

    .venv/bin/python benchmarks/unchecked_lookups.py [package]
"""

from __future__ import annotations

import collections
import sys
import tempfile
from pathlib import Path

from mypy import api

PLUGIN = Path(__file__).resolve().parents[1] / "tests" / "mypy_plugin.py"


def count(package: Path) -> collections.Counter[str]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "mypy.ini"
        config.write_text(f"[mypy]\nplugins = {PLUGIN}\nignore_missing_imports = True\n", encoding="utf-8")
        api.run(
            [
                str(package),
                "--config-file",
                str(config),
                "--no-incremental",
                "--cache-dir",
                str(Path(tmp) / "cache"),
                "--python-version",
                "3.11",
            ]
        )
    # mypy imports the plugin by its path, as a module of its own: read what it recorded
    loaded = [m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == str(PLUGIN)]
    found = set().union(*(m.FOUND for m in loaded))
    mine = [Path(path).resolve() for path, _, _ in found if Path(path).resolve().is_relative_to(package)]
    return collections.Counter(str(path.relative_to(package.parent)) for path in mine)


if __name__ == "__main__":
    package = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "sikkerby_build").resolve()
    counts = count(package)
    for module, n in counts.most_common():
        print(f"{n:5d}  {module}")
    print(f"{sum(counts.values()):5d}  unchecked string-key lookups in {package.name}/")
