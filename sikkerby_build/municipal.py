"""The municipality's own settings: what only Københavns Kommune can decide.

The licence of the open data, the site's contact, and the accessibility statement's compliance
status, date, contact and link to the statutory statement made with the Agency for Digital
Government's WAS-Tool are not in any source document, so they are never written into data or
templates. They live in one editor-editable file, ``content/indstillinger.yml``, with Danish
keys; every value is empty (``null``) until the municipality has decided it, and the pages then
say "ikke fastlagt". ``sikkerby validate`` warns once per setting that is not set.

Entry points: ``load(content_dir) -> MunicipalSettings`` (never raises: a missing file means
nothing is decided) and ``check(content_dir) -> list[Problem]`` (located errors for a broken
file, one warning per unset setting).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from .descriptor import Descriptor
from .problems import Problem

FILE = "indstillinger.yml"
NOT_DECIDED = "ikke fastlagt"

# Danish key in the file -> (attribute, what it is, for the editor's warning)
KEYS: dict[str, tuple[str, str]] = {
    "licens_navn": ("licence_name", "licensen for de åbne data (fx en Creative Commons-licens)"),
    "licens_adresse": ("licence_url", "adressen på licensens tekst"),
    "kontakt": ("contact", "sitets kontakt (hvem læsere kan skrive til)"),
    "tilgaengelighed_status": ("accessibility_status", "tilgængelighedserklæringens overholdelsesstatus (fx „delvist i overensstemmelse“)"),
    "tilgaengelighed_dato": ("accessibility_date", "datoen for tilgængelighedserklæringen (ÅÅÅÅ-MM-DD)"),
    "tilgaengelighed_kontakt": ("accessibility_contact", "kontakten for tilgængelighed (hvor man henvender sig om problemer)"),
    "was_erklaering": ("was_statement_url", "adressen på den lovpligtige tilgængelighedserklæring lavet i Digitaliseringsstyrelsens WAS-Tool"),
}
URL_KEYS = ("licens_adresse", "was_erklaering")


@dataclass(frozen=True)
class MunicipalSettings:
    """Every value None = not yet decided by the municipality ("ikke fastlagt")."""

    licence_name: str | None = None
    licence_url: str | None = None
    contact: str | None = None
    accessibility_status: str | None = None
    accessibility_date: str | None = None  # ISO date, YYYY-MM-DD
    accessibility_contact: str | None = None
    was_statement_url: str | None = None

    @property
    def licence(self) -> dict[str, str] | None:
        """The licence as a Data Package ``licenses`` entry, or None when not decided."""
        if not self.licence_name:
            return None
        entry = {"name": self.licence_name, "title": self.licence_name}
        if self.licence_url:
            entry["path"] = self.licence_url
        return entry

    def shown(self, attribute: str) -> str:
        """The value as pages show it: the setting, or "ikke fastlagt"."""
        value = getattr(self, attribute)
        return str(value) if value else NOT_DECIDED

    def unset(self) -> list[str]:
        """Danish keys of the settings that are not set."""
        return [key for key, (attribute, _) in KEYS.items() if not getattr(self, attribute)]


def _read(path: Path) -> tuple[dict[str, Any], list[Problem]]:
    file = f"content/{FILE}"
    if not path.is_file():
        return {}, []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return {}, [Problem("settings-encoding", file, "Filen er ikke gemt som UTF-8. Gem den som UTF-8.")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return {}, [Problem("settings-yaml", file, "Filen kan ikke læses som YAML (tjek kolon og indrykning).", row=row)]
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [Problem("settings-yaml", file, "Filen skal bestå af linjer „nøgle: værdi“.")]
    return raw, []


def _line_of(path: Path, key: str) -> int | None:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.split(":", 1)[0].strip() == key:
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _parse(raw: dict[str, Any], path: Path) -> tuple[dict[str, str | None], list[Problem]]:
    file = f"content/{FILE}"
    values: dict[str, str | None] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        row = _line_of(path, str(key))
        if key not in KEYS:
            known = ", ".join(KEYS)
            problems.append(Problem("settings-unknown", file, f"Ukendt indstilling '{key}' (kendte: {known}).", row=row, field=str(key)))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            values[key] = None
            continue
        if key == "tilgaengelighed_dato" and isinstance(value, dt.date):
            value = value.isoformat()
        if not isinstance(value, str):
            problems.append(Problem("settings-type", file, f"'{key}' skal være en tekst (eller tom).", row=row, field=key))
            continue
        value = value.strip()
        if key == "tilgaengelighed_dato":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems.append(Problem("settings-date", file, f"'{key}' skal være en dato som ÅÅÅÅ-MM-DD, ikke '{value}'.", row=row, field=key))
                continue
        if key in URL_KEYS and not value.startswith("https://"):
            problems.append(Problem("settings-url", file, f"'{key}' skal være en adresse, der begynder med https://.", row=row, field=key))
            continue
        values[key] = value
    return values, problems


def _settings(values: dict[str, str | None]) -> MunicipalSettings:
    return MunicipalSettings(**{KEYS[k][0]: v for k, v in values.items() if k in KEYS})


def load(content_dir: Path | None) -> MunicipalSettings:
    """The settings from ``content/indstillinger.yml``; anything unreadable counts as not decided."""
    if content_dir is None:
        return MunicipalSettings()
    path = Path(content_dir) / FILE
    raw, problems = _read(path)
    if problems:
        return MunicipalSettings()
    values, _ = _parse(raw, path)
    return _settings(values)


def check(content_dir: Path | None) -> list[Problem]:
    """Errors for a broken settings file, and one warning per setting the municipality has not set."""
    if content_dir is None:
        return []
    path = Path(content_dir) / FILE
    raw, problems = _read(path)
    if problems:
        return problems
    values, problems = _parse(raw, path)
    settings = _settings(values)
    for key in settings.unset():
        what = KEYS[key][1]
        problems.append(
            Problem(
                "setting-not-decided", f"content/{FILE}",
                f"'{key}' er ikke fastlagt: {what}. Siderne viser „{NOT_DECIDED}“, indtil kommunen har besluttet det.",
                row=_line_of(path, key), field=key, severity="warning", subject="indstillinger",
            )  # fmt: skip
        )
    return problems


def as_context(settings: MunicipalSettings) -> dict[str, Any]:
    """What templates see: every setting as shown ("ikke fastlagt" when unset), and whether it is set."""
    shown = {f.name: settings.shown(f.name) for f in fields(settings)}
    return {**shown, "is_set": {f.name: bool(getattr(settings, f.name)) for f in fields(settings)}, "not_decided": NOT_DECIDED}


def apply_licence(descriptor: Descriptor, settings: MunicipalSettings) -> None:
    """The published descriptor carries the municipality's licence in ``licenses`` once it is
    decided, and no ``licenses`` at all before (never an invented one)."""
    descriptor.pop("licenses", None)
    if settings.licence is not None:
        descriptor["licenses"] = [settings.licence]
