"""A skill's observation sheet: one printable A4 page (portrait) a care manager fills in with a pen.

For home visits without a phone: the course and the skill, why it matters, on whom it is shown,
the checklist in order with its critical steps marked in words and three boxes per step (done,
not done, not seen), then the result with the rule that decides it, the date, the place, a note
and the two signatures. Fonts, colours and the canvas are those of certificates and handouts
(lms/pdf/canvas.py), so it prints the same letters. Texts around the skill are in the reader's
language (the caller's locale); the skill is as written.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from flask_babel import pgettext
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..pdf.canvas import (
    BOLD,
    BRAND_DARK,
    INK,
    MUTED,
    REGULAR,
    RawatCanvas,
    draw_footer,
    register_font_family,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
#: the text width: the page less its margins and the frame's own 6 pt padding on each side
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12
#: a box big enough to tick with a ballpoint pen
BOX = 5 * mm
#: light enough to print grey on a black-and-white printer; the word "critical" says it anyway
CRITICAL_TINT = HexColor("#fbefd2")
GRID = HexColor("#9aa5a9")


@dataclass
class SheetStep:
    text: str
    critical: bool = False


@dataclass
class SheetContent:
    """Everything an observation sheet prints, as plain data (no database rows)."""

    course_title: str
    course_version: int
    #: "required" or "optional" (a course with skills never says "none")
    practice: str
    module_number: int
    module_title: str
    skill_title: str
    why: str
    #: "person" or "doll"
    performed_on: str
    competency_unit: str = ""
    steps: list[SheetStep] = field(default_factory=list)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13.5, textColor=INK, spaceAfter=4)
    return {
        "body": base,
        "course": ParagraphStyle("course", parent=base, fontName=BOLD, fontSize=9.5, leading=12.5,
                                 textColor=BRAND_DARK, spaceAfter=1),
        "kicker": ParagraphStyle("kicker", parent=base, fontSize=9, leading=12, textColor=MUTED, spaceAfter=1),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=17, leading=21, spaceAfter=5),
        "heading": ParagraphStyle("heading", parent=base, fontName=BOLD, fontSize=11.5, leading=15,
                                  textColor=BRAND_DARK, spaceBefore=4, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD, fontSize=8, leading=10, spaceAfter=0,
                                    alignment=1),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8, leading=10, spaceAfter=0,
                               alignment=1),
        "head_left": ParagraphStyle("head_left", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5,
                                    spaceAfter=0),
        "hint": ParagraphStyle("hint", parent=base, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=2),
        "rule": ParagraphStyle("rule", parent=base, fontSize=9, leading=12, spaceAfter=2),
        "label": ParagraphStyle("label", parent=base, fontSize=9.5, leading=12, spaceAfter=0),
    }


class TickBox(Flowable):
    """An empty square to tick with a pen."""

    def __init__(self, size: float = BOX):
        super().__init__()
        self.width = self.height = size

    def wrap(self, _available_width, _available_height):
        return self.width, self.height

    def draw(self):
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.9)
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


def _plain(*cells_style: tuple) -> TableStyle:
    """A table without padding or lines, plus the given commands."""
    return TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0), *cells_style,
    ])


def _choices(labels: list[str], styles, width: float = FRAME_WIDTH, blank_after_last: float = 0) -> Table:
    """Tick boxes with their labels on one line, wrapping onto more lines when they do not fit."""
    gap, after_box = 5 * mm, 2 * mm
    widths = [pdfmetrics.stringWidth(label, REGULAR, 9.5) + 1 for label in labels]
    if blank_after_last:
        widths[-1] += blank_after_last
    rows, row, used = [], [], 0.0
    for label, label_width in zip(labels, widths, strict=True):
        needed = BOX + after_box + label_width + gap
        if row and used + needed > width:
            rows.append(row)
            row, used = [], 0.0
        row.append((label, label_width))
        used += needed
    rows.append(row)
    cells = []
    for items in rows:
        inner, inner_widths = [], []
        for label, label_width in items:
            text = Paragraph(escape(label), styles["label"])
            if blank_after_last and label == labels[-1]:
                text = Table([[text, ""]], colWidths=[label_width - blank_after_last, blank_after_last],
                             style=_plain(("LINEBELOW", (1, 0), (1, 0), 0.6, INK)))
            inner.append(Table([[TickBox(), text]], colWidths=[BOX + after_box, label_width + gap], style=_plain()))
            inner_widths.append(BOX + after_box + label_width + gap)
        cells.append([Table([inner], colWidths=inner_widths, hAlign="LEFT", style=_plain())])
    return Table(cells, colWidths=[width], hAlign="LEFT", style=_plain(("BOTTOMPADDING", (0, 0), (-1, -1), 4)))


def _write_line(label: str, styles, width: float, line_width: float | None = None) -> Table:
    """A label and a line to write on."""
    label_width = pdfmetrics.stringWidth(label, REGULAR, 9.5) + 4
    line = line_width or width - label_width
    return Table([[Paragraph(escape(label), styles["label"]), ""]], colWidths=[label_width, line], hAlign="LEFT",
                 style=_plain(("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LINEBELOW", (1, 0), (1, 0), 0.6, INK)))


def _blank_line() -> Table:
    """A full-width line to write on."""
    return Table([[""]], colWidths=[FRAME_WIDTH], hAlign="LEFT", style=_plain(("LINEBELOW", (0, 0), (0, 0), 0.6, INK)))


def _steps_table(content: SheetContent, styles) -> Table:
    number_w, critical_w, tick_w = 8 * mm, 19 * mm, 20 * mm
    step_w = FRAME_WIDTH - number_w - critical_w - 3 * tick_w
    # "Done" alone is already "Selesai" (a finished lesson): an observed step needs a word of its own
    ticks = [pgettext("observed step", "Done"), pgettext("observed step", "Not done"),
             pgettext("observed step", "Not seen")]
    head = [Paragraph(escape(_("No.")), styles["head"]), Paragraph(escape(_("Step")), styles["head_left"]),
            Paragraph(escape(_("Critical")), styles["head"]),
            *(Paragraph(escape(label), styles["head"]) for label in ticks)]
    rows = [head]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e6efe9")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (2, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, step in enumerate(content.steps, start=1):
        critical = Paragraph(escape(_("CRITICAL")), styles["cell_bold"]) if step.critical else ""
        rows.append([Paragraph(str(index), styles["cell"]), Paragraph(escape(step.text), styles["cell"]), critical,
                     TickBox(), TickBox(), TickBox()])
        if step.critical:
            commands.append(("BACKGROUND", (0, index), (2, index), CRITICAL_TINT))
    return Table(rows, colWidths=[number_w, step_w, critical_w, tick_w, tick_w, tick_w], repeatRows=1,
                 hAlign="LEFT", style=TableStyle(commands))


def _signatures(styles) -> Table:
    column = (FRAME_WIDTH - 10 * mm) / 2

    def block(who: str) -> list:
        return [Spacer(1, 13 * mm), Table([[""]], colWidths=[column], style=_plain(("LINEABOVE", (0, 0), (-1, -1),
                                                                                   0.8, INK))),
                Paragraph(escape(who), styles["label"]), Spacer(1, 5 * mm),
                _write_line(_("Name:"), styles, column)]

    return Table([[block(_("Signature of the care manager (pendamping)")),
                   block(_("Signature of the learner (family member)"))]],
                 colWidths=[column + 10 * mm, column], hAlign="LEFT",
                 style=_plain(("VALIGN", (0, 0), (-1, -1), "TOP")))


def _header(content: SheetContent, styles) -> list[Flowable]:
    module = _("Module %(n)d: %(title)s", n=content.module_number, title=content.module_title)
    why = _("Why it matters:")
    facts = []
    if content.performed_on == "doll":
        facts.append(_("Shown on a doll or a pillow, never practised on a person."))
    else:
        facts.append(_("Shown on the person being cared for, with their consent."))
    if content.practice == "required":
        facts.append(_("Required for the certificate."))
    else:
        facts.append(_("Optional: not needed for the certificate."))
    if content.competency_unit:
        facts.append(_("Competency unit: %(unit)s", unit=content.competency_unit))
    return [
        Paragraph(escape(f"{content.course_title} · {module}"), styles["course"]),
        Paragraph(escape(_("Practice observation sheet")), styles["kicker"]),
        Paragraph(escape(content.skill_title), styles["title"]),
        Paragraph(f"<b>{escape(why)}</b> {escape(content.why)}", styles["body"]),
        Paragraph(escape(" ".join(facts)), styles["body"]),
        Spacer(1, 2),
        Paragraph(escape(_("Watch the learner perform the skill from start to end. For each step, tick one box: "
                           "done, not done, or not seen.")), styles["hint"]),
    ]


def _result(styles) -> list[Flowable]:
    rule = _("Competent only when every critical step was done.")
    otherwise = _("A critical step not done or not seen means not yet competent: practise it and observe again.")
    return [
        Paragraph(escape(_("Result")), styles["heading"]),
        _choices([_("Competent"), _("Not yet competent")], styles),
        Paragraph(f"<b>{escape(rule)}</b> {escape(otherwise)}", styles["rule"]),
        Spacer(1, 4),
        _write_line(_("Date:"), styles, FRAME_WIDTH, 55 * mm),
        Spacer(1, 6),
        Paragraph(escape(_("Place:")), styles["label"]),
        Spacer(1, 3),
        _choices([_("Home visit"), _("Posyandu"), _("Sentra"), _("Other:")], styles, blank_after_last=40 * mm),
        Spacer(1, 4),
        _write_line(_("Note:"), styles, FRAME_WIDTH),
        Spacer(1, 7 * mm),
        _blank_line(),
        Spacer(1, 7 * mm),
        _blank_line(),
        Spacer(1, 6),
        Paragraph(escape(_("The learner signs to confirm that this observation took place.")), styles["hint"]),
        _signatures(styles),
    ]


def render_sheet(content: SheetContent) -> bytes:
    """The PDF of one skill's observation sheet (one A4 page for up to 15 short steps)."""
    register_font_family()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=13 * mm, bottomMargin=16 * mm,
        title=f"{content.skill_title} — {content.course_title}", author="Rawat", subject=content.course_title,
        creator="Rawat", pageCompression=1,
    )
    # the skill too: a second page (a long checklist) still says what it belongs to
    footer = " · ".join(["Rawat", content.skill_title, content.course_title,
                         _("Course version %(version)d", version=content.course_version)])

    def on_page(canvas, doc):
        draw_footer(canvas, left=footer, right=_("Page %(n)d", n=doc.page), x0=MARGIN + 6,
                    x1=PAGE_WIDTH - MARGIN - 6, line_y=11 * mm, text_y=7 * mm)

    story = _header(content, styles) + [_steps_table(content, styles), Spacer(1, 4)]
    story.append(KeepTogether(_result(styles)))
    document.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=RawatCanvas)
    return buffer.getvalue()
