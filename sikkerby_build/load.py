"""Stage 1, load: read the data package and the editorial content into plain records.

Entry points: ``load_data(data_dir)`` and ``load_content(content_dir)``.
Data is read after validation, so values are known to match their schema types.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

Row = dict[str, Any]

_BOOL = {"true": True, "false": False, "True": True, "False": False, "1": True, "0": False}


@dataclass
class FieldInfo:
    name: str
    type: str
    description: str
    audience: str = "public"
    person_count: bool = False


@dataclass
class Dataset:
    """All resources of a data package as lists of typed rows, plus their schemas."""

    descriptor: dict[str, Any]
    tables: dict[str, list[Row]]
    fields: dict[str, list[FieldInfo]]
    root: Path

    def table(self, name: str) -> list[Row]:
        return self.tables.get(name, [])


@dataclass
class ContentPage:
    """One editorial Markdown page from content/ with its front matter."""

    path: str  # relative to content/, POSIX style
    meta: dict[str, Any]
    body: str
    audience: str = field(default="public")


def _cast(value: Any, type_: str) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if type_ == "boolean":
        return _BOOL[str(value)]
    return str(value)


def read_descriptor(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))


def load_data(data_dir: Path) -> Dataset:
    data_dir = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    tables: dict[str, list[Row]] = {}
    fields: dict[str, list[FieldInfo]] = {}
    for resource in descriptor["resources"]:
        schema_fields = resource["schema"]["fields"]
        infos = [
            FieldInfo(
                name=f["name"],
                type=f.get("type", "string"),
                description=f.get("description", ""),
                audience=f.get("audience", "public"),
                person_count=bool(f.get("personCount", False)),
            )
            for f in schema_fields
        ]
        frame = pd.read_csv(
            data_dir / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8"
        )
        records = frame.to_dict(orient="records")
        types = {f.name: f.type for f in infos}
        tables[resource["name"]] = [
            {name: _cast(rec.get(name), types[name]) for name in types} for rec in records
        ]
        fields[resource["name"]] = infos
    return Dataset(descriptor=descriptor, tables=tables, fields=fields, root=data_dir)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            meta = yaml.safe_load(text[4:end]) or {}
            body = text[end + 4 :].lstrip("\n")
            return meta, body
    return {}, text


def load_content(content_dir: Path) -> list[ContentPage]:
    content_dir = Path(content_dir)
    pages = []
    for path in sorted(content_dir.rglob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        pages.append(
            ContentPage(
                path=path.relative_to(content_dir).as_posix(),
                meta=meta,
                body=body,
                audience=str(meta.get("audience", "public")),
            )
        )
    return pages
