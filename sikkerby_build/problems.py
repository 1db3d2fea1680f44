"""Typed validation problems and the report that collects them.

Modelled on frictionless' errors: each problem has a stable ``kind`` (machine readable),
a location (file, row, field) and a message written for an editor, in Danish.

Kinds (stable; tests check one full message per kind in tests/test_messages.py,
tests/test_content_safety.py and tests/test_validate.py):

- data files: missing-file, byte-order-mark, encoding-error, empty-file, semicolon-delimiter,
  header-mismatch, empty-table; from frictionless: type-error, required, enum, out-of-range,
  invalid-id, invalid-format, duplicate-value, duplicate-id, unknown-reference (one root cause per broken
  key, dependent rows summarised in its message), missing-cell, extra-cell, blank-row;
- datapackage.json: descriptor-json (invalid JSON, line and column), descriptor-structure
  (no resources, no schema, unknown field type or key, path outside the data folder),
  descriptor-invalid (frictionless cannot use the schema);
- content pages: front-matter-yaml, front-matter-unclosed, front-matter-not-mapping,
  front-matter-duplicate-key, front-matter-unrecognised, front-matter-type, audience-invalid,
  audience-key, content-symlink, content-special-file, content-outside, content-encoding;
- project rules and warnings: fulfilment-incomplete, met-exceeds-total, fulfilment-mismatch,
  effect-total-mismatch, effect-total-without-scores, effect-scores-incomplete, budget-unreadable,
  unknown-source (a source that does not begin with a document id), unknown-link (a content
  link to an activity that does not exist), alias-shadows-id;
- the yearly intake (``sikkerby import``): import-file, import-sheet, import-year; problems
  found on imported rows keep their kind and are located at workbook, sheet and cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    kind: str
    file: str
    message: str
    row: int | None = None  # the physical line an editor sees (1-based); not the CSV record number
    field: str | None = None
    severity: Severity = "error"
    subject: str | None = None  # the activity (or other record) a warning is about

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.field:
            parts.append(self.field)
        return ":".join(parts)

    def line(self) -> str:
        label = "FEJL" if self.severity == "error" else "ADVARSEL"
        return f"{self.location()}: {label} [{self.kind}] {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def flatten(self, keys: list[str]) -> list[list[object]]:
        return [[getattr(p, k) for k in keys] for p in self.problems]

    def render(self) -> str:
        lines = [p.line() for p in self.problems]
        lines.append(
            f"{len(self.errors)} fejl, {len(self.warnings)} advarsler."
            + ("" if self.ok else " Ret fejlene og kør igen.")
        )
        return "\n".join(lines)


class ValidationFailed(Exception):
    """Raised by the build when the data has errors; carries the report."""

    def __init__(self, report: Report):
        super().__init__(report.render())
        self.report = report
