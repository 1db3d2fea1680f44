"""Stage: engine. The staging folder + mkdocs.yml -> a site, via MkDocs Material.

Entry point: ``build_site(staging, edition, site_dir, quiet)``. This is the only module
that imports mkdocs; replacing the site engine means replacing this file.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE_CONFIG = ROOT / "mkdocs.yml"


class EngineFailed(Exception):
    pass


def source_date_epoch() -> str:
    """Pin dates in the output (sitemap lastmod) to the last commit, for byte-identical builds."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def edition_config(staging: Path, edition: str, site_dir: Path, site_url: str | None = None) -> dict[str, Any]:
    """The base mkdocs.yml with the edition's overlay (extra.editions.<edition>) merged in."""
    config = yaml.safe_load(BASE_CONFIG.read_text(encoding="utf-8"))
    overlay = copy.deepcopy(config["extra"]["editions"][edition])
    config["extra"]["edition"] = edition
    config["site_name"] = overlay.pop("site_name", config["site_name"])
    config["nav"] = config["nav"] + overlay.pop("extra_nav", [])
    if site_url is not None:
        config["site_url"] = site_url
    config["docs_dir"] = str(staging / "docs")
    config["site_dir"] = str(site_dir)
    config["theme"]["custom_dir"] = str(ROOT / "overrides" / "theme")
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(staging / "includes")]
    return config


def build_site(staging: Path, edition: str, site_dir: Path, quiet: bool = True, site_url: str | None = None) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    config_file = staging / "mkdocs.yml"
    config_file.write_text(
        yaml.safe_dump(edition_config(staging, edition, site_dir, site_url), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    logger = logging.getLogger("mkdocs")
    previous = logger.level
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    try:
        config = load_config(config_file=str(config_file))
        build(config)
    except (Abort, ConfigurationError) as exc:
        raise EngineFailed(f"MkDocs kunne ikke bygge {edition}-udgaven: {exc}") from exc
    finally:
        logger.setLevel(previous)
    _neutralise_third_party_loaders(site_dir)
    if edition == "internal":
        # Staff pages are not for search engines: the sitemap lists no page (Material's instant
        # navigation requests the file, so it stays, empty) and robots.txt disallows everything.
        (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
        (site_dir / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n',
            encoding="utf-8",
        )
        (site_dir / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")


# Material's bundle can load two scripts from unpkg.com: a ResizeObserver polyfill (only in
# browsers from before 2020) and mermaid (only on pages with mermaid diagrams, which we never
# have). Neither is ever requested by our pages, but no output file may name a third-party
# host, so both URLs are replaced by an empty inline script.
_UNPKG_LOADERS = ("https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@11/dist/mermaid.min.js")


def _neutralise_third_party_loaders(site_dir: Path) -> None:
    for bundle in (site_dir / "assets" / "javascripts").glob("bundle.*.min.js"):
        text = bundle.read_text(encoding="utf-8")
        for url in _UNPKG_LOADERS:
            text = text.replace(url, "data:text/javascript,")
        bundle.write_text(text, encoding="utf-8")
    # Material's base.html puts autocomplete="off" on its two checkbox toggles, which the W3C
    # checker rejects (autocomplete is not allowed on checkboxes).
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text.replace('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__drawer"').replace(
            'type="checkbox" id="__search" autocomplete="off"', 'type="checkbox" id="__search"'
        )
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    # Source maps are for theme developers; they quote the original URLs and weigh ~1 MB.
    for source_map in site_dir.rglob("*.map"):
        source_map.unlink()
    for asset in list(site_dir.rglob("*.js")) + list(site_dir.rglob("*.css")):
        text = asset.read_text(encoding="utf-8")
        stripped = re.sub(r"\n?/[/*]# sourceMappingURL=[^\n]*", "", text)
        if stripped != text:
            asset.write_text(stripped, encoding="utf-8")


def serve(staging: Path, edition: str, port: int) -> None:
    """Live-reloading preview of an edition (MkDocs' dev server on the staging folder)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.serve import serve as mkdocs_serve

    config = edition_config(staging, edition, staging / "site")
    # A preview must survive warnings (MkDocs warns about every dirty rebuild); the real build is strict.
    config["strict"] = False
    config_file = staging / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # "dirty": rebuild only the pages whose staged files changed (render leaves the rest untouched)
    mkdocs_serve(config_file=str(config_file), dev_addr=f"127.0.0.1:{port}", livereload=True, build_type="dirty")
