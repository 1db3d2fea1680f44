"""The Content-Security-Policy ``script-src`` hashes a built Sikker By site needs.

MkDocs Material writes two small inline scripts into every page. The first one names the
page's base URL (``new URL("../..", location)``), so its hash depends on how deep the page
sits in the site. This tool prints the hashes of every inline script it finds in the built
site, plus the same base-URL script for every relative depth up to ``--depth`` (default 8),
so a new, deeper section (e.g. news posts) does not break the policy.

    python3 deploy/csp_hashes.py site/internal site/public

Run it after upgrading mkdocs-material and paste the result into the
``Content-Security-Policy`` lines of ``deploy/nginx-*.conf``. Standard library only, so it
runs on the web server too.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
from pathlib import Path

SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S | re.I)
SCOPE = re.compile(r'^__md_scope=new URL\("([^"]*)",location\)')


def sha256_source(body: str) -> str:
    """The CSP source expression for one inline script body, e.g. ``'sha256-…'``."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_scripts(site_dir: Path) -> set[str]:
    """Bodies of all executable inline scripts in the site's HTML files (not JSON data blocks)."""
    bodies: set[str] = set()
    for page in sorted(Path(site_dir).rglob("*.html")):
        for attrs, body in SCRIPT.findall(page.read_text(encoding="utf-8")):
            if "src=" in attrs or "application/json" in attrs:
                continue
            bodies.add(body)
    return bodies


def depth_variants(bodies: set[str], depth: int) -> set[str]:
    """The base-URL script for relative bases ".", "..", "../..", … up to ``depth`` levels."""
    template = next((b for b in sorted(bodies) if SCOPE.match(b)), None)
    if template is None:
        return set()
    bases = ["."] + ["/".join([".."] * n) for n in range(1, depth + 1)]
    return {SCOPE.sub(f'__md_scope=new URL("{base}",location)', template, count=1) for base in bases}


def script_hashes(site_dirs: list[Path], depth: int = 8) -> list[str]:
    """Sorted CSP hash sources covering every inline script of the given built sites."""
    bodies: set[str] = set()
    for site in site_dirs:
        bodies |= inline_scripts(site)
    bodies |= depth_variants(bodies, depth)
    return sorted(sha256_source(b) for b in bodies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="+", type=Path, help="built site folder(s), e.g. site/internal")
    parser.add_argument("--depth", type=int, default=8, help="relative page depths to cover (default 8)")
    args = parser.parse_args(argv)
    missing = [str(s) for s in args.site if not (s / "index.html").is_file()]
    if missing:
        print(f"Ingen bygget side i: {', '.join(missing)} (byg først med sikkerby build)", file=sys.stderr)
        return 1
    print("script-src 'self' " + " ".join(script_hashes(args.site, args.depth)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
