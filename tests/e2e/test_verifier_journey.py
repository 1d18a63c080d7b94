"""Journey 3: someone with no account checks a certificate; an administrator revokes it; the check says so.

A family member finished a course and has a signed certificate. A village office (the verifier)
types its ID (first with a typo), opens the address in its QR code as a phone camera would
(pdftoppm renders the PDF, zbarimg reads the code), and uploads the PDF, then the credential file and the
badge the holder sent (Open Badges 3.0). An administrator then revokes the certificate in the admin pages,
and every way of checking reports it as revoked.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.certificates.fixtures import ZBARIMG_QR_ONLY, tool
from tests.e2e.conftest import check_accessibility
from tests.factories import DEFAULT_PASSWORD, write_course

pytestmark = pytest.mark.e2e

HOLDER = "Ni Made Sri Wahyuni"
COURSE_TITLE = "Merawat Lansia dengan Stroke"
ADMIN_PHONE = "+6281300000001"
REASON = "Peserta tidak mengikuti pelatihan sendiri."


@dataclass
class Issued:
    public_id: str
    pdf: Path
    #: the holder's downloads of the credential: its JSON, and the badge with it baked in
    credential: Path
    badge: Path


@pytest.fixture
def issued_certificate(live_server, tmp_path) -> Issued:
    """A learner who finished a course (through the real services), its certificate and PDF; an admin."""
    from sqlalchemy import select

    from lms.accounts.models import Role
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.certificates.queries import latest_certificate
    from lms.certificates.services import ensure_document
    from lms.courses.importer import import_content
    from lms.courses.models import Course, Lesson
    from lms.courses.services import mark_lesson_done
    from lms.extensions import db

    app = live_server.app
    # The QR code points at this server, so the address a phone reads can be opened here.
    app.config["VERIFICATION_BASE_URL"] = live_server.url
    folder = write_course(tmp_path / "verifier-content", "stroke-di-rumah",
                          course={"title": COURSE_TITLE, "hours": 12, "certificate_validity_months": 24},
                          modules=[{"slug": "dasar", "title": "Dasar", "lessons": [
                              {"slug": "posisi-tidur", "title": "Posisi Tidur", "body": "Ubah posisi tiap 2 jam.\n"},
                              {"slug": "latihan-gerak", "title": "Latihan Gerak", "body": "Gerakkan sendi pelan.\n"},
                          ]}])
    with app.app_context():
        import_content(folder)
        db.session.commit()
        learner = register_user(HOLDER, "phone", "+6281234500001", DEFAULT_PASSWORD, consent=ADULT_CONSENT)
        register_user("Admin Rawat", "phone", ADMIN_PHONE, DEFAULT_PASSWORD, role=Role.ADMIN, consent=ADULT_CONSENT)
        db.session.commit()
        course = db.session.scalar(select(Course).where(Course.slug == "stroke-di-rumah"))
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
            mark_lesson_done(learner.id, lesson)  # the last one completes the course and issues the certificate
        db.session.commit()
        certificate = latest_certificate(learner.id, course.id)
        assert certificate is not None
        pdf = tmp_path / f"sertifikat-{certificate.public_id}.pdf"
        pdf.write_bytes(ensure_document(certificate).data)
        from lms.credentials.badge import badge_png
        from lms.credentials.baking import bake
        from lms.credentials.services import ensure_credential

        text = ensure_credential(certificate).document
        credential = tmp_path / f"kredensial-{certificate.public_id}.json"
        credential.write_text(text, encoding="utf-8")
        badge = tmp_path / f"lencana-{certificate.public_id}.png"
        badge.write_bytes(bake(badge_png(certificate.course_title, certificate.issuer), text))
        db.session.commit()
        public_id = certificate.public_id
        db.session.remove()
    return Issued(public_id, pdf, credential, badge)


def with_one_symbol_changed(public_id: str) -> str:
    """The ID with one character of its random part replaced by another valid one (a typo)."""
    from lms.certificates.public_id import ALPHABET

    index = 10  # in the first random group: RWT-2026-XXXX-…
    other = ALPHABET[(ALPHABET.index(public_id[index]) + 5) % len(ALPHABET)]
    return public_id[:index] + other + public_id[index + 1:]


def qr_address_of(pdf: Path, folder: Path) -> str:
    """What a phone camera reads from the printed certificate: render the page, decode the QR code."""
    rendered = subprocess.run([tool("pdftoppm"), "-png", "-r", "100", "-singlefile", str(pdf), str(folder / "page")],
                              capture_output=True, timeout=60, check=False)
    assert rendered.returncode == 0, rendered.stderr
    decoded = subprocess.run([tool("zbarimg"), "--quiet", "--raw", *ZBARIMG_QR_ONLY, str(folder / "page.png")],
                             capture_output=True, timeout=60, check=False)
    assert decoded.returncode == 0, decoded.stderr
    return decoded.stdout.decode().strip()


def verdict(page) -> str:
    return page.locator("[data-status]").get_attribute("data-status")


def file_outcome(page) -> str:
    return page.locator("[data-outcome]").get_attribute("data-outcome")


def check_id(page, typed: str) -> None:
    field = page.get_by_label("Nomor sertifikat")
    field.fill("")
    field.press_sequentially(typed)
    page.get_by_role("button", name="Periksa nomor", exact=True).click()
    page.wait_for_load_state()


def upload(page, pdf: Path) -> None:
    page.get_by_label("Berkas sertifikat: PDF, lencana (PNG) atau kredensial (JSON)").set_input_files(str(pdf))
    page.get_by_role("button", name="Periksa berkas", exact=True).click()
    page.wait_for_load_state()


def facts(page) -> dict[str, str]:
    """The certificate facts shown in a result panel, as label -> value."""
    result = page.locator(".verdict .certificate-facts")
    labels = [text.strip() for text in result.locator("dt").all_inner_texts()]
    values = [text.strip() for text in result.locator("dd").all_inner_texts()]
    return dict(zip(labels, values, strict=True))


def test_a_verifier_checks_a_certificate_and_sees_it_revoked(live_server, issued_certificate, new_page, shots,
                                                             tmp_path):
    public_id = issued_certificate.public_id
    verifier = new_page()

    # No account: the menu leads to the verification page.
    verifier.goto(live_server("/"))
    verifier.get_by_role("link", name="Periksa sertifikat").click()
    assert urlsplit(verifier.url).path == "/verifikasi"
    assert verifier.locator("h1").inner_text() == "Periksa sertifikat"
    check_accessibility(verifier, "verification form")
    shots(verifier, "verification-form")

    # One wrong character: the check character catches it and the page says it is a typing error.
    typo = with_one_symbol_changed(public_id)
    check_id(verifier, typo)
    assert verdict(verifier) == "typo"
    result = verifier.locator(".verdict")
    assert result.locator("h2").inner_text() == "? Periksa kembali nomornya"
    # It says the number does not check out, without claiming how many characters are wrong.
    assert f"Nomor {typo} tidak cocok" in result.inner_text()
    assert "satu per satu huruf dan angkanya" in result.inner_text() and "ada satu huruf" not in result.inner_text()
    assert HOLDER not in verifier.content()
    check_accessibility(verifier, "typo result")
    shots(verifier, "typo")

    # Typed correctly (in small letters, as people do): valid, with the holder and the course.
    check_id(verifier, public_id.lower())
    assert verdict(verifier) == "valid"
    assert verifier.locator(".verdict h2").inner_text() == "✓ Sertifikat berlaku"
    shown = facts(verifier)
    assert shown["Nama"] == HOLDER
    assert shown["Kursus"].startswith(COURSE_TITLE)
    assert shown["Nomor sertifikat"] == public_id
    assert "+6281234500001" not in verifier.content() and "81234500001" not in verifier.content()
    check_accessibility(verifier, "valid result")
    shots(verifier, "valid")

    # The QR code printed on the certificate, read as a phone camera reads it.
    address = qr_address_of(issued_certificate.pdf, tmp_path)
    assert address.startswith(live_server(f"/verifikasi/{public_id}?k=")), address
    verifier.goto(address)
    assert verdict(verifier) == "valid"
    assert "Tanda tangan digital di kode QR cocok dengan sertifikat ini." in verifier.locator(".verdict").inner_text()
    assert facts(verifier)["Nama"] == HOLDER
    check_accessibility(verifier, "QR page")
    shots(verifier, "qr-page")

    # A QR code made by someone else (its signature does not match): a warning of its own, never the
    # green panel; what the register says about the ID is shown apart, to compare with the paper.
    forged = re.sub(r"([?&]s=)(.)", lambda m: m.group(1) + ("B" if m.group(2) == "A" else "A"), address)
    verifier.goto(forged)
    assert verdict(verifier) == "qr_mismatch"
    warning = verifier.locator(".verdict")
    assert warning.locator("h2").inner_text() == "! Kode QR ini bukan buatan Rawat"
    assert "✓" not in warning.inner_text() and "Sertifikat berlaku" not in warning.inner_text()
    assert f"Pastikan nomor yang tercetak di kertas adalah {public_id}." in warning.inner_text()
    assert warning.locator(".register-record h3").inner_text() == f"Data di daftar sertifikat untuk nomor {public_id}"
    assert facts(verifier)["Nama"] == HOLDER
    check_accessibility(verifier, "QR signature mismatch")
    shots(verifier, "qr-mismatch")

    # The PDF the holder sent: genuine. Developers find the API document through one link.
    verifier.goto(live_server("/verifikasi"))
    assert verifier.get_by_role("link", name="Untuk pembuat aplikasi: API pemeriksaan sertifikat").get_attribute(
        "href") == "/api/openapi.json"
    assert verifier.get_by_text("Untuk pengembang").count() == 0
    upload(verifier, issued_certificate.pdf)
    assert file_outcome(verifier) == "genuine"
    assert verifier.locator(".verdict h2").inner_text() == "✓ Berkas asli"
    assert facts(verifier)["Nama"] == HOLDER
    check_accessibility(verifier, "upload result")
    shots(verifier, "upload-genuine")

    # The credential file and the badge the holder sent instead: genuine, with the same facts.
    for sent in (issued_certificate.credential, issued_certificate.badge):
        upload(verifier, sent)
        assert file_outcome(verifier) == "genuine"
        assert verifier.locator(".verdict h2").inner_text() == "✓ Kredensial asli"
        assert facts(verifier)["Nama"] == HOLDER and facts(verifier)["Nomor sertifikat"] == public_id
    check_accessibility(verifier, "credential result")
    shots(verifier, "credential-genuine")

    # An administrator, in a browser of their own, revokes the certificate with a reason.
    admin = new_page()
    admin.goto(live_server("/masuk"))
    admin.get_by_label("Nomor HP atau e-mail").fill(ADMIN_PHONE)
    admin.get_by_label("Kata sandi", exact=True).fill(DEFAULT_PASSWORD)
    admin.get_by_role("button", name="Masuk", exact=True).click()
    admin.wait_for_load_state()
    admin.goto(live_server("/admin/sertifikat"))
    row = admin.locator("tbody tr", has_text=public_id)
    assert row.count() == 1 and HOLDER in row.inner_text() and "Berlaku" in row.inner_text()
    admin.get_by_label("Cari berdasarkan nomor, nama, atau kursus").fill(public_id.lower())
    admin.get_by_role("button", name="Cari", exact=True).click()
    admin.wait_for_load_state()
    assert urlsplit(admin.url).path == f"/admin/sertifikat/{public_id}"
    check_accessibility(admin, "admin certificate page")
    shots(admin, "admin-certificate")
    admin.get_by_label("Alasan mencabut").fill(REASON)
    admin.get_by_role("button", name="Cabut sertifikat").click()
    admin.wait_for_load_state()
    assert admin.get_by_role("status").filter(has_text=f"Sertifikat {public_id} sudah dicabut.").is_visible()
    assert admin.locator(".badge.bad").first.inner_text() == "Dicabut"
    assert REASON in admin.locator("table").inner_text()
    shots(admin, "admin-revoked")

    # The verifier checks again, every way: revoked, with the reason.
    verifier.goto(address)
    assert verdict(verifier) == "revoked"
    assert verifier.locator(".verdict h2").inner_text() == "✗ Sertifikat ini sudah dicabut"
    assert f"Alasan: {REASON}" in verifier.locator(".verdict").inner_text()
    check_accessibility(verifier, "revoked QR page")
    shots(verifier, "qr-page-revoked")
    verifier.reload()
    assert verdict(verifier) == "revoked"

    verifier.goto(live_server("/verifikasi"))
    check_id(verifier, public_id)
    assert verdict(verifier) == "revoked"
    assert re.search(r"Dicabut pada .+\. Alasan: " + re.escape(REASON), verifier.locator(".verdict").inner_text())
    shots(verifier, "id-revoked")

    upload(verifier, issued_certificate.pdf)
    assert file_outcome(verifier) == "revoked"
    assert verifier.locator(".verdict h2").inner_text() == "✗ Berkas asli, tetapi sertifikatnya sudah dicabut"
    assert REASON in verifier.locator(".verdict").inner_text()
    check_accessibility(verifier, "revoked upload result")
    shots(verifier, "upload-revoked")

    upload(verifier, issued_certificate.badge)
    assert file_outcome(verifier) == "revoked"
    assert verifier.locator(".verdict h2").inner_text() == "✗ Kredensial asli, tetapi sertifikatnya sudah dicabut"
    assert REASON in verifier.locator(".verdict").inner_text()
    shots(verifier, "credential-revoked")
