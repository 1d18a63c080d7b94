"""The certificate as an A4 landscape PDF, drawn with reportlab.

Texts go through gettext in the learner's language (the caller wraps the call in
``flask_babel.force_locale``). Names and titles shrink to fit, then wrap onto two lines.
A certificate with observed skills lists them under the course, in a table of two columns
(the skill; the day, the observer and their role), on the same single page: the upper part
is set tighter to make room, and the rows shrink, then give way to "… and N more" when a
course has very many. The fonts, colours and canvas helpers are shared with handouts
(lms/pdf/canvas.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..pdf.canvas import ACCENT, BOLD, BRAND, BRAND_DARK, INK, MUTED, REGULAR, RawatCanvas, register_fonts
from .models import CertifiedSkill
from .skills import observed_by

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CONTENT_WIDTH = 660
#: the lowest baseline of the skills table: below it are the signatory (and its image) and the QR code
SKILLS_BOTTOM = 168
#: the skills table runs from the signatory's left edge to the QR code's right edge
SKILLS_LEFT, SKILLS_RIGHT = 70, PAGE_WIDTH - 62
#: lines a cell of the skills table may take (the longest title, 120 characters, takes three at the smallest size)
CELL_LINES = 3
#: the hairline between the rows of the skills table
RULE = HexColor("#d9d4c7")
#: room between two rows of the skills table, for the hairline; and between its two columns
ROW_GAP, SKILLS_COLUMN_GAP = 5, 16


@dataclass(frozen=True)
class _Layout:
    """Where the upper part of the page goes: distances from the top edge, and font sizes."""

    issuer: float = 74
    title: float = 126
    title_size: float = 31
    awarded: float = 168
    name_one_line: float = 220
    name_two_lines: float = 206
    name_size: float = 34
    rule_gap: float = 16
    course_gap: float = 30
    course_size: float = 20
    details_gap: float = 34
    validity_gap: float = 20


#: without skills: the page as it always was
PLAIN = _Layout()
#: with skills: the same texts set tighter, for room under them
WITH_SKILLS = _Layout(issuer=58, title=96, title_size=26, awarded=124, name_one_line=162, name_two_lines=152,
                      name_size=30, rule_gap=12, course_gap=23, course_size=18, details_gap=25, validity_gap=17)


@dataclass
class CertificateContent:
    """Everything printed on the certificate, already as it should read."""

    public_id: str
    holder: str
    course: str
    course_version: int
    hours: int
    completed: date
    valid_until: date | None
    issuer: str
    signatory_name: str
    signatory_position: str
    verify_address: str  # printed, e.g. https://rawat.example/verifikasi
    qr_url: str  # encoded in the QR code
    signature_image: str | None = None
    #: extra Info dictionary entries (PDF names without the slash -> text)
    info: dict[str, str] | None = None
    #: the observed skills, in course order, their texts as they should print
    skills: list[CertifiedSkill] = field(default_factory=list)


class _Info(PDFInfo):
    """The document Info dictionary, with our own keys added."""

    extra: dict[str, str] = {}

    def format(self, document):
        entries = {
            "Title": PDFString(self.title), "Author": PDFString(self.author), "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords), "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
        }
        from reportlab.pdfbase.pdfdoc import PDFDate

        entries["CreationDate"] = entries["ModDate"] = PDFDate(ts=document._timeStamp,
                                                                dateFormatter=self._dateFormatter)
        for key, value in self.extra.items():
            entries[key] = PDFString(value)
        return PDFDictionary(entries).format(document)


class CertificateCanvas(RawatCanvas):
    """The shared canvas, plus lines centred on the certificate's page."""

    def centred_lines(self, lines: list[str], font: str, size: float, top: float, leading: float) -> float:
        """Draw lines centred on the page from baseline `top` down; returns the last baseline."""
        self.setFont(font, size)
        y = top
        for index, line in enumerate(lines):
            y = top - index * leading
            self.drawCentredString(PAGE_WIDTH / 2, y, line)
        return y


def render_certificate(content: CertificateContent) -> bytes:
    """The unsigned PDF of one certificate."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = CertificateCanvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    info = _Info()
    info.extra = dict(content.info or {})
    canvas._doc.info = info
    canvas.setTitle(_("Certificate %(id)s", id=content.public_id))
    canvas.setAuthor(content.issuer)
    canvas.setSubject(content.course)
    canvas.setKeywords(content.public_id)
    canvas.setCreator("Rawat")
    _draw(canvas, content)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw(c: CertificateCanvas, content: CertificateContent) -> None:
    w, h = PAGE_WIDTH, PAGE_HEIGHT
    at = WITH_SKILLS if content.skills else PLAIN
    # Frame: a strong outer line and a thin accent line inside it.
    c.setStrokeColor(BRAND)
    c.setLineWidth(6)
    c.rect(18, 18, w - 36, h - 36, stroke=1, fill=0)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1.2)
    c.rect(30, 30, w - 60, h - 60, stroke=1, fill=0)

    c.setFillColor(BRAND_DARK)
    size, lines = c.fitted_lines(content.issuer.upper(), BOLD, 13, 8, CONTENT_WIDTH, max_lines=1)
    c.centred_lines(lines, BOLD, size, h - at.issuer, size)

    c.setFillColor(INK)
    c.centred_lines([_("Certificate of Completion")], BOLD, at.title_size, h - at.title, at.title_size)
    c.setFillColor(MUTED)
    c.centred_lines([_("awarded to")], REGULAR, 13, h - at.awarded, 13)

    # The learner's name: as large as fits, two lines at most.
    c.setFillColor(BRAND_DARK)
    size, lines = c.fitted_lines(content.holder, BOLD, at.name_size, 15, CONTENT_WIDTH)
    name_top = h - at.name_one_line if len(lines) == 1 else h - at.name_two_lines
    last = c.centred_lines(lines, BOLD, size, name_top, size * 1.2)
    rule_y = last - at.rule_gap
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1.5)
    c.line(w / 2 - 230, rule_y, w / 2 + 230, rule_y)

    c.setFillColor(MUTED)
    c.centred_lines([_("for successfully completing the course")], REGULAR, 13, rule_y - at.course_gap, 13)
    c.setFillColor(INK)
    size, lines = c.fitted_lines(content.course, BOLD, at.course_size, 11, CONTENT_WIDTH)
    last = c.centred_lines(lines, BOLD, size, rule_y - 2 * at.course_gap, size * 1.25)

    details = " · ".join([
        ngettext("%(num)d hour of study (JP)", "%(num)d hours of study (JP)", content.hours),
        _("Course version %(version)d", version=content.course_version),
        _("Completed on %(date)s", date=format_date(content.completed, "long")),
    ])
    if content.valid_until:
        validity = _("Valid until %(date)s", date=format_date(content.valid_until, "long"))
    else:
        validity = _("Valid without an expiry date")
    c.setFillColor(INK)
    size, lines = c.fitted_lines(details, REGULAR, 11.5, 8, CONTENT_WIDTH)
    last = c.centred_lines(lines, REGULAR, size, last - at.details_gap, size * 1.3)
    validity_y = last - at.validity_gap
    c.centred_lines([validity], BOLD, 11.5, validity_y, 11.5)

    if content.skills:
        _draw_skills(c, content.skills, validity_y - 24)
    _draw_signatory(c, content)
    _draw_verification(c, content)


def _cell_lines(c: CertificateCanvas, text: str, font: str, size: float, width: float) -> list[str]:
    """`text` wrapped in `width`, CELL_LINES lines at most; a longer one ends in "…" (the verification page has
    it all)."""
    lines = c.wrap(text, font, size, width)
    if len(lines) <= CELL_LINES:
        return lines
    last = " ".join(lines[CELL_LINES - 1:])
    while last and stringWidth(last + " …", font, size) > width:
        last = last[:-1]
    return [*lines[:CELL_LINES - 1], last.rstrip() + " …"]


def _skill_detail(skill: CertifiedSkill) -> str:
    """"3 December 2026 · Ani Wulandari (care manager) · confirmed on paper · competency unit …"."""
    parts = [format_date(skill.observed, "long"), observed_by(skill.observer, skill.observer_role)]
    if skill.confirmed_on_paper:
        parts.append(_("confirmed on paper"))
    if skill.competency_unit:
        parts.append(_("competency unit %(code)s", code=skill.competency_unit))
    return " · ".join(parts)


@dataclass
class _SkillRows:
    """The skills table as it fits: one font size, the title column's width, each row's lines."""

    size: float
    title_width: float
    #: (title lines, detail lines) of the rows that are drawn
    rows: list[tuple[list[str], list[str]]]
    #: skills left out for want of room (then a line says how many)
    more: int = 0

    @property
    def leading(self) -> float:
        return self.size * 1.25

    def height(self, row: tuple[list[str], list[str]]) -> float:
        return max(len(row[0]), len(row[1])) * self.leading + ROW_GAP


def _fit_skill_rows(c: CertificateCanvas, skills: list[CertifiedSkill], room: float) -> _SkillRows:
    """The largest size at which every row fits in `room` points; at the smallest, as many rows as fit.

    The title column is as wide as the longest title needs, between 35 and 55 % of the table: the
    details (day, observer, role) take the rest.
    """
    width = SKILLS_RIGHT - SKILLS_LEFT
    texts = [(skill.title, _skill_detail(skill)) for skill in skills]
    for size in (9.5, 9, 8.5, 8, 7.5, 7):
        widest = max(stringWidth(title, BOLD, size) for title, _detail in texts) + 2
        title_width = min(max(widest, width * 0.35), width * 0.55)
        detail_width = width - title_width - SKILLS_COLUMN_GAP
        fitted = _SkillRows(size, title_width, [
            (_cell_lines(c, title, BOLD, size, title_width), _cell_lines(c, detail, REGULAR, size, detail_width))
            for title, detail in texts])
        if sum(fitted.height(row) for row in fitted.rows) - ROW_GAP <= room:
            return fitted
    # Very many skills: the rows that fit above a line saying how many more there are.
    while fitted.rows and sum(fitted.height(row) for row in fitted.rows) + fitted.leading > room:
        fitted.rows.pop()
        fitted.more += 1
    return fitted


def _draw_skills(c: CertificateCanvas, skills: list[CertifiedSkill], top: float) -> None:
    """The "Observed skills" table from baseline `top` down to SKILLS_BOTTOM at most."""
    left = SKILLS_LEFT
    heading = _("Observed skills")
    c.setFillColor(BRAND_DARK)
    c.setFont(BOLD, 10.5)
    c.drawString(left, top, heading)
    note = _("seen done competently, and confirmed by the holder")
    note_x = left + stringWidth(heading, BOLD, 10.5) + 8
    c.setFillColor(MUTED)
    c.setFont(REGULAR, c.fit_font_size(note, REGULAR, 8.5, 6, SKILLS_RIGHT - note_x))
    c.drawString(note_x, top, note)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.8)
    c.line(left, top - 5, SKILLS_RIGHT, top - 5)

    y = top - 18
    fitted = _fit_skill_rows(c, skills, y - SKILLS_BOTTOM)
    size, leading = fitted.size, fitted.leading
    detail_x = left + fitted.title_width + SKILLS_COLUMN_GAP
    for index, (title_lines, detail_lines) in enumerate(fitted.rows):
        if index:
            c.setStrokeColor(RULE)
            c.setLineWidth(0.4)
            rule_y = y + size * 0.875 + ROW_GAP / 2  # halfway between the rows' letters
            c.line(left, rule_y, SKILLS_RIGHT, rule_y)
        c.setFillColor(INK)
        c.setFont(BOLD, size)
        for number, line in enumerate(title_lines):
            c.drawString(left, y - number * leading, line)
        c.setFillColor(MUTED)
        c.setFont(REGULAR, size)
        for number, line in enumerate(detail_lines):
            c.drawString(detail_x, y - number * leading, line)
        y -= fitted.height((title_lines, detail_lines))
    if fitted.more:
        c.setFillColor(MUTED)
        c.setFont(REGULAR, size)
        c.drawString(left, y, ngettext("… and %(num)d more observed skill: see the verification page",
                                       "… and %(num)d more observed skills: see the verification page", fitted.more))


def _draw_signatory(c: CertificateCanvas, content: CertificateContent) -> None:
    left, width, line_y = 70, 250, 108
    if content.signature_image:
        try:
            image = ImageReader(content.signature_image)
            c.drawImage(image, left, line_y + 4, width=width * 0.7, height=48, preserveAspectRatio=True,
                        anchor="sw", mask="auto")
        except OSError:
            pass  # a missing image must not stop certificates; the name and position still print
    c.setStrokeColor(MUTED)
    c.setLineWidth(0.8)
    c.line(left, line_y, left + width, line_y)
    c.setFillColor(INK)
    size = c.fit_font_size(content.signatory_name, BOLD, 12, 7, width)
    c.setFont(BOLD, size)
    c.drawString(left, line_y - 16, content.signatory_name)
    c.setFillColor(MUTED)
    for index, text in enumerate((content.signatory_position, content.issuer)):
        size = c.fit_font_size(text, REGULAR, 10, 6, width)
        c.setFont(REGULAR, size)
        c.drawString(left, line_y - 31 - index * 13, text)


def _draw_verification(c: CertificateCanvas, content: CertificateContent) -> None:
    qr_size = 112
    qr_x, qr_y = PAGE_WIDTH - 62 - qr_size, 50
    c.qr_code(content.qr_url, qr_x, qr_y, qr_size)
    right = qr_x - 10
    c.setFillColor(MUTED)
    c.setFont(REGULAR, 9)
    c.drawRightString(right, 140, _("Certificate ID"))
    c.setFillColor(INK)
    c.setFont(BOLD, 15)
    c.drawRightString(right, 122, content.public_id)
    c.setFillColor(MUTED)
    c.setFont(REGULAR, 9)
    c.drawRightString(right, 100, _("Check that it is genuine at"))
    size = c.fit_font_size(content.verify_address, BOLD, 10, 6, 280)
    c.setFillColor(BRAND_DARK)
    c.setFont(BOLD, size)
    c.drawRightString(right, 87, content.verify_address)
    c.setFillColor(MUTED)
    c.setFont(REGULAR, 9)
    c.drawRightString(right, 74, _("or scan the QR code."))
