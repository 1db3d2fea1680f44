"""Publish: switch the built editions into the output folder atomically, one build at a time.

Layout of an output folder ``OUT`` (``sikkerby build --out OUT``)::

    OUT/.lock                        locked (``flock``) by the build that owns OUT; never deleted
    OUT/.versions/<id>/public/       one complete build: every edition of one version
    OUT/.versions/<id>/internal/
    OUT/.current  -> .versions/<id>  THE switch: the only thing that says which version is live
    OUT/public    -> .current/public    stable paths for web servers, deploy scripts and tests
    OUT/internal  -> .current/internal

Protocol (``pipeline.build`` does exactly this)::

    with publish.building(out_dir) as version:      # lock + a fresh OUT/.versions/<id>/
        ...build each edition into version / name, audit it...
        publish.publish(out_dir, version, editions)  # one atomic rename switches ALL editions

or, spelled out: ``with locked(out_dir) as lock``, ``new_version_dir(out_dir)``,
``publish(...)``, and ``discard(version)`` on failure.

Guarantees:

- **One build at a time per output folder.** ``locked`` takes ``fcntl.flock`` on
  ``OUT/.lock``. A second build waits up to ``wait`` seconds and then raises
  ``PublishLocked`` with a Danish message. The kernel drops the lock when its holder dies
  (also on ``kill -9``), so a crashed build never blocks the next one. ``flock`` is local
  to one machine: two machines sharing ``OUT`` over NFS are not excluded.
- **Both editions switch together or not at all.** Editions are built into a new version
  folder; switching is ``symlink(.current.tmp) + os.replace(.current.tmp, .current)``, a
  single atomic ``rename(2)``. A reader (or a kill at any point) sees either the previous
  version or the new one, complete, never a mix and never nothing. Before the switch the
  new files are flushed (``os.sync``) so a power cut cannot make ``.current`` point at
  empty files.
- **Building one edition carries the others over** from the live version (hard links;
  copies where the file system has none), so ``--edition public`` keeps ``internal``
  exactly as it was and still switches once.
- **Leftovers are removed.** On failure the unfinished version is deleted (``discard``;
  it never deletes the live version). After a switch only the live version is kept:
  older versions are deleted, so disk use is one site plus, during a build, the next one.
  Folders left by a killed build are removed the next time a build takes the lock.
- **Migration from the old layout** (real folders ``OUT/public`` and ``OUT/internal``,
  ``.public.new``/``.public.old`` leftovers) happens once, inside the next ``publish``:
  the old folders are first hard-linked into a version of their own, ``.current`` is
  pointed at it (nothing visible changes), and each old folder is exchanged for its
  symlink with ``renameat2(RENAME_EXCHANGE)``, which is atomic too. Where the file system
  does not support exchanging, the folder is renamed aside and the symlink renamed in:
  between those two renames ``OUT/<edition>`` is missing, and if the build is killed
  exactly there, the next build renames the folder back before doing anything else.

- **The internal edition is not world-readable.** Before the switch every folder of an edition
  in ``PRIVATE_EDITIONS`` gets mode 0750 and every file 0640 (owner and group only): the web
  server that serves it must run in the build user's group. The public edition stays readable.
- **Editors see what changed.** ``compare(previous, new)`` lists the pages, downloads and PDFs
  that are new, changed or removed against the published version (``Changes.summary``).

Web servers must serve ``OUT/public`` (or ``OUT/internal``) as a path and follow symlinks
on every request: nginx does by default (``disable_symlinks off``; keep
``open_file_cache`` off or short), Apache needs ``Options FollowSymLinks``, Python's
``http.server`` and Caddy follow them. Do not configure the document root as the resolved
``.versions/<id>`` folder: that folder is deleted by the next build. Deploy tools that copy
the site should copy the contents of the link, e.g. ``rsync -a OUT/public/ host:/srv/``
(trailing slash) or ``rsync -aL``.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import filecmp
import os
import secrets
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .urls import DOWNLOADS

LOCK_NAME = ".lock"
VERSIONS = ".versions"
CURRENT = ".current"
# Folders of the old layout (real directories directly in OUT) that are migrated; editions
# passed to ``publish`` are migrated as well.
LEGACY_EDITIONS = ("public", "internal")
# Editions published for staff only: no read permission for others (0750 folders, 0640 files).
PRIVATE_EDITIONS = ("internal",)


class PublishError(Exception):
    """Publishing failed. ``switched`` tells whether the new version went live before the failure."""

    def __init__(self, message: str, switched: bool = False):
        super().__init__(message)
        self.switched = switched


class PublishLocked(PublishError):
    """Another build holds the output folder's lock."""


@dataclass(eq=False)
class Lock:
    out_dir: Path
    fd: int

    def release(self) -> None:
        if self.fd < 0:
            return
        if _held.get(self.out_dir) is self:
            del _held[self.out_dir]
        os.close(self.fd)  # closing the descriptor releases the flock
        self.fd = -1


_held: dict[Path, Lock] = {}  # output folders whose lock this process holds


def _cannot_write(out_dir: Path, exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return (
        f"Kan ikke skrive i outputmappen {out_dir}{where}: {exc.strerror or exc}. "
        "Tjek at mappen findes, og at bygningen har lov at skrive i den."
    )


def acquire(out_dir: Path, wait: float = 0) -> Lock:
    """Take the output folder's lock, waiting up to ``wait`` seconds; ``PublishLocked`` otherwise."""
    out_dir = Path(out_dir).resolve()
    path = out_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except PermissionError:
        try:  # flock works on a read-only descriptor; the writes fail later with a clear message
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise PublishError(_cannot_write(out_dir, exc)) from exc
    except OSError as exc:
        raise PublishError(_cannot_write(out_dir, exc)) from exc
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                holder = _holder(fd)
                os.close(fd)
                waited = f" Ventede {wait:g} s." if wait > 0 else ""
                raise PublishLocked(
                    f"Et andet byg skriver allerede til {out_dir}{holder}; der kan kun køre ét byg ad gangen "
                    f"pr. outputmappe.{waited} Vent til det er færdigt, og prøv igen."
                ) from None
            time.sleep(min(0.1, left))
    with contextlib.suppress(OSError):  # who holds it, for the message a second build prints
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    lock = Lock(out_dir, fd)
    _held[out_dir] = lock
    return lock


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f" (proces {pid})"
    return ""


@contextlib.contextmanager
def locked(out_dir: Path, wait: float = 0) -> Iterator[Lock]:
    """One build at a time per output folder: hold ``OUT/.lock`` for the duration of the block."""
    lock = acquire(out_dir, wait)
    try:
        yield lock
    finally:
        lock.release()


def _require_lock(out_dir: Path) -> Path:
    out_dir = Path(out_dir).resolve()
    if out_dir not in _held:
        raise RuntimeError(f"publish: take publish.locked({out_dir}) first")
    return out_dir


def current_version(out_dir: Path) -> Path | None:
    """The live version folder (``OUT/.versions/<id>``), or None before the first publish."""
    link = Path(out_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    parts = Path(target).parts
    if len(parts) != 2 or parts[0] != VERSIONS:
        return None
    return Path(out_dir) / VERSIONS / parts[1]


def new_version_dir(out_dir: Path) -> Path:
    """A new, empty ``OUT/.versions/<id>/``: build each edition into a subfolder named after it.

    Needs the lock. Removes what killed or failed builds left behind first.
    """
    out_dir = _require_lock(out_dir)
    _sweep(out_dir)
    try:
        return _make_version_dir(out_dir)
    except OSError as exc:
        raise PublishError(_cannot_write(out_dir, exc)) from exc


def _make_version_dir(out_dir: Path) -> Path:
    versions = out_dir / VERSIONS
    versions.mkdir(exist_ok=True)
    while True:
        # Sortable by time; readable by the web server (mkdtemp's 0700 would not be).
        path = versions / f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            continue


def discard(version_dir: Path) -> None:
    """Remove an unpublished version folder. Never removes the live version."""
    version_dir = Path(version_dir)
    live = current_version(version_dir.parent.parent)
    if live is not None and live.name == version_dir.name:
        return
    _remove(version_dir)


@contextlib.contextmanager
def building(out_dir: Path, wait: float = 0) -> Iterator[Path]:
    """Lock ``out_dir`` and yield a new version folder; it is discarded unless ``publish`` made it live."""
    with locked(out_dir, wait) as lock:
        version = new_version_dir(lock.out_dir)
        try:
            yield version
        finally:
            discard(version)


def publish(out_dir: Path, version_dir: Path, editions: Iterable[str], sync: bool = True) -> None:
    """Make ``version_dir`` live: every edition switches in one atomic rename.

    ``editions`` are the editions built into ``version_dir``; every other edition of the live
    version is carried over unchanged. Raises ``PublishError``; its ``switched`` is False when
    the previous site is untouched.
    """
    out_dir = _require_lock(out_dir)
    if Path(version_dir).resolve().parent != out_dir / VERSIONS:
        raise ValueError(f"publish: {version_dir} is not a folder from new_version_dir({out_dir})")
    version_dir = out_dir / VERSIONS / Path(version_dir).name
    editions = list(editions)
    missing = [name for name in editions if not (version_dir / name).is_dir()]
    if missing:
        raise PublishError(f"Udgaven {', '.join(missing)} mangler i {version_dir}; intet er lagt ud.")
    try:
        for name in editions:
            if name in PRIVATE_EDITIONS:
                restrict(version_dir / name)
        _migrate(out_dir, set(LEGACY_EDITIONS) | set(editions), sync)
        live = current_version(out_dir)
        if live is not None and live.name != version_dir.name:
            for child in sorted(live.iterdir()):
                if child.is_dir() and child.name not in editions and not (version_dir / child.name).exists():
                    _link_tree(child, version_dir / child.name)
        _switch(out_dir, version_dir, sync)
    except OSError as exc:
        raise PublishError(_cannot_write(out_dir, exc)) from exc
    # Live from here on. Links for editions that already existed point through .current and
    # switched with it; only an edition published for the first time needs a new link.
    failed: list[tuple[str, OSError]] = []
    for child in sorted(version_dir.iterdir()):
        if child.is_dir():
            try:
                _ensure_link(out_dir, child.name)
            except OSError as exc:
                failed.append((child.name, exc))
    _remove_versions(out_dir, keep=version_dir.name)
    if failed:
        name, error = failed[0]
        raise PublishError(
            f"Den nye version er lagt ud, men linket {out_dir / name} kunne ikke laves: {_cannot_write(out_dir, error)}",
            switched=True,
        ) from error


def editions(out_dir: Path) -> list[str]:
    """The published editions: the names in OUT that are symlinks into the live version."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    return sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".") and _is_edition_link(out_dir, p.name))


def leftovers(out_dir: Path) -> list[Path]:
    """Anything in OUT that is neither the lock, the live version, nor a published edition."""
    out_dir = Path(out_dir)
    live = current_version(out_dir)
    found = []
    for path in sorted(out_dir.iterdir()):
        if path.name in (LOCK_NAME, CURRENT) or _is_edition_link(out_dir, path.name):
            continue
        if path.name == VERSIONS and path.is_dir() and not path.is_symlink():
            found += [v for v in sorted(path.iterdir()) if live is None or v.name != live.name]
            continue
        found.append(path)
    return found


def restrict(folder: Path) -> None:
    """Owner and group only: folders 0750, files 0640 (links are left as they are)."""
    for root, _dirs, files in os.walk(folder):
        os.chmod(root, 0o750)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o640)


# ---------------------------------------------------------------- what changed

DOWNLOAD_PREFIX = DOWNLOADS + "/"  # the downloadable files and PDFs


@dataclass
class Changes:
    """What differs between the published edition and the new one, per kind of file."""

    pages: list[str] = field(default_factory=list)  # served addresses of changed, new or removed pages
    downloads: list[str] = field(default_factory=list)
    pdfs: list[str] = field(default_factory=list)
    new: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)

    def summary(self, edition: str, first: int = 3) -> list[str]:
        """Danish lines for the editor, e.g. "public: 2 sider ændret: resultater/, ..."."""
        if not (self.pages or self.downloads or self.pdfs):
            return [f"{edition}: intet ændret i forhold til den tidligere udgivne version."]
        lines = []
        for what, items in (("sider", self.pages), ("downloads", self.downloads), ("PDF'er", self.pdfs)):
            if not items:
                continue
            shown = ", ".join(self._label(i) for i in items[:first])
            more = f" og {len(items) - first} flere" if len(items) > first else ""
            lines.append(f"{edition}: {len(items)} {what} ændret: {shown}{more}")
        return lines

    def _label(self, path: str) -> str:
        return path + (" (ny)" if path in self.new else " (fjernet)" if path in self.removed else "")


def _files(folder: Path) -> dict[str, Path]:
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            found[path.relative_to(folder).as_posix()] = path
    return found


def _same(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
        if (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino):
            return True  # carried over by a hard link
        if sa.st_size != sb.st_size or not stat.S_ISREG(sa.st_mode):
            return False
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _page_address(relative: str) -> str:
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def compare(previous: Path | None, new: Path) -> Changes | None:
    """Pages (HTML), downloads and PDFs of ``new`` that differ from ``previous``; None when there is
    no previous edition. Other files (assets, search index, sitemap) are not listed."""
    if previous is None or not previous.is_dir():
        return None
    old, now = _files(previous), _files(new)
    changes = Changes()
    for relative in sorted(set(old) | set(now)):
        if relative in old and relative in now and _same(old[relative], now[relative]):
            continue
        if relative.endswith(".html"):
            name, bucket = _page_address(relative), changes.pages
        elif relative.startswith(DOWNLOAD_PREFIX) and relative.endswith(".pdf"):
            name, bucket = relative, changes.pdfs
        elif relative.startswith(DOWNLOAD_PREFIX):
            name, bucket = relative, changes.downloads
        else:
            continue
        bucket.append(name)
        if relative not in old:
            changes.new.add(name)
        elif relative not in now:
            changes.removed.add(name)
    return changes


# ---------------------------------------------------------------- steps


def _is_edition_link(out_dir: Path, name: str) -> bool:
    try:
        return os.readlink(out_dir / name) == f"{CURRENT}/{name}"
    except OSError:
        return False


def _switch(out_dir: Path, version_dir: Path, sync: bool) -> None:
    """Point ``.current`` at ``version_dir`` with one rename: the atomic step."""
    if sync:
        os.sync()  # the new files reach the disk before the link that makes them live
    tmp = out_dir / f"{CURRENT}.tmp"
    _remove(tmp)
    os.symlink(f"{VERSIONS}/{version_dir.name}", tmp)
    os.replace(tmp, out_dir / CURRENT)
    _fsync_dir(out_dir)


def _ensure_link(out_dir: Path, name: str) -> None:
    path = out_dir / name
    if _is_edition_link(out_dir, name):
        return
    if path.is_dir() and not path.is_symlink():
        _replace_dir_with_link(out_dir, name)
        return
    tmp = out_dir / f".{name}.tmp"
    _remove(tmp)
    os.symlink(f"{CURRENT}/{name}", tmp)
    os.replace(tmp, path)  # a missing name, a file or a foreign symlink: replaced atomically


def _migrate(out_dir: Path, names: set[str], sync: bool) -> None:
    """Turn real edition folders of the old layout into a version and links, without visible change."""
    _restore_aside(out_dir, names)
    legacy: dict[str, Path] = {}
    for name in sorted(names):
        path = out_dir / name
        if path.is_dir() and not path.is_symlink():
            legacy[name] = path
    if not legacy:
        return
    version = _make_version_dir(out_dir)
    live = current_version(out_dir)
    if live is not None and live.is_dir():
        for child in sorted(live.iterdir()):
            if child.is_dir() and child.name not in legacy:
                _link_tree(child, version / child.name)
    for name, path in legacy.items():
        _link_tree(path, version / name)
    _switch(out_dir, version, sync)  # same content as what is visible now
    for name in legacy:
        _replace_dir_with_link(out_dir, name)


def _replace_dir_with_link(out_dir: Path, name: str) -> None:
    path, tmp = out_dir / name, out_dir / f".{name}.tmp"
    _remove(tmp)
    os.symlink(f"{CURRENT}/{name}", tmp)
    if _exchange(tmp, path):
        _remove(tmp)  # now the old folder
        return
    aside = out_dir / f".{name}.old"
    _remove(aside)
    os.rename(path, aside)
    try:
        os.rename(tmp, path)
    except BaseException:
        os.rename(aside, path)
        raise
    _remove(aside)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two names (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _link_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)  # versions are never modified in place, so sharing inodes is safe
    except OSError:
        shutil.copy2(src, dst)


def _sweep(out_dir: Path) -> None:
    """Remove what killed or failed builds left behind. Only called with the lock held."""
    names = set(LEGACY_EDITIONS)
    for path in out_dir.iterdir():
        if path.name.startswith(".") and path.name.endswith(".old") and not path.is_symlink():
            names.add(path.name[1:-4])
    _restore_aside(out_dir, names)
    _remove_versions(out_dir, keep=None)
    for path in list(out_dir.iterdir()):
        if path.name.startswith(".") and path.name.endswith((".tmp", ".new", ".old")):
            _remove(path)


def _restore_aside(out_dir: Path, names: set[str]) -> None:
    """A build killed between the two renames of a swap (old layout, or the fallback in
    ``_replace_dir_with_link``) left ``.<name>.old`` and no ``<name>``: put it back."""
    for name in sorted(names):
        path, aside = out_dir / name, out_dir / f".{name}.old"
        if not os.path.lexists(path) and aside.is_dir() and not aside.is_symlink():
            with contextlib.suppress(OSError):
                os.rename(aside, path)


def _remove_versions(out_dir: Path, keep: str | None) -> None:
    """Remove every version folder except the live one (and ``keep``). Best effort."""
    versions = out_dir / VERSIONS
    live = current_version(out_dir)
    if not versions.is_dir():
        return
    for path in list(versions.iterdir()):
        if path.name != keep and (live is None or path.name != live.name):
            _remove(path)
    with contextlib.suppress(OSError):
        _fsync_dir(out_dir)


def _remove(path: Path) -> None:
    """Delete a file, link or folder if it exists; errors are ignored (cleanup only)."""
    with contextlib.suppress(OSError):
        if path.is_symlink() or not path.is_dir():
            os.unlink(path)
        else:
            shutil.rmtree(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
