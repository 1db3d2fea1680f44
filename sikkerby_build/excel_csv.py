"""``sikkerby fix-csv FILE …``: turn a CSV file saved by Excel back into the package's format.

Excel on a Danish PC saves "CSV UTF-8 (kommasepareret)" with a byte-order mark, semicolons
between the columns and decimal commas, and "CSV (semikolonsepareret)" in Windows-1252. The
package's files are UTF-8 without a mark, comma separated, with decimal points, and
``sikkerby validate`` refuses anything else (so a file is never half understood). This is the
one recipe that works: the file is read as Excel wrote it and written back in the package's
format, with decimal commas turned into points only in the columns the schema declares as
numbers (``number``/``integer``), so text such as "1,2 mio. kr." stays as written.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .editing import EditError, Package

_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


@dataclass
class Fixed:
    file: str
    changes: list[str]


def _decode(raw: bytes) -> tuple[str, str | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "byte-order-mærke fjernet"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "omkodet fra Windows-1252 til UTF-8"


def fix_file(data_dir: Path, path: Path) -> Fixed:
    package = Package(data_dir)
    path = Path(path)
    resource = next((r for r in package.descriptor["resources"] if Path(r["path"]).name == path.name), None)
    if resource is None:
        raise EditError(f"{path.name} er ikke en tabel i datapackage.json.")
    text, note = _decode(path.read_bytes())
    changes = [note] if note else []
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if delimiter == ";":
        changes.append("semikolon erstattet af komma mellem kolonnerne")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise EditError(f"{path.name} er tom.")
    header = [h.strip() for h in rows[0]]
    numeric = {f["name"] for f in resource["schema"]["fields"] if f.get("type") in ("number", "integer")}
    decimals = 0
    for row in rows[1:]:
        for i, name in enumerate(header):
            if i < len(row) and name in numeric and _DECIMAL_COMMA.match(row[i].strip()):
                row[i] = row[i].strip().replace(",", ".")
                decimals += 1
    if decimals:
        changes.append(f"{decimals} decimalkomma{'' if decimals == 1 else 'er'} i talkolonner erstattet af punktum")
    rows = [r for r in rows[1:] if any(c.strip() for c in r)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    new = buffer.getvalue()
    if new.encode("utf-8") != path.read_bytes():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(new)
        os.replace(tmp, path)
    return Fixed(path.name, changes)
