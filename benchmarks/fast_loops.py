"""Benchmarks for issue 16: cold builds with PDFs, rebuilds after small edits, page weight.

    .venv/bin/python benchmarks/fast_loops.py                   # builds + weights (real data)
    .venv/bin/python benchmarks/fast_loops.py --only builds
    .venv/bin/python benchmarks/fast_loops.py --only weight --weight-sites real=site/public,1000=/tmp/s1000/public

builds: on a copy of data/ and content/, with a fresh PDF cache (SIKKERBY_CACHE_DIR in a
temporary folder), each step as its own `sikkerby build --edition all` process:
  1. cold build with PDFs (empty cache, empty output folder);
  2. a second cold build (another empty cache and output) -> compared byte for byte with 1;
  3. rebuild after a one-line edit of a content page (content/vision.md);
  4. rebuild after changing one measurement value (measurements.csv);
and the same three without PDFs (SIKKERBY_PDF=off). Wall time and CPU time (user+sys of the
build and everything it started: MkDocs, Chromium) per step; ratios against the cold build of
the same run. The machine is shared: CPU time is the steadier number.

weight: every response of a page without charts (the glossary) in headless Chromium, until the
page is idle and before search is used, summed raw and gzip-compressed (level 6); then the search
field is focused and the index counted separately.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIKKERBY = [str(ROOT / ".venv" / "bin" / "sikkerby")]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def run_build(data: Path, out: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """One build in its own process: (wall s, CPU s of it and its children, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*SIKKERBY, "build", "--edition", "all", "--data", str(data), "--out", str(out), "--quiet"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def identical(a: Path, b: Path) -> tuple[bool, list[str]]:
    """Every file of two published sites byte for byte (the live version folders' editions)."""
    differ: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        differ.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differ.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    for edition in ("public", "internal"):
        walk(filecmp.dircmp((a / edition).resolve(), (b / edition).resolve()), f"{edition}/")
    return not differ, differ


def edit_content(data: Path) -> None:
    page = data / "content" / "vision.md"
    page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + "\n\nEn ny linje til benchmarken.\n", encoding="utf-8")


def edit_measurement(data: Path) -> None:
    path = data / "measurements.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = header.index("value_after")
    for row in rows[1:]:
        try:
            value = float(row[col])
        except ValueError:
            continue
        row[col] = str(int(value) + 1) if value.is_integer() else f"{value + 1:g}"
        break
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def bench_builds(with_pdfs: bool) -> list[list[str]]:
    work = Path(tempfile.mkdtemp(prefix="sikkerby-bench-"))
    try:
        data = work / "data"
        shutil.copytree(ROOT / "data", data)
        shutil.copytree(ROOT / "content", data / "content")
        env = {**os.environ, "SIKKERBY_CACHE_DIR": str(work / "cache"), "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1764000000")}
        env.pop("CI", None)
        if not with_pdfs:
            env["SIKKERBY_PDF"] = "off"
        else:
            env.pop("SIKKERBY_PDF", None)
        rows = []
        cold_wall, cold_cpu, _ = run_build(data, work / "out", env)
        rows.append(["cold build", f"{cold_wall:.1f}", f"{cold_cpu:.1f}", "1.00", "1.00", ""])
        wall, cpu, _ = run_build(data, work / "out2", {**env, "SIKKERBY_CACHE_DIR": str(work / "cache2")})
        same, differ = identical(work / "out", work / "out2")
        rows.append(["second cold build (fresh cache)", f"{wall:.1f}", f"{cpu:.1f}", f"{wall / cold_wall:.2f}", f"{cpu / cold_cpu:.2f}",
                     "byte-identical" if same else f"{len(differ)} files differ: {', '.join(differ[:3])}"])  # fmt: skip
        for label, edit in (("one-line edit of content/vision.md", edit_content), ("one measurement value changed", edit_measurement)):
            edit(data)
            wall, cpu, out = run_build(data, work / "out", env)
            changed = "; ".join(line for line in out.splitlines() if "ændret" in line)
            rows.append([label, f"{wall:.1f}", f"{cpu:.1f}", f"{wall / cold_wall:.2f}", f"{cpu / cold_cpu:.2f}", changed[:160]])
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_full_sitemap(site: Path, base: str, work: Path) -> Path:
    """A hard-linked copy of ``site`` whose sitemap.xml lists every page, as MkDocs writes it when the
    build has ``--site-url`` (Material's instant navigation fetches it on every page load, so its
    size counts). Sites built without ``--site-url`` have an empty sitemap."""
    copy = work / site.name
    shutil.copytree(site, copy, copy_function=os.link)
    (copy / "sitemap.xml").unlink()
    entries = [
        f"    <url>\n         <loc>{base}{p.parent.relative_to(copy).as_posix() + '/' if p.parent != copy else ''}</loc>\n"
        "         <lastmod>2026-12-02</lastmod>\n    </url>"
        for p in sorted(copy.rglob("index.html"))
    ]
    (copy / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(entries) + "\n</urlset>",
        encoding="utf-8",
    )
    return copy


def bench_weight(sites: dict[str, Path], path: str = "ordliste/") -> list[list[str]]:
    from playwright.sync_api import sync_playwright

    rows = []
    work = Path(tempfile.mkdtemp(prefix="sikkerby-weight-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for n, (label, site) in enumerate(sites.items()):
            port = _free_port()
            site = with_full_sitemap(site.resolve(), f"http://127.0.0.1:{port}/", work / str(n))
            server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            try:
                time.sleep(1.0)
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
                responses: list = []
                context.on("response", lambda r, seen=responses: seen.append(r))
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/{path}")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1000)
                before = [(r.url, r.body()) for r in responses if r.ok]
                page.keyboard.press("/")  # the reader starts to search
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1000)
                index = [(r.url, r.body()) for r in responses if r.ok and "search_index.json" in r.url]
                fetched_early = any("search_index.json" in u for u, _ in before)
                sitemap_gz = sum(len(gzip.compress(b, 6)) for u, b in before if u.endswith("sitemap.xml"))
                raw = sum(len(b) for _, b in before)
                gz = sum(len(gzip.compress(b, 6)) for _, b in before)
                index_gz = sum(len(gzip.compress(b, 6)) for _, b in index)
                pages = sum(1 for _ in site.rglob("index.html"))
                rows.append([label, str(pages), str(len(before)), f"{raw / 1024:.0f}", f"{gz / 1024:.0f}", f"{sitemap_gz / 1024:.0f}",
                             "yes" if fetched_early else "no", f"{index_gz / 1024:.0f}"])  # fmt: skip
                context.close()
            finally:
                server.terminate()
                server.wait()
        browser.close()
    shutil.rmtree(work, ignore_errors=True)
    return rows


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="builds,weight")
    parser.add_argument("--weight-sites", default="real=site/public", help="label=folder,... (built public editions)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    headers = ["step", "wall s", "CPU s", "wall / cold", "CPU / cold", "notes"]
    if "builds" in only:
        print("## Both editions, with PDFs\n")
        print(table(headers, bench_builds(with_pdfs=True)) + "\n")
        print("## Both editions, without PDFs (SIKKERBY_PDF=off)\n")
        print(table(headers, bench_builds(with_pdfs=False)) + "\n")
    if "weight" in only:
        sites = {label: (ROOT / folder) for label, folder in (item.split("=", 1) for item in args.weight_sites.split(","))}
        print("## Page without charts (glossary), everything loaded until search is used\n")
        print(table(["data", "HTML pages", "requests", "KB raw", "KB gzip", "of it sitemap KB gzip", "index fetched before search", "index KB gzip (on search)"],
                    bench_weight(sites)) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
