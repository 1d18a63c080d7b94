"""The signed PDF: PAdES valid against our issuer CA, checked by pyHanko and by poppler; QR and texts."""
from __future__ import annotations

import io
import re

import pytest

from lms.certificates.keys import load_keyring
from lms.certificates.signing import PDF_ID_KEY
from lms.certificates.urls import qr_url
from lms.extensions import db
from tests.certificates.fixtures import ZBARIMG_QR_ONLY, flip_byte_in_signed_range, run_tool, tool

LONG_NAME = "Ni Luh Putu Ayu Kadek Wulandari Sÿlviá O'Brien-Đặng"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    result = run_tool(tool("pdftotext"), "-layout", str(path), "-")
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.decode("utf-8").split())


def test_pdf_validates_with_pyhanko_against_the_issuer_ca(issued_pdf):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    certificate, pdf = issued_pdf()
    keyring = load_keyring()
    root = keyring.trust_roots[0]
    assert root.extensions.get_extension_for_class(__import__("cryptography").x509.BasicConstraints).value.ca
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.sha256.hex() == keyring.current.x509_sha256
    assert str(reader.trailer["/Info"][PDF_ID_KEY]) == certificate.public_id
    assert str(reader.trailer["/Info"]["/Keywords"]) == certificate.public_id


def test_pdf_is_a4_landscape_and_stored_once(issued_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from lms.certificates.services import ensure_document

    certificate, pdf = issued_pdf()
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    width, height = (float(page["/MediaBox"][i]) for i in (2, 3))
    assert (round(width), round(height)) == (842, 595)
    again = ensure_document(certificate)
    assert again.data == pdf  # the same bytes every time, never re-signed


def test_poppler_pdfsig_says_valid_and_total_document_signed(issued_pdf, tmp_path):
    _certificate, pdf = issued_pdf()
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    result = run_tool(tool("pdfsig"), str(path))
    out = result.stdout.decode() + result.stderr.decode()
    assert "Signature is Valid." in out and "Total document signed" in out, out
    assert "ETSI.CAdES.detached" in out


def test_poppler_pdfsig_reports_a_digest_mismatch_after_one_flipped_byte(issued_pdf, tmp_path):
    _certificate, pdf = issued_pdf()
    path = tmp_path / "c.pdf"
    path.write_bytes(flip_byte_in_signed_range(pdf))
    result = run_tool(tool("pdfsig"), str(path))
    out = result.stdout.decode() + result.stderr.decode()
    assert "Digest Mismatch" in out and "Signature is Valid." not in out, out


def test_zbarimg_reads_the_qr_code_as_the_verification_address(issued_pdf, tmp_path):
    certificate, pdf = issued_pdf()
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    rendered = run_tool(tool("pdftoppm"), "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "page"))
    assert rendered.returncode == 0, rendered.stderr
    result = run_tool(tool("zbarimg"), "--quiet", "--raw", *ZBARIMG_QR_ONLY, str(tmp_path / "page.png"))
    decoded = result.stdout.decode().strip()
    assert decoded == qr_url(certificate)
    assert decoded.startswith("http://127.0.0.1:5000/verifikasi/" + certificate.public_id + "?k=")


def test_indonesian_is_the_default_and_dates_follow_the_learner_language(issued_pdf, make_user, tmp_path):
    certificate_id, pdf_id = issued_pdf(user=make_user(locale=None))
    certificate_en, pdf_en = issued_pdf(user=make_user(locale="en"), slug="kursus-dua")
    text_id, text_en = pdf_text(pdf_id, tmp_path), pdf_text(pdf_en, tmp_path)
    months_id = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                 "November", "Desember")
    completed = certificate_id.completed_on
    assert f"{completed.day} {months_id[completed.month - 1]} {completed.year}" in text_id
    assert "jam pelajaran (JP)" in text_id
    from babel.dates import format_date

    assert format_date(certificate_en.completed_on, "long", locale="en") in text_en
    assert "hours of study (JP)" in text_en
    for text, certificate in ((text_id, certificate_id), (text_en, certificate_en)):
        assert certificate.public_id in text and "Perawatan Dasar Lansia" in text
        assert "/verifikasi" in text


def test_long_names_with_accents_fit_and_render(issued_pdf, make_user, tmp_path):
    very_long = "Raden Ayu Siti Nurhaliza Kusumawardhani binti Haji Muhammad " + LONG_NAME
    assert len(very_long) <= 120  # the longest name an account can have
    for index, name in enumerate((LONG_NAME, very_long)):
        _certificate, pdf = issued_pdf(user=make_user(full_name=name), slug=f"kursus-{index}")
        text = pdf_text(pdf, tmp_path)
        assert all(word in text for word in name.split()), text
        path = tmp_path / "c.pdf"
        path.write_bytes(pdf)
        fonts = run_tool(tool("pdffonts"), str(path)).stdout.decode()
        assert "DejaVuSans" in fonts or "RawatSans" in fonts
        assert re.search(r"TrueType.*yes\s+yes", fonts), fonts  # embedded, as a subset


def test_a_configured_signature_image_is_drawn(app, issued_pdf, tmp_path):
    from PIL import Image, ImageDraw

    image = tmp_path / "ttd.png"
    picture = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(picture).line([(10, 80), (120, 20), (200, 70), (290, 30)], fill=(20, 40, 120, 255), width=6)
    picture.save(image)
    app.config["CERTIFICATE_SIGNATURE_IMAGE"] = str(image)
    try:
        _certificate, pdf = issued_pdf()
    finally:
        app.config["CERTIFICATE_SIGNATURE_IMAGE"] = None
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    images = run_tool(tool("pdfimages"), "-list", str(path)).stdout.decode()
    assert len(images.strip().splitlines()) >= 3, images  # header, rule, one image (with its mask)


@pytest.mark.parametrize("missing", ["/nonexistent/ttd.png"])
def test_a_missing_signature_image_does_not_stop_certificates(app, issued_pdf, missing):
    app.config["CERTIFICATE_SIGNATURE_IMAGE"] = missing
    try:
        _certificate, pdf = issued_pdf()
    finally:
        app.config["CERTIFICATE_SIGNATURE_IMAGE"] = None
    assert pdf.startswith(b"%PDF")
    db.session.rollback()


def test_signing_and_checking_work_while_an_event_loop_runs(issued_pdf):
    """pyHanko's sync API uses asyncio.run(); an async server or a browser test may have a loop running."""
    import asyncio

    from lms.certificates.keys import load_keyring
    from lms.certificates.signing import inspect_pdf

    async def inside_a_loop():
        certificate, pdf = issued_pdf()
        return inspect_pdf(load_keyring(), pdf)

    inspection = asyncio.run(inside_a_loop())
    assert inspection.intact and inspection.kid is not None and inspection.covers_whole_file
