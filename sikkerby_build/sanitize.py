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


def _new_markdown() -> None:
    global _md
    _md = markdown.Markdown(extensions=["sane_lists"])


@functools.lru_cache(maxsize=50_000)
def markdown_to_safe_html(text: str | None) -> str:
    """Markdown from data -> sanitized HTML fragment (one line per block, no blank lines)."""
    if not text:
        return ""
    _md.reset()
    try:
        rendered = _md.convert(text)
    except RecursionError:  # validation refuses such text first (nesting_depth); never a traceback
        _new_markdown()  # the converter's parser state is left half-way: start a fresh one
        return neutralize_text(text)
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


# ---------------------------------------------------------------- bounded nesting

MAX_NESTING = 20  # levels of lists, quotes, HTML elements or brackets inside one text
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "embed", "source", "track", "param"}
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)\b[^<>]*?(/?)>")
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d+[.)])[ \t]")


def nesting_depth(text: str) -> tuple[int, int]:
    """The deepest nesting in a Markdown/HTML text and the line (1-based) where it is reached:
    block quotes (``>``), list indentation (every 2 spaces counted as a level, cautiously), HTML
    elements and brackets. The renderers recurse once per level, so a text nested hundreds of
    levels deep would end the build with a RecursionError instead of a message."""
    deepest, where = 0, 1
    html_depth = bracket = 0
    for number, line in enumerate(text.split("\n"), start=1):
        rest = line
        quotes = 0
        while True:
            stripped = rest.lstrip(" \t")
            if not stripped.startswith(">"):
                break
            quotes += 1
            rest = stripped[1:]
        item = _LIST_ITEM.match(rest)
        lists = len(item.group(1).expandtabs(4)) // 2 + 1 if item else 0
        level = quotes + lists
        for tag in _HTML_TAG.finditer(line):
            closing, name, self_closing = tag.groups()
            if name.lower() in _VOID or self_closing:
                continue
            html_depth = max(0, html_depth - 1) if closing else html_depth + 1
            level = max(level, html_depth)
        for ch in line:
            if ch in "[(":
                bracket += 1
                level = max(level, bracket)
            elif ch in "])":
                bracket = max(0, bracket - 1)
        if level > deepest:
            deepest, where = level, number
    return deepest, where


# ---------------------------------------------------------------- spreadsheet-safe downloads

# OWASP "CSV injection": a cell a spreadsheet would run as a formula starts with one of these
# (full-width forms included: spreadsheets accept ＝ and ＋ as well).
_FORMULA_START = frozenset("=+-@\t\r\n") | {"\uff1d", "\uff0b", "\uff0d", "\uff20"}


_PLAIN_NUMBER = re.compile(r" *[-+]?\d[\d.,]* *%? *")


def spreadsheet_safe(value: str) -> str:
    """A text cell for a CSV download that Excel, LibreOffice and Google Sheets show as text:
    a cell whose first non-space character starts a formula gets a leading apostrophe
    (``=HYPERLINK(…)`` -> ``'=HYPERLINK(…)``). Only text: numbers are written as numbers."""
    if _PLAIN_NUMBER.fullmatch(value):
        return value  # "-12", "-3,5 %": a number written as text stays a number, never a formula
    first = value.lstrip(" ")[:1]
    return "'" + value if first and first in _FORMULA_START else value
