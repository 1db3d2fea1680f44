"""The card image shown when a page is shared (Open Graph ``og:image``, Twitter card).

One 1200×630 PNG per edition, drawn offline with Pillow: no web service, no downloaded font.
The text is set in DejaVu Sans from Debian's ``fonts-dejavu-core`` when installed, otherwise in
the font Pillow ships with. The same input gives the same bytes (reproducible builds).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from pathlib import Path

from .. import cachekey

WIDTH, HEIGHT = 1200, 630
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
TITLE = "Sikker By"
SUBTITLE = ("Københavns Kommunes Sikker By program:", "aktiviteter, resultater og effektmål")
FOOTER = "Københavns Kommune"
BLUE, DARK, WHITE, RED = "#1a4f80", "#123a5e", "#ffffff", "#7a1f12"


def _font(bold: bool, size: int):  # -> ImageFont.FreeTypeFont
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def image(edition: str) -> bytes:
    """The card as PNG bytes."""
    from PIL import Image, ImageDraw

    card = Image.new("RGB", (WIDTH, HEIGHT), BLUE)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, HEIGHT - 110, WIDTH, HEIGHT), fill=DARK)
    draw.rectangle((80, 150, 96, 400), fill=WHITE)
    draw.text((130, 140), TITLE, font=_font(True, 120), fill=WHITE)
    for i, line in enumerate(SUBTITLE):
        draw.text((134, 300 + i * 52), line, font=_font(False, 40), fill=WHITE)
    draw.text((80, HEIGHT - 78), FOOTER, font=_font(True, 40), fill=WHITE)
    if edition == "internal":
        draw.rectangle((WIDTH - 420, 40, WIDTH - 40, 110), fill=RED)
        draw.text((WIDTH - 395, 52), "Intern udgave", font=_font(True, 40), fill=WHITE)
    buffer = io.BytesIO()
    card.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write(target: Path, edition: str) -> Path:
    """Write the card when it changed (a live preview then leaves the file alone)."""
    data = image(edition)
    if not target.exists() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target


# ---------------------------------------------------------------- one card per page (issue 19)


def _wrapped(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """``text`` in lines no wider than ``width`` pixels, at most ``max_lines`` (the last cut at a word with "…")."""
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and draw.textlength(last + " …", font=font) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines = [*lines[: max_lines - 1], last + " …"]
    return lines


def page_image(title: str, result: list[str], edition: str) -> bytes:
    """A page's own card: the page title and, for an activity, its latest result (a line each), as PNG bytes."""
    from PIL import Image, ImageDraw

    card = Image.new("RGB", (WIDTH, HEIGHT), BLUE)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, HEIGHT - 110, WIDTH, HEIGHT), fill=DARK)
    draw.text((80, 60), "Sikker By", font=_font(True, 40), fill=WHITE)
    size = 68
    font = _font(True, size)
    lines = _wrapped(draw, title, font, WIDTH - 160, 3)
    if len(lines) == 3:
        size = 56
        font = _font(True, size)
        lines = _wrapped(draw, title, font, WIDTH - 160, 3)
    y = 150
    draw.rectangle((80, y, 92, y + len(lines) * int(size * 1.2)), fill=WHITE)
    for line in lines:
        draw.text((116, y), line, font=font, fill=WHITE)
        y += int(size * 1.2)
    small = _font(False, 36)
    y += 10
    for line in [wrapped for text in result[:3] for wrapped in _wrapped(draw, text, small, WIDTH - 200, 1)]:
        y += 10
        draw.text((116, y), line, font=small, fill=WHITE)
        y += 38
    draw.text((80, HEIGHT - 78), FOOTER, font=_font(True, 40), fill=WHITE)
    if edition == "internal":
        draw.rectangle((WIDTH - 420, 40, WIDTH - 40, 110), fill=RED)
        draw.text((WIDTH - 395, 52), "Intern udgave", font=_font(True, 40), fill=WHITE)
    buffer = io.BytesIO()
    card.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")  # a few colours: small files; octree is 3x faster than median cut
    return buffer.getvalue()


class CardCache:
    """Page cards drawn before, by what they are drawn from: this module's code, Pillow's version,
    the fonts, the title, the result lines and the edition (drawing and compressing a card costs
    about 12 ms: 70 cards are most of a rebuild's render stage).

    An entry is used only with a valid signature made with this machine's key (``cachekey``): the
    audit cannot read text in an image, so a card must never come from a cache that arrived with
    the project (a merge request force-adding ``.cache/``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    @functools.cache
    def _identity() -> str:
        fonts = [folder / name for folder in FONT_DIRS for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
        own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        return json.dumps([own, *cachekey.distribution_identity("pillow"), *cachekey.file_identity(*fonts)])

    def page_image(self, title: str, result: list[str], edition: str) -> bytes:
        key = hashlib.sha256(json.dumps([self._identity(), title, result, edition]).encode()).hexdigest()
        png = self.root / f"{key}.png"
        data = cachekey.read_signed(png, key.encode())
        if data is None:
            data = page_image(title, result, edition)
            cachekey.write_signed(png, data, key.encode())
        return data


def write_page_image(target: Path, title: str, result: list[str], edition: str, cache: CardCache | None = None) -> Path:
    data = cache.page_image(title, result, edition) if cache is not None else page_image(title, result, edition)
    if not target.exists() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target
