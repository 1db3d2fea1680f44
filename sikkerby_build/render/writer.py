"""Write staged files only when they changed, and remove what a build no longer produces.

Unchanged files are not touched, so a live preview rebuilds only what changed.
"""

from __future__ import annotations

from pathlib import Path


class Writer:
    def __init__(self, docs: Path):
        self.docs = docs
        docs.mkdir(parents=True, exist_ok=True)
        self.before = {p for p in docs.rglob("*") if p.is_file()}
        self.written: set[Path] = set()

    def write(self, target: str, text: str) -> Path:
        path = self.docs / target
        self.written.add(path)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def keep(self, path: Path) -> None:
        """A file written by someone else (downloads) that belongs to this build."""
        self.written.add(path)

    def remove_stale(self) -> None:
        """Pages of removed records go."""
        for stale in self.before - self.written:
            stale.unlink()
