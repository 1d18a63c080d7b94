"""After the holder's account is erased, every way of checking a certificate answers as promised: kept ones with
only the name, course and dates; withdrawn ones with "withdrawn at the holder's request" and no name, and the
status list marks them."""
from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

import pytest

from lms.certificates.models import Certificate, CertificateDocument
from lms.certificates.urls import qr_url
from lms.credentials.models import CertificateCredential
from lms.credentials.status_list import bit_is_set, decode
from lms.extensions import db
from tests.conftest import csrf_token_from

NAME, PHONE, EMAIL = "Ratna Dewi Lestari", "+6281299887766", "ratna@contoh.id"


@pytest.fixture
def holder(make_user, issued_pdf):
    """A learner with a certificate, its signed PDF and its credential file, as she downloaded them."""
    user = make_user(full_name=NAME, email=EMAIL)
    user.phone = PHONE
    db.session.commit()
    certificate, pdf = issued_pdf(user=user)
    credential = db.session.get(CertificateCredential, certificate.id)
    return user, certificate.public_id, pdf, credential.document.encode()


def certificate_of(public_id: str) -> Certificate:
    return db.session.scalar(db.select(Certificate).where(Certificate.public_id == public_id))


def check_id(client, public_id: str) -> str:
    token = csrf_token_from(client.get("/verifikasi").get_data(as_text=True))
    return client.post("/verifikasi", data={"csrf_token": token, "certificate_id": public_id}).get_data(as_text=True)


def upload(client, data: bytes, filename: str, content_type: str) -> str:
    token = csrf_token_from(client.get("/verifikasi").get_data(as_text=True))
    response = client.post("/verifikasi/berkas", content_type="multipart/form-data",
                           data={"csrf_token": token, "document": (io.BytesIO(data), filename, content_type)})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def status_of(html: str) -> str:
    match = re.search(r'data-(?:status|outcome)="([a-z_]+)"', html)
    return match.group(1) if match else ""


def no_personal_data(text: str) -> None:
    for secret in (PHONE, PHONE[3:], EMAIL):
        assert secret not in text


def status_bit(client, public_id: str) -> bool:
    stored = db.session.get(CertificateCredential, certificate_of(public_id).id)
    listing = client.get(f"/api/v1/credentials/status/{stored.status_list}").get_json()
    return bit_is_set(decode(listing["credentialSubject"]["encodedList"]), stored.status_index)


def test_kept_certificates_answer_with_the_name_course_and_dates_only(client, holder, erase):
    user, public_id, pdf, credential_file = holder
    client.set_cookie("lang", "en")
    erase(user, "keep")
    certificate = certificate_of(public_id)

    page = check_id(client, public_id)
    assert status_of(page) == "valid" and NAME in page and "Perawatan Dasar Lansia" in page
    no_personal_data(page)

    api = client.get(f"/api/v1/certificates/{public_id}").get_json()
    assert api["status"] == "valid" and api["certificate"]["holder"] == NAME
    assert api["certificate"]["course"] == "Perawatan Dasar Lansia" and api["certificate"]["completed"]
    no_personal_data(json.dumps(api))

    parts = urlsplit(qr_url(certificate))
    qr = client.get(f"{parts.path}?{parts.query}").get_data(as_text=True)
    assert status_of(qr) == "valid" and NAME in qr and "The QR code's digital signature matches" in qr

    from_pdf = upload(client, pdf, "sertifikat.pdf", "application/pdf")
    assert status_of(from_pdf) == "genuine" and NAME in from_pdf
    from_credential = upload(client, credential_file, "kredensial.json", "application/json")
    assert status_of(from_credential) == "genuine" and NAME in from_credential
    checked = client.post("/api/v1/credentials/verify", data=credential_file, content_type="application/json")
    assert checked.get_json()["outcome"] == "genuine" and checked.get_json()["certificate"]["holder"] == NAME
    assert not status_bit(client, public_id)

    # Rawat's own copy of the credential no longer holds her phone's salted hash; the PDF is the certificate itself.
    stored = db.session.get(CertificateCredential, certificate.id).document
    assert "identityHash" not in stored and NAME not in stored
    assert db.session.get(CertificateDocument, certificate.id) is not None


def test_withdrawn_certificates_say_so_without_a_name_everywhere(client, holder, erase):
    user, public_id, pdf, credential_file = holder
    client.set_cookie("lang", "en")
    erase(user, "withdraw")
    certificate = certificate_of(public_id)
    assert certificate.withdrawn_at is not None and certificate.holder_name == "" and certificate.skills == []
    assert db.session.get(CertificateDocument, certificate.id) is None

    answers = {
        "page": check_id(client, public_id),
        "qr": client.get("{0.path}?{0.query}".format(urlsplit(qr_url(certificate)))).get_data(as_text=True),
        "pdf": upload(client, pdf, "sertifikat.pdf", "application/pdf"),
        "credential": upload(client, credential_file, "kredensial.json", "application/json"),
    }
    for how, html in answers.items():
        assert status_of(html) == "withdrawn", how
        assert "Withdrawn at the holder's request" in html and public_id in html, how
        assert NAME not in html and "Ratna" not in html, how
        no_personal_data(html)

    api = client.get(f"/api/v1/certificates/{public_id}")
    body = api.get_json()
    assert api.status_code == 200 and body["status"] == "withdrawn" and body["certificate"] is None
    assert body["message"] == "Withdrawn at the holder's request." and NAME not in api.get_data(as_text=True)
    checked = client.post("/api/v1/credentials/verify", data=credential_file, content_type="application/json")
    result = checked.get_json()
    assert result["outcome"] == "withdrawn" and result["certificate"] is None
    assert result["checks"]["status_list"] == "revoked" and NAME not in checked.get_data(as_text=True)
    assert status_bit(client, public_id)


def test_the_withdrawn_wording_in_indonesian(client, holder, erase):
    user, public_id, _pdf, _file = holder
    erase(user, "withdraw")
    page = check_id(client, public_id)
    assert "Ditarik atas permintaan pemiliknya" in page and NAME not in page


def test_nobody_downloads_a_withdrawn_certificate_again(sign_in, holder, erase):
    from lms.accounts.models import Role

    user, public_id, _pdf, _file = holder
    erase(user, "withdraw")
    admin = sign_in(Role.ADMIN, lang="en")
    for url in (f"/sertifikat/{public_id}/unduh", f"/sertifikat/{public_id}/kredensial.json",
                f"/sertifikat/{public_id}/lencana.png"):
        assert admin.get(url).status_code == 404, url
    detail = admin.get(f"/admin/sertifikat/{public_id}").get_data(as_text=True)
    assert "Withdrawn at the holder" in detail and NAME not in detail
