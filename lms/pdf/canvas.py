"""The fonts, colours and reportlab canvas shared by certificates and handouts.

Both print the same letters: DejaVu Sans (see fonts/README.md), embedded as subsets.
"""
from __future__ import annotations

from pathlib import Path

import segno
from reportlab.lib.colors import HexColor, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD, ITALIC = "RawatSans", "RawatSans-Bold", "RawatSans-Oblique"
BRAND, BRAND_DARK, ACCENT, INK, MUTED = (HexColor(c) for c in ("#0b6e4f", "#08543c", "#f2b134", "#1d2a2f",
                                                                "#52646b"))


def register_fonts() -> None:
    """Load the regular and bold TTF files once per process."""
    registered = pdfmetrics.getRegisteredFontNames()
    if REGULAR not in registered:
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    if BOLD not in registered:
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def register_font_family() -> None:
    """The regular and bold faces plus an oblique one, as one family (platypus' <i> and <b>)."""
    register_fonts()
    if ITALIC not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(ITALIC, str(FONT_DIR / "DejaVuSans-Oblique.ttf")))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


class RawatCanvas(Canvas):
    """A reportlab canvas that knows how to fit text in a width and how to draw a QR code."""

    def fit_font_size(self, text: str, font: str, largest: float, smallest: float, width: float) -> float:
        size = largest
        while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
            size -= 0.5
        return size

    def wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        """Split into lines no wider than `width` (words longer than a line are cut)."""
        lines, line = [], ""
        for word in text.split():
            candidate = f"{line} {word}".strip()
            if pdfmetrics.stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while pdfmetrics.stringWidth(word, font, size) > width:
                cut = len(word)
                while cut > 1 and pdfmetrics.stringWidth(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
        return lines

    def fitted_lines(self, text: str, font: str, largest: float, smallest: float, width: float,
                     max_lines: int = 2) -> tuple[float, list[str]]:
        """One line at the largest size that fits; else up to `max_lines` lines, shrinking as needed."""
        size = self.fit_font_size(text, font, largest, smallest, width)
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return size, [text]
        size = largest * 0.8
        while True:
            lines = self.wrap(text, font, size, width)
            if len(lines) <= max_lines or size <= smallest:
                return size, lines[:max_lines]
            size -= 0.5

    def qr_code(self, data: str, x: float, y: float, size: float) -> None:
        """A QR code (error correction M) as filled rectangles, one per run of dark modules.

        The mask is fixed: segno's search for the best of the 8 masks costs ~30 ms in pure
        Python per certificate, and mask 0 decoded as well or better from low-resolution
        renderings in our checks (zbarimg on pdftoppm output at 60–90 dpi).
        """
        qr = segno.make(data, error="m", micro=False, mask=0)
        matrix = [list(row) for row in qr.matrix]
        count = len(matrix)
        quiet = 2
        module = size / (count + 2 * quiet)
        self.setFillColor(white)
        self.rect(x, y, size, size, stroke=0, fill=1)
        self.setFillColor(INK)
        path = self.beginPath()
        for r, row in enumerate(matrix):
            top = y + size - (quiet + r + 1) * module
            c = 0
            while c < count:
                if row[c]:
                    start = c
                    while c < count and row[c]:
                        c += 1
                    path.rect(x + (quiet + start) * module, top, (c - start) * module, module)
                else:
                    c += 1
        self.drawPath(path, stroke=0, fill=1)


def draw_footer(canvas, *, left: str, right: str, x0: float, x1: float, line_y: float, text_y: float) -> None:
    """A page footer: a thin brand rule, then `left` in small muted text (shortened with … so that it
    leaves room for `right`, e.g. the page number) and `right` flush right."""
    canvas.saveState()
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(0.8)
    canvas.line(x0, line_y, x1, line_y)
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(MUTED)
    label = left
    while pdfmetrics.stringWidth(label, REGULAR, 8) > (x1 - x0) - 80 and len(label) > 10:
        label = label[:-2].rstrip() + "…"
    canvas.drawString(x0, text_y, label)
    canvas.drawRightString(x1, text_y, right)
    canvas.restoreState()
