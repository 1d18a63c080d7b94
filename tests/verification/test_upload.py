"""Checking the PDF file itself: genuine, altered, not ours, revoked; size and type limits."""
from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale

from lms.certificates.pdf import render_certificate
from lms.certificates.services import certificate_content, revoke
from lms.extensions import db
from tests.certificates.fixtures import flip_byte_in_signed_range, signed_by_stranger, years_ago
from tests.conftest import csrf_token_from


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def upload(client, data: bytes, filename="sertifikat.pdf", content_type="application/pdf", token=True):
    payload = {"document": (io.BytesIO(data), filename, content_type)}
    if token:
        payload["csrf_token"] = csrf_token_from(client.get("/verifikasi").get_data(as_text=True))
    return client.post("/verifikasi/pdf", data=payload, content_type="multipart/form-data")


def outcome_of(response) -> str:
    match = re.search(r'data-outcome="([a-z_]+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_the_issued_file_is_genuine(client, issued_pdf, make_user):
    certificate, pdf = issued_pdf(user=make_user(full_name="Siti Aminah", email="siti@contoh.id"))
    response = upload(client, pdf)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and outcome_of(response) == "genuine"
    assert "Genuine file" in html and "Siti Aminah" in html and certificate.public_id in html
    assert "siti@contoh.id" not in html


def test_one_flipped_byte_inside_the_signed_range_is_altered(client, issued_pdf):
    certificate, pdf = issued_pdf()
    response = upload(client, flip_byte_in_signed_range(pdf))
    assert outcome_of(response) == "altered" and "This file was altered" in response.get_data(as_text=True)
    assert certificate.public_id in response.get_data(as_text=True)


def test_bytes_appended_after_signing_are_altered(client, issued_pdf):
    _certificate, pdf = issued_pdf()
    assert outcome_of(upload(client, pdf + b"\n% appended\n")) == "altered"


def test_an_incremental_update_after_signing_is_altered(client, issued_pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _certificate, pdf = issued_pdf()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Sertifikat palsu")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    assert outcome_of(upload(client, out.getvalue())) == "altered"


def test_a_pdf_signed_with_another_key_is_not_ours(client, issued_pdf):
    certificate, _pdf = issued_pdf()
    with force_locale("id"):
        unsigned = render_certificate(certificate_content(certificate))
    forged = signed_by_stranger(unsigned)
    response = upload(client, forged)
    assert outcome_of(response) == "not_ours" and "Not a Rawat certificate file" in response.get_data(as_text=True)
    assert outcome_of(upload(client, unsigned)) == "not_ours"  # same look, no signature


def test_a_genuine_file_of_a_revoked_certificate(client, issued_pdf):
    certificate, pdf = issued_pdf()
    revoke(certificate, "Peserta tidak mengikuti pelatihan.")
    db.session.commit()
    response = upload(client, pdf)
    html = response.get_data(as_text=True)
    assert outcome_of(response) == "revoked" and "Peserta tidak mengikuti pelatihan." in html


def test_a_genuine_file_of_an_expired_certificate(client, issued_pdf):
    _certificate, pdf = issued_pdf(completed_at=years_ago(3))
    response = upload(client, pdf)
    assert outcome_of(response) == "genuine" and "has expired" in response.get_data(as_text=True)


def test_a_file_that_is_not_a_pdf_is_refused_clearly(client):
    response = upload(client, b"\x89PNG\r\n\x1a\n not a pdf", filename="foto.png", content_type="image/png")
    assert response.status_code == 400
    assert "This file is not a PDF" in response.get_data(as_text=True)


def test_a_damaged_pdf_is_not_ours(client):
    response = upload(client, b"%PDF-1.7\n garbage without structure\n%%EOF\n")
    assert response.status_code == 200 and outcome_of(response) == "not_ours"


def test_no_file_chosen(client):
    response = upload(client, b"", filename="")
    assert response.status_code == 400 and "Choose the certificate" in response.get_data(as_text=True)


def test_too_large_files_get_a_friendly_413(app, client):
    app.config["VERIFICATION_UPLOAD_MAX_BYTES"] = 200 * 1024
    try:
        big = b"%PDF-1.7\n" + b"0" * (400 * 1024)
        response = upload(client, big)
        slightly = upload(client, b"%PDF-1.7\n" + b"0" * (210 * 1024))  # over the limit, under the slack
    finally:
        app.config["VERIFICATION_UPLOAD_MAX_BYTES"] = 5 * 1024 * 1024
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file is too large" in html and "200 KB" in html and "Verify a certificate" in html
    assert slightly.status_code == 413


def test_the_upload_needs_its_csrf_token(client, issued_pdf):
    _certificate, pdf = issued_pdf()
    response = upload(client, pdf, token=False)
    assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
