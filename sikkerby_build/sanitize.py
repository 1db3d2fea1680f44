"""One escaping discipline for text that arrives in data (CSV cells, front matter).

Text from data reaches a page exactly once, in our own stage, and in a form no later
Markdown pass can reinterpret:

- Markdown fields are rendered to HTML here and cleaned with nh3 (Rust's ammonia): anything
  not on the allow-list (script, event handlers, javascript: URLs, style) is dropped.
- Then every character that Markdown (or its extensions: attribute lists ``{: …}``, tables,
  abbreviations, links) gives a meaning is written as a numeric character reference
  (``&#123;``) in the text, and line breaks inside text become spaces. The engine's Markdown
  pass sees only entities, which it passes through unchanged; browsers and the search index
  decode them to the same characters. (``neutralize_html``)
- Plain data values get the same treatment plus HTML escaping (``neutralize_text``); the page
  templates apply it to every ``{{ value }}`` automatically (``finalize``).
- Attribute contexts outside our templates (front matter: title, description) are HTML-escaped
  with quotes (``attribute_text``), because the theme's templates do not autoescape them.
"""

from __future__ import annotations

import functools
import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "em", "strong", "i", "b", "a", "code", "blockquote",
    "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
# No `title`: Material's content.tooltips shows an element's title through innerHTML.
# "*": no generic attributes (ammonia allows lang and title on every tag by default).
ALLOWED_ATTRIBUTES = {"a": {"href"}, "td": {"colspan"}, "th": {"colspan", "scope"}, "*": set()}
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
    return neutralize_html("\n".join(line for line in cleaned.splitlines() if line.strip()))


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


# Characters with a meaning in Markdown or in the extensions the engine runs (attr_list,
# tables, abbr, admonition, toc, snippets); written as character references in data text.
_MD_SPECIAL = "\\`*_{}[]()#+!|~^=:<>\"'"
_TEXT_TABLE = {ord(c): f"&#{ord(c)};" for c in _MD_SPECIAL} | {ord("&"): "&amp;", ord("\n"): " ", ord("\r"): " "}
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_ENTITY_OR_SPECIAL = re.compile(r"(&#?\w+;)|([" + re.escape(_MD_SPECIAL.replace("<", "").replace(">", "")) + r"])")


def neutralize_text(value: object) -> str:
    """A plain data value -> HTML text that no Markdown pass changes (see the module doc)."""
    text = str(value)
    neutral = text.translate(_TEXT_TABLE)
    # A list marker, setext underline or numbered list at the start of a line.
    return _LINE_START.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(2)), neutral.lstrip(), count=1)


def neutralize_html(fragment: str) -> str:
    """Sanitized HTML -> the same HTML with Markdown syntax in its text written as entities."""
    out = []
    for piece in _TAG_OR_TEXT.split(fragment):
        if piece.startswith("<") or not piece:
            out.append(piece)
        elif not piece.strip():
            out.append(piece)  # whitespace between blocks keeps its line breaks
        else:
            piece = " ".join(piece.splitlines())
            out.append(_ENTITY_OR_SPECIAL.sub(lambda m: m.group(1) or f"&#{ord(m.group(2))};", piece))
    return "".join(out)


def attribute_text(value: object) -> str:
    """Plain text (markup removed) escaped for an HTML attribute, quotes included: front matter."""
    return html.escape(" ".join(unescaped_text(str(value)).split()), quote=True)


def tooltip_text(value: object) -> str:
    """Plain text for a ``title`` attribute. Material's tooltips insert the title as HTML, so the
    decoded value must not contain ``<`` or ``>`` at all (they become ‹ ›)."""
    return " ".join(unescaped_text(str(value)).replace("<", "‹").replace(">", "›").split())
