"""Benchmarks: build time vs plain MkDocs, scaling, preview rebuild, page weight, Lighthouse.

Run: .venv/bin/python benchmarks/run.py [--sizes 100,500,1000,5000] [--skip-lighthouse]
Prints one Markdown table per measurement. Timings are measured in one run on this machine;
compare the ratios, not the absolute seconds (the machines are noisy).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SIKKERBY = [PY, "-m", "sikkerby_build.cli"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "1"}


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def plain_mkdocs_project(target: Path, pages: int) -> None:
    """The same number of simple pages (heading, paragraph, small table), Material, search, short nav."""
    docs = target / "docs"
    (docs / "p").mkdir(parents=True)
    (docs / "index.md").write_text("# Forside\n\nPlain MkDocs baseline.\n", encoding="utf-8")
    for i in range(pages):
        (docs / "p" / f"side-{i:05d}.md").write_text(
            f"# Side {i}\n\nEn simpel side med lidt tekst om tryghed og fællesskab.\n\n"
            "| Kolonne | Værdi |\n|---|---|\n| a | 1 |\n| b | 2 |\n",
            encoding="utf-8",
        )
    (target / "mkdocs.yml").write_text(
        "site_name: Baseline\ntheme:\n  name: material\n  language: da\n  font: false\n"
        "plugins:\n  - search:\n      lang: da\nnav:\n  - Forside: index.md\n",
        encoding="utf-8",
    )


def stage_for_mkdocs(data: Path, staging: Path) -> Path:
    """Our generated pages and config, so plain `mkdocs build` can build exactly the same pages."""
    sys.path.insert(0, str(ROOT))
    import yaml

    from sikkerby_build import engine, pipeline, settings
    from sikkerby_build.validate import validate

    config_settings = settings.resolve(ROOT, data, data / "content")
    report = validate(data, data / "content")
    _, rendered = pipeline.stage("public", config_settings, staging, report)
    engine.write_engine_files(staging, rendered)
    config = engine.material.edition_config(staging, "public", staging / "site", rendered, config_settings)
    path = staging / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def bench_real() -> list[list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        seconds, peak = timed([*SIKKERBY, "build", "--edition", "all", "--out", tmp])
        return [["real data, both editions", f"{count_pages(Path(tmp))}", f"{seconds:.1f}", f"{peak:.0f}", f"{size_mb(Path(tmp)):.1f}"]]


def bench_scaling(sizes: list[int]) -> list[list[str]]:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            subprocess.run([*SIKKERBY, "synth", "--activities", str(n), "--out", str(tmp_path / "data")], check=True, env=ENV, capture_output=True)
            ours, ours_peak = timed([*SIKKERBY, "build", "--edition", "public", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "site")])
            site = tmp_path / "site" / "public"
            pages = count_pages(site)
            plain_mkdocs_project(tmp_path / "plain", pages - 1)
            plain, plain_peak = timed([PY, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "plain" / "mkdocs.yml")])
            staged = stage_for_mkdocs(tmp_path / "data", tmp_path / "staged")
            same_pages, _ = timed([PY, "-m", "mkdocs", "build", "-q", "-f", str(staged)])
            rows.append([
                str(n), str(pages), f"{ours:.1f}", f"{plain:.1f}", f"{ours / plain:.2f}", f"{same_pages:.1f}",
                f"{ours / same_pages:.2f}", f"{1000 * ours / pages:.1f}",
                f"{ours_peak:.0f}", f"{plain_peak:.0f}", f"{size_mb(site):.1f}",
            ])
            print(f"  scaling n={n}: {rows[-1]}", file=sys.stderr, flush=True)
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def bench_serve(rounds: int = 3) -> list[list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        shutil.copytree(ROOT / "content", data / "content")
        port = _free_port()
        proc = subprocess.Popen([*SIKKERBY, "serve", "--data", str(data), "--port", str(port)], cwd=ROOT, env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/vision/"
        try:
            deadline = time.time() + 120
            while time.time() < deadline and not _get(url):
                time.sleep(0.3)
            results = []
            page = data / "content" / "vision.md"
            for i in range(rounds):
                marker = f"Målemærke {i} {time.time_ns()}"
                page.write_text(page.read_text(encoding="utf-8") + f"\n\n{marker}\n", encoding="utf-8")
                started = time.perf_counter()
                while marker not in _get(url):
                    if time.perf_counter() - started > 60:
                        raise RuntimeError("preview did not rebuild in 60 s")
                    time.sleep(0.05)
                results.append(time.perf_counter() - started)
                time.sleep(1)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return [[f"{r:.2f}" for r in results] + [f"{min(results):.2f}"]]


PAGES = {"front page": "", "activity page (charts)": "aktiviteter/sjakket/", "goal page (chart)": "maal/effektmaal-2/",
         "glossary (no charts)": "ordliste/"}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _serve_dir(folder: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([PY, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.8)
    return proc, f"http://127.0.0.1:{port}/"


def bench_weight(site: Path) -> list[list[str]]:
    from playwright.sync_api import sync_playwright

    proc, base = _serve_dir(site)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for label, path in PAGES.items():
                page = browser.new_page()
                responses = []
                page.on("response", lambda r, seen=responses: seen.append(r) if r.ok else None)
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if page.locator("[data-sb-chart]").count():  # drawn when scrolled near the viewport
                    page.locator("[data-sb-chart]").first.scroll_into_view_if_needed()
                    page.wait_for_selector("[data-sb-chart][data-drawn]", timeout=20000)
                page.wait_for_timeout(500)
                bodies = [(r.url, r.body()) for r in responses]
                raw = sum(len(b) for _, b in bodies)
                gz = sum(len(gzip.compress(b, 6)) for _, b in bodies)
                plotly = any("plotly" in u for u, _ in bodies)
                rows.append([label, str(len(bodies)), f"{raw / 1024:.0f}", f"{gz / 1024:.0f}", "yes" if plotly else "no"])
                page.close()
            browser.close()
    finally:
        proc.terminate()
    return rows


def bench_lighthouse(site: Path) -> list[list[str]]:
    proc, base = _serve_dir(site)
    rows = []
    try:
        for label, path in PAGES.items():
            out = subprocess.run(
                ["npx", "--yes", "lighthouse@13.5.0", base + path, "--quiet", "--output=json", "--form-factor=mobile",
                 "--only-categories=performance,accessibility,best-practices",
                 f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
                capture_output=True, text=True, env={**ENV, "CHROME_PATH": "/usr/bin/chromium"}, cwd=ROOT,
            )
            if out.returncode != 0:
                rows.append([label, "failed", out.stderr.strip().splitlines()[-1][:80] if out.stderr.strip() else "", ""])
                continue
            cats = json.loads(out.stdout)["categories"]
            rows.append([label] + [str(round(cats[c]["score"] * 100)) for c in ("performance", "accessibility", "best-practices")])
    finally:
        proc.terminate()
    return rows


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,500,1000,5000")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--only", default="real,scaling,serve,weight,lighthouse")
    args = parser.parse_args()
    only = set(args.only.split(","))
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}\n")
    if "real" in only:
        print("## Real data\n")
        print(table(["build", "HTML pages", "seconds", "peak MB", "output MB"], bench_real()) + "\n")
    if "scaling" in only:
        print("## Synthetic data vs plain MkDocs Material (public edition, same page count)\n")
        rows = bench_scaling([int(s) for s in args.sizes.split(",")])
        print(table(["activities", "HTML pages", "sikkerby s", "plain mkdocs, simple pages s", "ratio",
                     "plain mkdocs, our staged pages s", "ratio", "ms/page", "peak MB", "plain peak MB", "output MB"], rows))
        times = {int(r[0]): float(r[2]) for r in rows}
        if 500 in times and 5000 in times:
            print(f"\nlinearity t(5000)/t(500) = {times[5000] / times[500]:.1f} (target ≤ 11)")
        print()
    if "serve" in only:
        print("## Preview: save a content page -> rebuilt page served\n")
        print(table(["round 1 s", "round 2 s", "round 3 s", "best s"], bench_serve()) + "\n")
    site = None
    if only & {"weight", "lighthouse"}:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run([*SIKKERBY, "build", "--edition", "public", "--out", str(tmp)], check=True, env=ENV, capture_output=True)
        site = tmp / "public"
    if "weight" in only and site:
        print("## Page weight in headless Chromium (all requests)\n")
        print(table(["page", "requests", "KB raw", "KB gzip", "plotly loaded"], bench_weight(site)) + "\n")
    if "lighthouse" in only and site and not args.skip_lighthouse:
        print("## Lighthouse, mobile\n")
        print(table(["page", "performance", "accessibility", "best practices"], bench_lighthouse(site)) + "\n")


if __name__ == "__main__":
    main()
