"""Publishing: one build at a time per output folder, both editions switch together or not at all.

Fast tests on small fake editions (no MkDocs), plus one slow end-to-end test with two real
builds at once. "Complete and not mixed" is checked by reading every file of both editions
through the paths a web server uses (``OUT/public``, ``OUT/internal``).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sikkerby_build import publish

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ("public", "internal")
FILES = ("index.html", "om/index.html", "assets/site.css", "data/tal.json")

Site = dict[str, dict[str, str]]


def _fill(version: Path, label: str, editions: tuple[str, ...] = EDITIONS, files: tuple[str, ...] = FILES) -> None:
    for name in editions:
        for rel in files:
            path = version / name / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{label}:{name}:{rel}\n", encoding="utf-8")


def _expected(**labels: str) -> Site:
    return {name: {rel: f"{label}:{name}:{rel}\n" for rel in FILES} for name, label in labels.items()}


def _site(out: Path) -> Site:
    """What a web server serving OUT/<edition> would deliver: every file, by relative path."""
    site: Site = {}
    for name in EDITIONS:
        root = out / name
        if root.is_dir():
            site[name] = {
                p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()
            }
    return site


def _publish(out: Path, label: str, editions: tuple[str, ...] = EDITIONS) -> None:
    with publish.building(out) as version:
        _fill(version, label, editions)
        publish.publish(out, version, editions)


def _legacy(out: Path, label: str, editions: tuple[str, ...] = EDITIONS) -> None:
    """The old layout: real folders OUT/public and OUT/internal."""
    out.mkdir(parents=True, exist_ok=True)
    _fill(out, label, editions)


# ---------------------------------------------------------------- layout and basic switching


def test_first_publish_makes_links_through_one_switch(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A")
    assert _site(out) == _expected(public="A", internal="A")
    assert os.readlink(out / "public") == ".current/public"
    assert os.readlink(out / "internal") == ".current/internal"
    assert os.readlink(out / ".current").startswith(".versions/")
    assert publish.editions(out) == ["internal", "public"]
    assert publish.leftovers(out) == []


def test_next_publish_switches_both_and_keeps_only_the_live_version(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A")
    first = publish.current_version(out)
    _publish(out, "B")
    assert _site(out) == _expected(public="B", internal="B")
    assert publish.current_version(out) != first and not first.exists()
    assert [p.name for p in (out / ".versions").iterdir()] == [publish.current_version(out).name]
    assert publish.leftovers(out) == []


def test_single_edition_build_carries_the_other_over_unchanged(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A")
    _publish(out, "B", ("public",))
    assert _site(out) == _expected(public="B", internal="A")
    assert publish.leftovers(out) == []
    _publish(out, "C", ("internal",))
    assert _site(out) == _expected(public="B", internal="C")


def test_single_edition_into_an_empty_folder_publishes_only_that_edition(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A", ("internal",))
    assert _site(out) == _expected(internal="A")
    assert not os.path.lexists(out / "public")
    assert publish.editions(out) == ["internal"]


def test_publishing_needs_the_lock_and_every_named_edition(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    with pytest.raises(RuntimeError):
        publish.new_version_dir(out)
    with pytest.raises(publish.PublishError, match="internal mangler"):
        with publish.building(out) as version:
            _fill(version, "A", ("public",))
            publish.publish(out, version, EDITIONS)
    assert _site(out) == {} and publish.leftovers(out) == []


def test_discard_never_removes_the_live_version(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A")
    publish.discard(publish.current_version(out))
    assert _site(out) == _expected(public="A", internal="A")


# ---------------------------------------------------------------- failures


def test_failure_after_one_edition_keeps_the_previous_site_and_removes_leftovers(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A")
    before = _site(out)
    with pytest.raises(RuntimeError, match="engine"):
        with publish.building(out) as version:
            _fill(version, "B", ("public",))  # the first edition is built …
            raise RuntimeError("engine failed on internal")  # … the second fails
    assert _site(out) == before
    assert publish.leftovers(out) == []


def test_leftovers_of_a_killed_build_are_removed_by_the_next_one(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A")
    stale = out / ".versions" / "20260101T000000-dead"
    _fill(stale, "half")
    (out / ".current.tmp").symlink_to(".versions/20260101T000000-dead")
    (out / ".public.new").mkdir()  # old layout: a failed build's folder
    assert len(publish.leftovers(out)) == 3
    _publish(out, "B")
    assert _site(out) == _expected(public="B", internal="B")
    assert publish.leftovers(out) == []


def _run_unprivileged(action: Callable[[], str]) -> str:
    """Run ``action`` in a forked child that may not write the output folder: as user nobody
    when the tests run as root (root ignores permissions). Returns what it returned, or the crash."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read)
        try:
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            text = action()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            text = f"crash: {exc!r}"
        os.write(write, text.encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="sikkerby-publish-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for p in [path, *path.rglob("*")]:
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(path)


def _attempt_publish(out: Path) -> str:
    try:
        with publish.building(out) as version:
            for name in EDITIONS:
                (version / name).mkdir()
                (version / name / "index.html").write_text("B")
            publish.publish(out, version, EDITIONS)
    except publish.PublishError as exc:
        return ("switched" if exc.switched else "unchanged") + "\n" + str(exc)
    return "published\n"


@pytest.mark.parametrize("versions_writable", [False, True], ids=["all-read-only", "only-switch-refused"])
def test_read_only_output_folder_gives_a_clear_error_and_keeps_the_site(shared_tmp, versions_writable):
    out = shared_tmp / "site"
    out.mkdir()
    _publish(out, "A")
    before = _site(out)
    for p in [out, *out.rglob("*")]:
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o555)
    if versions_writable:  # the build itself works; only the switch in OUT is refused
        (out / ".versions").chmod(0o777)
    status, message = _run_unprivileged(lambda: _attempt_publish(out)).split("\n", 1)
    assert status == "unchanged", message
    assert f"Kan ikke skrive i outputmappen {out}" in message
    assert _site(out) == before
    assert publish.leftovers(out) == []


# ---------------------------------------------------------------- the lock

HOLD_LOCK = textwrap.dedent(
    """
    import sys
    from sikkerby_build import publish
    with publish.locked(sys.argv[1]):
        print("held", flush=True)
        sys.stdin.readline()  # hold until the test says so
    """
)


def _lock_holder(out: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_a_second_build_is_refused_while_another_holds_the_lock(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    _publish(out, "A")
    holder = _lock_holder(out)
    try:
        with pytest.raises(publish.PublishLocked) as refused:
            _publish(out, "B")
        assert f"Et andet byg skriver allerede til {out.resolve()} (proces {holder.pid})" in str(refused.value)
        with pytest.raises(publish.PublishLocked, match="Ventede 0.2 s"):
            publish.acquire(out, wait=0.2)
        assert _site(out) == _expected(public="A", internal="A")
        assert publish.leftovers(out) == []
    finally:
        holder.communicate("release\n", timeout=30)
    # A waiting build goes ahead once the other is done.
    with publish.locked(out, wait=30):
        pass
    _publish(out, "B")
    assert _site(out) == _expected(public="B", internal="B")


def test_a_waiting_build_proceeds_when_the_holder_finishes(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    holder = _lock_holder(out)
    got: list[str] = []

    def wait_for_lock() -> None:
        with publish.locked(out, wait=60):
            got.append("lock")

    waiter = threading.Thread(target=wait_for_lock)
    waiter.start()
    assert got == []  # the holder has not been told to release yet
    holder.communicate("release\n", timeout=30)
    waiter.join(timeout=60)
    assert got == ["lock"]


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    holder = _lock_holder(out)
    holder.kill()
    holder.wait(timeout=30)
    with publish.locked(out):  # no wait needed: the kernel dropped the dead process's lock
        pass


def test_the_same_process_cannot_take_the_lock_twice(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    with publish.locked(out):
        with pytest.raises(publish.PublishLocked):
            publish.acquire(out)


# ---------------------------------------------------------------- migration from the old layout


def test_migration_from_plain_folders(tmp_path):
    out = tmp_path / "site"
    _legacy(out, "A")
    (out / ".public.new").mkdir()  # a failed build of the old pipeline
    _publish(out, "B")
    assert _site(out) == _expected(public="B", internal="B")
    assert publish.editions(out) == ["internal", "public"]
    assert publish.leftovers(out) == []


def test_migration_with_one_edition_carries_the_old_folder_over(tmp_path):
    out = tmp_path / "site"
    _legacy(out, "A")
    _publish(out, "B", ("public",))
    assert _site(out) == _expected(public="B", internal="A")
    assert publish.editions(out) == ["internal", "public"]
    assert publish.leftovers(out) == []


def test_migration_without_atomic_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    _legacy(out, "A")
    _publish(out, "B")
    assert _site(out) == _expected(public="B", internal="B")
    assert publish.leftovers(out) == []


def test_an_old_layout_build_killed_between_its_renames_gets_its_site_back(tmp_path):
    out = tmp_path / "site"
    _legacy(out, "A")
    (out / "public").rename(out / ".public.old")  # the old _swap, killed after its first rename
    with pytest.raises(RuntimeError):
        with publish.building(out):
            raise RuntimeError("failed before publishing")
    assert _site(out) == _expected(public="A", internal="A")


def test_a_failed_build_does_not_migrate_or_touch_plain_folders(tmp_path):
    out = tmp_path / "site"
    _legacy(out, "A")
    with pytest.raises(RuntimeError):
        with publish.building(out) as version:
            _fill(version, "B")
            raise RuntimeError("audit failed")
    assert _site(out) == _expected(public="A", internal="A")
    assert (out / "public").is_dir() and not (out / "public").is_symlink()


# ---------------------------------------------------------------- a kill at every step

MUTATING = ("replace", "rename", "symlink", "link", "mkdir", "unlink", "rmdir")


class Killed(BaseException):
    """Stands for SIGKILL: a BaseException, so ``except Exception`` cleanup does not swallow it."""


def _kill_at(n: int, action: Callable[[], None], out: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Run ``action``; just before its n-th mutating file-system call, copy OUT to ``snapshot``
    (the state a kill at that instant leaves) and raise Killed. None when ``action`` made fewer calls."""
    state = {"calls": 0, "fired": None}

    def wrap(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            if state["fired"] is None:
                state["calls"] += 1
                if state["calls"] == n:
                    state["fired"] = f"{name}{args[:2]}"
                    shutil.copytree(out, snapshot, symlinks=True)
                    raise Killed(state["fired"])
            return real(*args, **kwargs)

        return call

    with monkeypatch.context() as patch:
        for name in MUTATING:
            patch.setattr(os, name, wrap(name, getattr(os, name)))
        patch.setattr(publish, "_exchange", wrap("renameat2", publish._exchange))
        try:
            action()
        except Killed:
            pass
    return state["fired"]


def _single(out: Path, label: str, editions: tuple[str, ...]) -> Callable[[], None]:
    return lambda: _publish(out, label, editions)


SCENARIOS = {
    # name: (prepare OUT, editions built, state before, state after)
    "both": (lambda out: _publish(out, "A"), EDITIONS, _expected(public="A", internal="A"), _expected(public="B", internal="B")),
    "public-only": (
        lambda out: _publish(out, "A"),
        ("public",),
        _expected(public="A", internal="A"),
        _expected(public="B", internal="A"),
    ),
    "migration": (
        lambda out: _legacy(out, "A"),
        EDITIONS,
        _expected(public="A", internal="A"),
        _expected(public="B", internal="B"),
    ),
    "migration-public-only": (
        lambda out: _legacy(out, "A"),
        ("public",),
        _expected(public="A", internal="A"),
        _expected(public="B", internal="A"),
    ),
}
KILL_POINTS: dict[str, int] = {}


def _sweep_kill_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: str, valid: Callable[[Site, Path], bool]
) -> list[Site]:
    prepare, editions, before, after = SCENARIOS[scenario]
    seen: list[Site] = []
    n = 0
    while True:
        n += 1
        out, snapshot = tmp_path / f"out{n}", tmp_path / f"killed{n}"
        out.mkdir()
        prepare(out)
        assert _site(out) == before
        fired = _kill_at(n, _single(out, "B", editions), out, snapshot, monkeypatch)
        if fired is None:  # the whole publish ran: every step has had its kill
            assert _site(out) == after and publish.leftovers(out) == []
            break
        # The state a kill leaves, and the state after the exception's own cleanup: old or new.
        for state_dir in (snapshot, out):
            site = _site(state_dir)
            assert valid(site, state_dir), (
                f"kill before call {n} ({fired}) left {sorted((k, sorted(set(v.values()))) for k, v in site.items())}"
            )
        seen.append(_site(snapshot))
        # The next build after the kill recovers: complete new site, no leftovers.
        _publish(snapshot, "C")
        assert _site(snapshot) == _expected(public="C", internal="C")
        assert publish.leftovers(snapshot) == []
        shutil.rmtree(out)
        shutil.rmtree(snapshot)
    KILL_POINTS[scenario] = n - 1
    return seen


@pytest.mark.slow  # several seconds of processes and validations: the full suite runs it
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_kill_at_any_step_leaves_the_old_or_the_new_site(tmp_path, monkeypatch, scenario):
    _, _, before, after = SCENARIOS[scenario]
    seen = _sweep_kill_points(tmp_path, monkeypatch, scenario, lambda site, _: site in (before, after))
    assert len(seen) >= 10
    assert before in seen and after in seen  # the sweep crossed the switch itself


@pytest.mark.slow  # several seconds of processes and validations: the full suite runs it
def test_a_kill_during_migration_without_exchange_is_recovered(tmp_path, monkeypatch):
    """Without renameat2 the one-time migration has a window with no OUT/<edition>: the old
    folder is then at OUT/.<edition>.old, complete, and the next build puts it back."""
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    _, _, before, after = SCENARIOS["migration"]

    def valid(site: Site, out: Path) -> bool:
        if site in (before, after):
            return True
        restored = {name: files for name, files in site.items()}
        for name in EDITIONS:
            if name not in site and (out / f".{name}.old").is_dir():
                restored[name] = _site_of(out / f".{name}.old", name)
        return restored in (before, after)

    seen = _sweep_kill_points(tmp_path, monkeypatch, "migration", valid)
    assert len(seen) >= 10


def _site_of(root: Path, name: str) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_kill_harness_catches_the_old_two_rename_swap(tmp_path, monkeypatch):
    """The harness is not blind: the old pipeline's swap (rename away, rename in) fails it."""

    def old_swap(new: Path, final: Path) -> None:
        old = final.with_name(f".{final.name}.old")
        if final.exists():
            final.rename(old)
        new.rename(final)
        shutil.rmtree(old)

    bad = []
    for n in range(1, 12):
        out, snapshot = tmp_path / f"out{n}", tmp_path / f"killed{n}"
        _legacy(out, "A")
        _fill(out / ".new", "B")

        def action(out: Path = out) -> None:
            for name in EDITIONS:
                old_swap(out / ".new" / name, out / name)

        if _kill_at(n, action, out, snapshot, monkeypatch) is None:
            break
        if _site(snapshot) not in (_expected(public="A", internal="A"), _expected(public="B", internal="B")):
            bad.append(n)
    assert bad, "the old swap should have left a missing or mixed site at some kill point"


# ---------------------------------------------------------------- a real kill -9, many times

PUBLISH_LOOP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sikkerby_build import publish
    out, start = Path(sys.argv[1]), int(sys.argv[2])
    files = [f"side{i}/index.html" for i in range(25)]
    i = start
    while True:
        editions = ("public", "internal") if i % 2 == 0 else ("public",)
        with publish.building(out, wait=60) as version:
            for name in editions:
                for rel in files:
                    path = version / name / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(f"v{i}")
            publish.publish(out, version, editions)
        print(i, flush=True)
        i += 1
    """
)


def _labels(out: Path) -> dict[str, int]:
    labels = {}
    for name in EDITIONS:
        texts = {p.read_text() for p in (out / name).rglob("*") if p.is_file()}
        count = sum(1 for p in (out / name).rglob("*.html"))
        assert len(texts) == 1 and count == 25, f"{name}: incomplete or mixed: {count} files, labels {sorted(texts)[:5]}"
        labels[name] = int(texts.pop()[1:])
    return labels


ROUNDS = 20


@pytest.mark.slow  # several seconds of processes and validations: the full suite runs it
def test_kill_9_during_a_loop_of_publishes_never_leaves_a_broken_site(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    rng = random.Random(12)
    for round_ in range(ROUNDS):
        start = round_ * 100_000
        proc = subprocess.Popen(
            [sys.executable, "-c", PUBLISH_LOOP, str(out), str(start)], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        watchdog = threading.Timer(120, proc.kill)  # bounded even if the child hangs
        watchdog.start()
        try:
            assert proc.stdout is not None
            done = rng.randint(1, 4)
            for i in range(done):  # let a few publishes of this round finish …
                assert proc.stdout.readline().strip() == str(start + i)
            time.sleep(rng.uniform(0, 0.03))  # … then kill it somewhere in a later one
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            watchdog.cancel()
        labels = _labels(out)
        public, internal = labels["public"], labels["internal"]
        # An even build published both editions; an odd one published public and kept internal.
        assert internal == (public if public % 2 == 0 else public - 1), labels
        assert public >= start + done - 1
    _publish(out, "Z")
    assert _site(out) == _expected(public="Z", internal="Z")
    assert publish.leftovers(out) == []


# ---------------------------------------------------------------- the pipeline and the CLI, with fake stages


@pytest.fixture
def fake_stages(monkeypatch):
    """pipeline.build with every stage before publishing replaced by a few files."""
    from types import SimpleNamespace

    from sikkerby_build import pipeline
    from sikkerby_build.problems import Problem, Report

    failing: set[str] = set()
    label = {"value": "B"}
    from sikkerby_build.validate import Checked

    monkeypatch.setattr(pipeline, "check_project", lambda *a, **k: Checked(Report(), dataset=SimpleNamespace(), content=None))
    monkeypatch.setattr(pipeline, "stage", lambda name, *a, **k: (None, SimpleNamespace(pages=["index.md", "om.md"], charts=0)))

    def build_site(staging: Path, name: str, site_dir: Path, *args: object, **kwargs: object) -> None:
        _fill(site_dir.parent, label["value"], (name,))

    def audit(site_dir: Path, *args: object) -> list[Problem]:
        if site_dir.name in failing:
            return [Problem(kind="internal-leak", file="index.html", message="planted")]
        return []

    monkeypatch.setattr(pipeline.engine, "build_site", build_site)
    monkeypatch.setattr(pipeline.audit_stage, "audit", audit)
    return SimpleNamespace(failing=failing, label=label)


def test_pipeline_publishes_both_editions_together(tmp_path, fake_stages):
    from sikkerby_build import pipeline

    out = tmp_path / "site"
    result = pipeline.build("all", tmp_path, out, tmp_path)
    assert _site(out) == _expected(public="B", internal="B")
    assert [e.path for e in result.editions] == [out / "public", out / "internal"]
    assert publish.leftovers(out) == []


def test_pipeline_failure_in_the_second_edition_changes_nothing(tmp_path, fake_stages):
    from sikkerby_build import pipeline

    out = tmp_path / "site"
    fake_stages.label["value"] = "A"
    pipeline.build("all", tmp_path, out, tmp_path)
    fake_stages.label["value"] = "B"
    fake_stages.failing.add("internal")
    with pytest.raises(pipeline.AuditFailed):
        pipeline.build("all", tmp_path, out, tmp_path)
    assert _site(out) == _expected(public="A", internal="A")
    assert publish.leftovers(out) == []


def _cli(out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from sikkerby_build import cli

    code = cli.main(["build", "--data", str(tmp_path), "--content", str(tmp_path), "--out", str(out), "--quiet"])
    return code, capsys.readouterr().err


def test_cli_says_unchanged_only_when_nothing_was_switched(tmp_path, fake_stages, capsys, monkeypatch):
    out = tmp_path / "site"
    fake_stages.failing.add("internal")
    code, err = _cli(out, tmp_path, capsys)
    assert code == 1 and "uændret" in err and publish.leftovers(out) == []

    fake_stages.failing.clear()
    real_ensure = publish._ensure_link

    def broken_link(out_dir: Path, name: str) -> None:
        if name == "internal":
            raise PermissionError(13, "Permission denied", str(out_dir / name))
        real_ensure(out_dir, name)

    monkeypatch.setattr(publish, "_ensure_link", broken_link)
    code, err = _cli(out, tmp_path, capsys)
    assert code == 1 and "Den nye version er lagt ud" in err and "uændret" not in err
    assert _site(out) == _expected(public="B")  # switched: public is live, internal could not be linked


def test_cli_reports_a_locked_output_folder_in_danish(tmp_path, fake_stages, capsys):
    out = tmp_path / "site"
    out.mkdir()
    holder = _lock_holder(out)
    try:
        code, err = _cli(out, tmp_path, capsys)
    finally:
        holder.communicate("release\n", timeout=30)
    assert code == 1
    assert "Et andet byg skriver allerede til" in err and "uden at ændre noget" in err
    assert "Traceback" not in err and not (out / "public").exists()


# ---------------------------------------------------------------- two real builds at once


@pytest.mark.slow
def test_two_real_builds_at_once_into_one_folder(tmp_path):
    """Two real ``sikkerby build`` processes start together: one publishes; the other waits or
    stops with the lock message. The final site is one version: complete, both editions from it.
    (A small synthetic package: the lock and the switch do not depend on the data's size.)"""
    from sikkerby_build.synth import write_package

    write_package(tmp_path / "data", activities=8, years=1, seed=7)
    out = tmp_path / "site"
    command = [
        sys.executable,
        "-m",
        "sikkerby_build.cli",
        "build",
        "--edition",
        "all",
        "--data",
        str(tmp_path / "data"),
        "--out",
        str(out),
        "--quiet",
    ]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=900), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 1]), [err[-2000:] for _, _, err in results]
    for code, _, err in results:
        if code == 1:
            assert "Et andet byg skriver allerede til" in err and "Traceback" not in err
    assert publish.editions(out) == ["internal", "public"] and publish.leftovers(out) == []
    live = publish.current_version(out).resolve()
    for name in EDITIONS:
        assert Path(os.path.realpath(out / name)) == live / name
        assert (out / name / "index.html").is_file() and len(list((out / name).rglob("*.html"))) > 50
    assert "aktiviteter" in os.listdir(out / "public")
    assert (out / "public" / "aktiviteter" / "syntetisk-aktivitet-00001" / "index.html").is_file()
