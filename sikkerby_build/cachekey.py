"""A key of this machine's own for the build's caches (printed PDFs, the audit's clean files,
share cards, converted pages), and where the caches are.

A cache entry is trusted only when it carries a valid HMAC-SHA256 made with this key. The key is
32 random bytes in ``$XDG_CACHE_HOME/sikkerby/cache-key`` (``~/.cache``), mode 0600, outside the
project: a cache folder that arrives with the project (a merge request that force-adds
``.cache/``, a copied folder) has no valid signatures, so its entries are ignored and everything
is printed and audited again. Without a writable place for the key, ``key()`` is None and the
build uses no cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

OFF = {"0", "off", "false", "no", "nej"}


def cache_root(project: Path) -> Path | None:
    """The build's caches: ``SIKKERBY_CACHE_DIR``, else ``PROJECT/.cache`` (git-ignored), else
    ``$XDG_CACHE_HOME/sikkerby`` when the project folder is not writable; None when
    ``SIKKERBY_CACHE=off``. Each cache has a folder of its own inside it (pdf, audit, cards, pages)."""
    if os.environ.get("SIKKERBY_CACHE", "").strip().lower() in OFF:
        return None
    if os.environ.get("SIKKERBY_CACHE_DIR"):
        return Path(os.environ["SIKKERBY_CACHE_DIR"])
    if os.access(project, os.W_OK):
        return project / ".cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sikkerby"


def _where() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sikkerby" / "cache-key"


@functools.cache
def key() -> bytes | None:
    path = _where()
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = secrets.token_bytes(32)
        fd = os.open(path.with_suffix(f".{os.getpid()}"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(fresh)
        try:
            os.link(path.with_suffix(f".{os.getpid()}"), path)  # the first process to arrive wins
        except FileExistsError:
            pass
        finally:
            os.unlink(path.with_suffix(f".{os.getpid()}"))
        data = path.read_bytes()
        return data if len(data) == 32 else None
    except OSError:
        return None


def sign(*parts: bytes) -> str | None:
    """The HMAC of ``parts`` with this machine's key (None without a key)."""
    secret = key()
    if secret is None:
        return None
    return hmac.new(secret, b"\0".join(hashlib.sha256(p).digest() for p in parts), hashlib.sha256).hexdigest()


def verify(signature: object, *parts: bytes) -> bool:
    expected = sign(*parts)
    return isinstance(signature, str) and expected is not None and hmac.compare_digest(signature, expected)


def read_signed(path: Path, *context: bytes) -> bytes | None:
    """``path``'s bytes when ``path`` with suffix ``.mac`` holds this machine's signature of
    ``context`` and them (``write_signed``); None otherwise: missing, changed or not signed here."""
    try:
        data = path.read_bytes()
        mac = path.with_suffix(".mac").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return data if verify(mac, *context, data) else None


def write_signed(path: Path, data: bytes, *context: bytes) -> None:
    """``data`` into ``path`` and its signature beside it (``.mac``). Best effort: a cache that cannot
    be written (or a machine without a key) only costs time."""
    mac = sign(*context, data)
    if mac is None:
        return
    with contextlib.suppress(OSError):
        write_file(path, data)
        write_file(path.with_suffix(".mac"), mac.encode("ascii"))


def file_identity(*paths: Path) -> list[str]:
    """Each file as path, size and modification time ("-" when missing): a new version misses."""
    out = []
    for path in paths:
        try:
            st = path.stat()
            out.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            out.append(f"{path}:-")
    return out


def distribution_identity(*names: str) -> list[str]:
    """Each installed Python distribution as name and version ("?" when unknown)."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in names:
        try:
            out.append(f"{name}:{version(name)}")
        except (PackageNotFoundError, ValueError):
            out.append(f"{name}:?")
    return out


def write_file(path: Path, data: bytes) -> None:
    """``data`` into ``path`` atomically (a temporary file beside it, then ``os.replace``); the
    folder is made. Raises ``OSError``: callers treat a cache that cannot be written as empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
