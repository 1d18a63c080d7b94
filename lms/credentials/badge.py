"""The badge image: a round seal with the course title, drawn once per course title (PNG, a few KB).

Drawn with Pillow and the fonts the PDFs use (lms/pdf/fonts), so every letter a certificate can
print can be drawn here too. The same image, unbaked, is the achievement's image; baked
(baking.py), it carries one holder's credential.
"""
from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ..pdf.canvas import FONT_DIR

SIZE = 400
BRAND, BRAND_DARK, ACCENT, WHITE = "#0b6e4f", "#08543c", "#f2b134", "#ffffff"


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _title_lines(draw: ImageDraw.ImageDraw, title: str) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest size at which the title fits in four lines inside the seal."""
    for size in (34, 30, 26, 23, 20, 18):
        font = _font(True, size)
        lines = _wrap(draw, title, font, 250)
        if len(lines) <= 4 and all(draw.textlength(line, font=font) <= 262 for line in lines):
            return lines, font
    font = _font(True, 18)
    return _wrap(draw, title, font, 250)[:4], font


@lru_cache(maxsize=64)
def badge_png(title: str, issuer: str) -> bytes:
    """The badge for a course title and issuer (kept per process: the same title gives the same bytes)."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=BRAND_DARK)
    draw.ellipse((24, 24, SIZE - 24, SIZE - 24), fill=BRAND, outline=ACCENT, width=6)
    # a tick at the top: the mark of a certificate earned
    draw.line([(172, 92), (193, 113), (232, 72)], fill=ACCENT, width=12, joint="curve")
    lines, font = _title_lines(draw, title)
    line_height = font.size + 8
    top = SIZE // 2 - (len(lines) * line_height) // 2 + 6
    for number, line in enumerate(lines):
        draw.text((SIZE // 2, top + number * line_height), line, font=font, fill=WHITE, anchor="mt")
    small = _font(False, 20)
    draw.text((SIZE // 2, SIZE - 78), issuer[:28], font=small, fill=WHITE, anchor="mt")
    out = io.BytesIO()
    image.quantize(colors=32).save(out, format="PNG", optimize=True)
    return out.getvalue()
