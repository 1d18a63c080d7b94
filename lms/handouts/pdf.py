"""A module as a printable A4 handout (reportlab platypus).

The first page names the course and the module; each lesson starts with its title, its
reading time and a QR code that opens the lesson online, then its text drawn by
markdown_pdf with the web page's rules. Every page ends with the course title and the
page number. Fonts, colours and QR codes are shared with certificates (lms/pdf/canvas.py:
DejaVu Sans, segno), so a handout prints the same letters a certificate does. Texts around
the lessons are in the reader's language (the caller's locale); the lessons are as written.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from flask_babel import ngettext
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..pdf.canvas import (
    BOLD,
    BRAND,
    BRAND_DARK,
    INK,
    ITALIC,
    MUTED,
    REGULAR,
    RawatCanvas,
    draw_footer,
    register_font_family,
)
from .markdown_pdf import HandoutMarkdown, Picture

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
#: the text width: the page less its margins and the frame's own 6 pt padding on each side
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12
QR_SIZE = 25 * mm
#: largest width, in pixels, of a photo put in a handout (re-encoded as JPEG)
PRINT_PIXELS = 900


@dataclass
class HandoutLesson:
    title: str
    minutes: int
    body: str  # Markdown
    url: str  # absolute address of the lesson online, printed and encoded in its QR code


@dataclass
class HandoutContent:
    course_title: str
    course_version: int
    module_number: int
    module_title: str
    module_summary: str
    lessons: list[HandoutLesson] = field(default_factory=list)
    #: course-relative path (images/x.svg) -> picture
    pictures: dict[str, Picture] = field(default_factory=dict)
    callout_titles: dict[str, str] = field(default_factory=dict)


def printable_picture(content_type: str, data: bytes) -> Picture:
    """SVG as it is; photos re-encoded as a JPEG no wider than PRINT_PIXELS (small PDFs, white behind)."""
    if content_type == "image/svg+xml":
        return Picture(content_type, data)
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            if image.width * image.height > 40_000_000:
                return Picture(content_type, b"")
            image.load()
            rgba = image.convert("RGBA")
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return Picture(content_type, b"")
    if rgba.width > PRINT_PIXELS:
        rgba = rgba.resize((PRINT_PIXELS, max(1, round(rgba.height * PRINT_PIXELS / rgba.width))),
                           PILImage.Resampling.LANCZOS)
    flat = PILImage.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    buffer = io.BytesIO()
    flat.save(buffer, "JPEG", quality=82, optimize=True)
    return Picture("image/jpeg", buffer.getvalue())


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14.5, textColor=INK, spaceAfter=6,
                          alignment=TA_LEFT)
    heading = dict(fontName=BOLD, textColor=BRAND_DARK, keepWithNext=1)
    return {
        "body": base,
        "list_body": ParagraphStyle("list_body", parent=base, spaceAfter=2),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=17, spaceBefore=8, spaceAfter=4, **heading),
        "h3": ParagraphStyle("h3", parent=base, fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=3, **heading),
        "h4": ParagraphStyle("h4", parent=base, fontSize=10.5, leading=14, spaceBefore=4, spaceAfter=2, **heading),
        "callout_title": ParagraphStyle("callout_title", parent=base, fontName=BOLD, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12.5, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=BOLD, fontSize=9.5, leading=12.5,
                                    spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=base, fontName=ITALIC, fontSize=9, leading=12,
                                  textColor=MUTED, alignment=1, spaceAfter=2),
        "code": ParagraphStyle("code", parent=base, fontSize=9, leading=12, backColor=colors.HexColor("#eef0ea")),
        "course": ParagraphStyle("course", parent=base, fontName=BOLD, fontSize=10, leading=13,
                                 textColor=BRAND_DARK, spaceAfter=2),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=20, leading=25, spaceAfter=6),
        "summary": ParagraphStyle("summary", parent=base, fontSize=11, leading=15.5, spaceAfter=4),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, leading=12, textColor=MUTED, spaceAfter=2),
        "lesson": ParagraphStyle("lesson", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceAfter=3,
                                 textColor=INK),
        "url": ParagraphStyle("url", parent=base, fontSize=8, leading=10, textColor=MUTED, spaceAfter=0),
    }


class QrCode(Flowable):
    """A QR code of `data`, drawn by the shared canvas helper (RawatCanvas.qr_code)."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.data, self.size = data, size
        self.width = self.height = size

    def wrap(self, _available_width, _available_height):
        return self.size, self.size

    def draw(self):
        self.canv.qr_code(self.data, 0, 0, self.size)
        self.canv.linkURL(self.data, (0, 0, self.size, self.size), relative=1)


class Rule(Flowable):
    """A full-width coloured line."""

    def __init__(self, width: float, colour, thickness: float = 2):
        super().__init__()
        self.width, self.colour, self.thickness = width, colour, thickness
        self.height = thickness

    def draw(self):
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, 0, self.width, 0)


def _lesson_header(lesson: HandoutLesson, number: str, styles) -> Table:
    text = [
        Paragraph(escape(f"{number} {lesson.title}"), styles["lesson"]),
        Paragraph(escape(ngettext("About %(num)d minute of reading", "About %(num)d minutes of reading",
                                  lesson.minutes)), styles["meta"]),
        Spacer(1, 4),
        Paragraph(escape(_("Scan the code with a phone to open this lesson online:")), styles["meta"]),
        Paragraph(f'<a href="{escape(lesson.url)}">{escape(lesson.url)}</a>', styles["url"]),
    ]
    table = Table([[text, QrCode(lesson.url, QR_SIZE)]], colWidths=[FRAME_WIDTH - QR_SIZE - 6, QR_SIZE + 6])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
    ]))
    table.spaceAfter = 6
    return table


def render_handout(content: HandoutContent) -> bytes:
    """The PDF of one module's handout."""
    register_font_family()
    styles = _styles()
    buffer = io.BytesIO()
    title = _("Module %(n)d: %(title)s", n=content.module_number, title=content.module_title)
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm, bottomMargin=18 * mm,
        title=f"{title} — {content.course_title}", author="Rawat", subject=content.course_title,
        creator="Rawat", pageCompression=1,
    )
    footer_left = f"Rawat · {content.course_title}"

    def on_page(canvas, doc):
        draw_footer(canvas, left=footer_left, right=_("Page %(n)d", n=doc.page), x0=MARGIN + 6,
                    x1=PAGE_WIDTH - MARGIN - 6, line_y=13 * mm, text_y=9 * mm)

    writer = HandoutMarkdown(styles, FRAME_WIDTH, picture=content.pictures.get,
                             callout_titles=content.callout_titles, picture_label=_("Picture: %(alt)s"))
    story: list[Flowable] = [
        Paragraph(escape(content.course_title), styles["course"]),
        Paragraph(escape(title), styles["title"]),
    ]
    if content.module_summary:
        story.append(Paragraph(escape(content.module_summary), styles["summary"]))
    story.append(Paragraph(escape(" · ".join([
        _("Printable handout"),
        _("Course version %(version)d", version=content.course_version),
        ngettext("%(num)d lesson", "%(num)d lessons", len(content.lessons)),
    ])), styles["meta"]))
    story += [Spacer(1, 4), Rule(FRAME_WIDTH, BRAND), Spacer(1, 10)]
    for index, lesson in enumerate(content.lessons, start=1):
        if index > 1:
            story += [CondPageBreak(70 * mm), Spacer(1, 8), Rule(FRAME_WIDTH, colors.HexColor("#d9d4c7"), 0.8),
                      Spacer(1, 10)]
        story.append(_lesson_header(lesson, f"{content.module_number}.{index}", styles))
        story += writer.convert(lesson.body)
    document.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=RawatCanvas)
    return buffer.getvalue()
