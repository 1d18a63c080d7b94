"""The holder's badge and credential downloads, the share links, the upload check of a baked PNG, and reconcile."""
from __future__ import annotations

import html as html_module
import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from lms.accounts.models import Role
from lms.certificates.services import revoke
from lms.credentials.baking import unbake
from lms.credentials.models import CertificateCredential
from lms.extensions import db
from tests.credentials.helpers import api_check, credential_text, outcome_of, upload


@pytest.fixture
def holder(make_user):
    return make_user(full_name="Siti Aminah", phone="+6281200000002")


def test_the_holder_downloads_the_credential_and_the_baked_badge(sign_in, holder, certify):
    certificate = certify(user=holder)
    browser = sign_in(holder, lang="en")
    as_json = browser.get(f"/sertifikat/{certificate.public_id}/kredensial.json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert f"kredensial-{certificate.public_id}.json" in as_json.headers["Content-Disposition"]
    assert as_json.data.decode() == credential_text(certificate)
    badge = browser.get(f"/sertifikat/{certificate.public_id}/lencana.png")
    assert badge.status_code == 200 and badge.mimetype == "image/png"
    assert unbake(badge.data) == as_json.data.decode()  # the same credential, byte for byte


def test_a_certificate_issued_before_credentials_gets_one_on_first_download(sign_in, holder, certify):
    certificate = certify(user=holder)
    db.session.delete(db.session.get(CertificateCredential, certificate.id))
    db.session.commit()
    browser = sign_in(holder, lang="en")
    response = browser.get(f"/sertifikat/{certificate.public_id}/kredensial.json")
    assert response.status_code == 200
    assert db.session.get(CertificateCredential, certificate.id).document == response.data.decode()
    assert browser.get(f"/sertifikat/{certificate.public_id}/kredensial.json").data == response.data


def test_others_get_404_and_anonymous_visitors_sign_in_first(sign_in, client, holder, certify):
    certificate = certify(user=holder)
    for path in ("kredensial.json", "lencana.png"):
        url = f"/sertifikat/{certificate.public_id}/{path}"
        assert sign_in(lang="en").get(url).status_code == 404
        assert sign_in(Role.TRAINER, lang="en").get(url).status_code == 404
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    assert sign_in(Role.ADMIN, lang="en").get(f"/sertifikat/{certificate.public_id}/kredensial.json").status_code \
        == 200


def test_the_dashboard_offers_badge_linkedin_and_whatsapp(sign_in, holder, certify):
    certificate = certify(user=holder)
    html = sign_in(holder, lang="en").get("/dasbor").get_data(as_text=True)
    assert f"/sertifikat/{certificate.public_id}/lencana.png" in html
    assert f"/sertifikat/{certificate.public_id}/kredensial.json" in html
    linkedin = html_module.unescape(html.split('href="https://www.linkedin.com/profile/add?')[1].split('"')[0])
    fields = {key: values[0] for key, values in parse_qs(linkedin).items()}
    assert fields["startTask"] == "CERTIFICATION_NAME" and fields["name"] == certificate.course_title
    assert fields["organizationName"] == "Rawat" and fields["certId"] == certificate.public_id
    assert fields["certUrl"] == f"http://127.0.0.1:5000/verifikasi/{certificate.public_id}"
    assert fields["issueYear"] == str(certificate.completed_on.year)
    assert fields["issueMonth"] == str(certificate.completed_on.month)
    assert fields["expirationYear"] == str(certificate.valid_until.year)
    whatsapp = html_module.unescape(html.split('href="https://wa.me/?text=')[1].split('"')[0])
    assert certificate.public_id in unquote(whatsapp) and "Perawatan Dasar Lansia" in unquote(whatsapp)
    assert "Text to copy and share" in html and "6281200000002" not in html


def test_the_share_links_speak_indonesian_first(sign_in, holder, certify):
    certify(user=holder)
    html = sign_in(holder).get("/dasbor").get_data(as_text=True)
    assert "Unduh lencana (PNG)" in html and "Tambahkan ke profil LinkedIn" in html


def test_a_revoked_certificate_offers_no_badge(sign_in, holder, certify):
    certificate = certify(user=holder)
    revoke(certificate, "Uji.")
    db.session.commit()
    browser = sign_in(holder, lang="en")
    assert "lencana.png" not in browser.get("/dasbor").get_data(as_text=True)
    assert browser.get(f"/sertifikat/{certificate.public_id}/lencana.png").status_code == 404


def test_the_baked_badge_is_checked_like_the_credential(client, sign_in, holder, certify):
    client.set_cookie("lang", "en")
    certificate = certify(user=holder)
    badge = sign_in(holder, lang="en").get(f"/sertifikat/{certificate.public_id}/lencana.png").data
    response = upload(client, badge, filename="lencana.png", content_type="image/png")
    assert outcome_of(response) == "genuine" and "Siti Aminah" in response.get_data(as_text=True)
    assert api_check(client, badge).get_json()["outcome"] == "genuine"
    multipart = client.post("/api/v1/credentials/verify", content_type="multipart/form-data",
                            data={"file": (__import__("io").BytesIO(badge), "lencana.png", "image/png")})
    assert multipart.get_json()["outcome"] == "genuine"
    unbaked = client.get(f"/lencana/{certificate.course.slug}.png").data
    refused = upload(client, unbaked, filename="gambar.png", content_type="image/png")
    assert refused.status_code == 400 and "badge (PNG)" in refused.get_data(as_text=True)
    assert api_check(client, unbaked).status_code == 400
    assert api_check(client, unbaked).get_json()["error"]["reason"] == "not_credential"


@pytest.mark.parametrize("body", [b"{", b"[1, 2]", b'{"a": 1}', b"\xff\xfe{", b"{" * 100_000 + b"}" * 100_000,
                                  b'{"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}}'])
def test_no_json_sent_gets_a_500(client, body):
    response = client.post("/api/v1/credentials/verify", data=body, content_type="application/json")
    assert response.status_code in (200, 400) and response.is_json
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    page = upload(client, body)
    assert page.status_code in (200, 400)


def test_an_oversized_credential_is_refused_with_413(app, client):
    previous = app.config["VERIFICATION_UPLOAD_MAX_BYTES"]
    app.config["VERIFICATION_UPLOAD_MAX_BYTES"] = 1000
    try:
        response = client.post("/api/v1/credentials/verify", data=b"{" + b" " * 2000 + b"}",
                               content_type="application/json")
        assert response.status_code == 413 and response.get_json()["error"]["reason"] == "too_large"
    finally:
        app.config["VERIFICATION_UPLOAD_MAX_BYTES"] = previous


def test_reconcile_signs_the_missing_credentials(runner, certify):
    certificates = [certify(), certify(slug="kursus-dua")]
    for certificate in certificates:
        db.session.delete(db.session.get(CertificateCredential, certificate.id))
    db.session.commit()
    result = runner.invoke(args=["lms", "certificates", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "2 credential(s) signed." in result.output
    for certificate in certificates:
        assert json.loads(credential_text(certificate))["id"].endswith(certificate.public_id)
    again = runner.invoke(args=["lms", "certificates", "reconcile"])
    assert "0 credential(s) signed." in again.output


def test_the_course_badge_image_is_public_and_small(client, certify):
    certificate = certify()
    response = client.get(f"/lencana/{certificate.course.slug}.png")
    assert response.status_code == 200 and response.mimetype == "image/png" and len(response.data) < 12_000
    assert client.get("/lencana/tidak-ada.png").status_code == 404
    achievement_image = json.loads(credential_text(certificate))["credentialSubject"]["achievement"]["image"]["id"]
    assert urlsplit(achievement_image).path == f"/lencana/{certificate.course.slug}.png"
