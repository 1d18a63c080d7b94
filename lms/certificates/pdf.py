"""The certificate as an A4 landscape PDF, drawn with reportlab.

Texts go through gettext in the learner's language (the caller wraps the call in
``flask_babel.force_locale``). Names and titles shrink to fit, then wrap onto two lines.
The fonts, colours and canvas helpers are shared with handouts (lms/pdf/canvas.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString

from ..pdf.canvas import ACCENT, BOLD, BRAND, BRAND_DARK, INK, MUTED, REGULAR, RawatCanvas, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CONTENT_WIDTH = 660


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
    # Frame: a strong outer line and a thin accent line inside it.
    c.setStrokeColor(BRAND)
    c.setLineWidth(6)
    c.rect(18, 18, w - 36, h - 36, stroke=1, fill=0)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1.2)
    c.rect(30, 30, w - 60, h - 60, stroke=1, fill=0)

    c.setFillColor(BRAND_DARK)
    size, lines = c.fitted_lines(content.issuer.upper(), BOLD, 13, 8, CONTENT_WIDTH, max_lines=1)
    c.centred_lines(lines, BOLD, size, h - 74, size)

    c.setFillColor(INK)
    c.centred_lines([_("Certificate of Completion")], BOLD, 31, h - 126, 31)
    c.setFillColor(MUTED)
    c.centred_lines([_("awarded to")], REGULAR, 13, h - 168, 13)

    # The learner's name: as large as fits, two lines at most.
    c.setFillColor(BRAND_DARK)
    size, lines = c.fitted_lines(content.holder, BOLD, 34, 15, CONTENT_WIDTH)
    name_top = h - 220 if len(lines) == 1 else h - 206
    last = c.centred_lines(lines, BOLD, size, name_top, size * 1.2)
    rule_y = last - 16
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1.5)
    c.line(w / 2 - 230, rule_y, w / 2 + 230, rule_y)

    c.setFillColor(MUTED)
    c.centred_lines([_("for successfully completing the course")], REGULAR, 13, rule_y - 30, 13)
    c.setFillColor(INK)
    size, lines = c.fitted_lines(content.course, BOLD, 20, 11, CONTENT_WIDTH)
    last = c.centred_lines(lines, BOLD, size, rule_y - 60, size * 1.25)

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
    last = c.centred_lines(lines, REGULAR, size, last - 34, size * 1.3)
    c.centred_lines([validity], BOLD, 11.5, last - 20, 11.5)

    _draw_signatory(c, content)
    _draw_verification(c, content)


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
