"""Lighthouse mobile performance of every page type: the median of N runs per page.

Run against a built public edition (never /work/main/site while others build):

    .venv/bin/sikkerby build --edition public --out /tmp/lh_site --quiet
    .venv/bin/python benchmarks/lighthouse.py /tmp/lh_site/public [--runs 3] [--only activity,goal]
        [--lighthouse PATH] [--no-gzip] [--json out.json]

The site is served on 127.0.0.1 by a small static server that compresses text responses with
gzip (as a web server in production does; without it Lighthouse mostly measures the missing
compression of plotly.js and Material's bundle). ``--no-gzip`` serves files as they are.
Lighthouse comes from npm (``npm install lighthouse@13.5.0`` once; pass its ``cli/index.js``
with ``--lighthouse`` or let ``npx`` find it) and drives Debian's chromium (CHROME_PATH).
Prints a Markdown table: page type, the N scores, the median and the median's FCP, LCP, TBT, CLS.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.page_types import PAGE_TYPES  # noqa: E402  (the page types the browser tests check)

CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".xml", ".csv", ".txt")


class _Handler(http.server.SimpleHTTPRequestHandler):
    use_gzip = True

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if not (self.use_gzip and accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


def serve(folder: Path, use_gzip: bool) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("Handler", (_Handler,), {"use_gzip": use_gzip})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run_once(url: str, lighthouse: str | None) -> dict[str, float]:
    cmd = ["node", lighthouse] if lighthouse else ["npx", "--yes", "lighthouse@13.5.0"]
    out = subprocess.run(
        [*cmd, url, "--quiet", "--output=json", "--form-factor=mobile", "--only-categories=performance",
         f"--chrome-flags={CHROME_FLAGS}"],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "lighthouse failed")
    report = json.loads(out.stdout)
    audits = report["audits"]
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="the built public edition (OUT/public)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page types")
    parser.add_argument("--lighthouse", default=None, help="path to lighthouse's cli/index.js (else npx)")
    parser.add_argument("--no-gzip", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    wanted = [p for p in args.only.split(",") if p] or list(PAGE_TYPES)
    server, base = serve(args.site.resolve(), not args.no_gzip)  # OUT/public is a symlink into OUT/.versions
    results: dict[str, list[dict[str, float]]] = {}
    print("| page type | runs | median | FCP s | LCP s | TBT ms | CLS |")
    print("|---|---|---|---|---|---|---|")
    try:
        for name in wanted:
            runs = [run_once(base + PAGE_TYPES[name], args.lighthouse) for _ in range(args.runs)]
            results[name] = runs
            median = statistics.median_low([r["score"] for r in runs])
            m = next(r for r in runs if r["score"] == median)
            print(
                f"| {name} | {', '.join(str(int(r['score'])) for r in runs)} | {int(median)} | {m['fcp'] / 1000:.1f} | "
                f"{m['lcp'] / 1000:.1f} | {m['tbt']:.0f} | {m['cls']:.3f} |",
                flush=True,
            )
    finally:
        server.shutdown()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
