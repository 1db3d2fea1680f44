"""The data package's descriptor (``data/datapackage.json``) as typed dictionaries.

The Frictionless Data Package keys the build reads, plus this project's extensions (``audience``,
``publicWhen``, ``personCount``, ``notSecret``, ``editorial``, ``emptyAllowed``; see the README's
data contract). ``validate`` checks the raw JSON's shape by hand, because it arrives from editors;
``load.read_descriptor`` hands it on typed, and every later stage reads it through these types.
"""

from typing import Any, NotRequired, TypedDict  # no postponed annotations: NotRequired must be seen at run time


class Constraints(TypedDict, total=False):
    required: bool
    unique: bool
    enum: list[Any]
    minimum: float | int
    maximum: float | int
    pattern: str


class Field(TypedDict):
    name: str
    type: NotRequired[str]  # "string" when absent
    description: NotRequired[str]
    constraints: NotRequired[Constraints]
    audience: NotRequired[str]  # "internal": only the staff edition has the field
    personCount: NotRequired[bool]  # a count of persons: small values are suppressed in public
    notSecret: NotRequired[bool]  # an internal field whose values the audit need not look for
    editorial: NotRequired[bool]  # written by the editors, not transcribed from a source


class Reference(TypedDict):
    resource: str
    fields: str | list[str]


class ForeignKey(TypedDict):
    fields: str | list[str]
    reference: Reference


class Schema(TypedDict):
    fields: list[Field]
    primaryKey: NotRequired[str | list[str]]
    foreignKeys: NotRequired[list[ForeignKey]]
    missingValues: NotRequired[list[str]]  # the public descriptor's: "" and "<5"


class PublicWhen(TypedDict):
    """A row is public only when ``field`` holds one of ``values`` (e.g. a complete follow-up year)."""

    field: str
    values: list[str]


class Resource(TypedDict):
    name: str
    path: str
    schema: Schema
    title: NotRequired[str]
    description: NotRequired[str]
    profile: NotRequired[str]
    encoding: NotRequired[str]
    format: NotRequired[str]
    mediatype: NotRequired[str]
    audience: NotRequired[str]  # "internal": the whole resource stays out of the public edition
    publicWhen: NotRequired[PublicWhen]
    emptyAllowed: NotRequired[bool]  # a table the sources have no rows for yet


class Descriptor(TypedDict):
    resources: list[Resource]
    name: NotRequired[str]
    title: NotRequired[str]
    description: NotRequired[str]
    profile: NotRequired[str]
    updated: NotRequired[str]  # the date the data last changed (ISO), never the clock
    licenses: NotRequired[list[dict[str, Any]]]  # only once the municipality has decided one
