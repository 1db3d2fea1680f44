"""HTML that arrives in data (CSV cells, front matter) goes through an allow-list sanitizer.

Text fields are Markdown. We render them to HTML ourselves and clean the result with
nh3 (Rust's ammonia): anything not on the allow-list (script, event handlers,
javascript: URLs, style) is dropped, so data can never inject markup or script.
"""

from __future__ import annotations

import functools
import html

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "em", "strong", "i", "b", "a", "code", "blockquote",
    "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan", "scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = markdown.Markdown(extensions=["sane_lists"])


@functools.lru_cache(maxsize=50_000)
def markdown_to_safe_html(text: str | None) -> str:
    """Markdown from data -> sanitized HTML fragment (one line per block, no blank lines)."""
    if not text:
        return ""
    _md.reset()
    rendered = _md.convert(text)
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # Blank lines would end a raw-HTML block when the fragment is embedded in Markdown.
    return "\n".join(line for line in cleaned.splitlines() if line.strip())


def plain_text(text: str | None) -> str:
    """Any markup removed and the rest HTML-escaped: for page titles and other front matter.

    MkDocs' templates do not autoescape, so front matter values must already be safe HTML text.
    """
    if not text:
        return ""
    return nh3.clean(str(text), tags=set())


def unescaped_text(text: str | None) -> str:
    """Markup removed, entities decoded: for text that a later stage escapes itself."""
    return html.unescape(plain_text(text))
