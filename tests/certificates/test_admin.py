"""Certificate administration: list, search, revoke and reinstate with reasons, all logged."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates.models import CertificateEvent
from lms.certificates.queries import certificate_status
from lms.extensions import db
from tests.conftest import Browser


@pytest.fixture
def admin(app, make_user):
    user = make_user(Role.ADMIN, full_name="Admin Rawat", phone="+6281299990000")
    browser = Browser(app.test_client())
    browser.client.set_cookie("lang", "en")
    browser.login("081299990000")
    browser.user = user
    return browser


def events(certificate):
    return list(db.session.scalars(select(CertificateEvent).where(CertificateEvent.certificate_id == certificate.id)
                                   .order_by(CertificateEvent.id)))


def test_list_and_search(admin, certify, make_user):
    siti = certify(user=make_user(full_name="Siti Aminah"))
    budi = certify(user=make_user(full_name="Budi Santoso"), slug="kursus-dua",
                   course_settings={"title": "Mendampingi Disabilitas"})
    page = admin.get("/admin/sertifikat").get_data(as_text=True)
    assert siti.public_id in page and budi.public_id in page
    found = admin.get("/admin/sertifikat?q=disabilitas").get_data(as_text=True)
    assert budi.public_id in found and siti.public_id not in found
    # An ID typed the sloppy way opens that certificate.
    response = admin.get("/admin/sertifikat", query_string={"q": siti.public_id.lower().replace("-", " ")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/sertifikat/{siti.public_id}")


def test_revoke_with_reason_is_logged_and_seen_by_verifiers_at_once(admin, client, certify):
    certificate = certify()
    url = f"/admin/sertifikat/{certificate.public_id}"
    missing = admin.post_form(f"{url}/cabut", {"reason": "  "}, form_url=url)
    assert missing.status_code == 400 and "Give the reason" in missing.get_data(as_text=True)
    assert certificate_status(certificate) == "valid"
    response = admin.post_form(f"{url}/cabut", {"reason": "Identitas peserta tidak benar."}, form_url=url)
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate_status(certificate) == "revoked"
    revoked = events(certificate)[-1]
    assert (revoked.kind, revoked.actor_id, revoked.reason) == ("revoked", admin.user.id,
                                                                "Identitas peserta tidak benar.")
    assert revoked.created_at is not None and revoked.actor_label == "Admin Rawat"
    body = client.get(f"/api/v1/certificates/{certificate.public_id}").get_json()
    assert body["status"] == "revoked" and body["revocation"]["reason"] == "Identitas peserta tidak benar."
    detail = admin.get(url).get_data(as_text=True)
    assert "Identitas peserta tidak benar." in detail and "Admin Rawat" in detail


def test_reinstating_is_its_own_logged_action_with_a_reason(admin, certify):
    certificate = certify()
    url = f"/admin/sertifikat/{certificate.public_id}"
    admin.post_form(f"{url}/cabut", {"reason": "Salah peserta."}, form_url=url)
    no_reason = admin.post_form(f"{url}/pulihkan", {"reason": ""}, form_url=url)
    assert no_reason.status_code == 400
    db.session.refresh(certificate)
    assert certificate_status(certificate) == "revoked"
    admin.post_form(f"{url}/pulihkan", {"reason": "Ternyata pesertanya benar."}, form_url=url)
    db.session.refresh(certificate)
    assert certificate_status(certificate) == "valid" and certificate.revocation_reason is None
    assert [(e.kind, e.reason) for e in events(certificate)] == [
        ("issued", ""), ("revoked", "Salah peserta."), ("reinstated", "Ternyata pesertanya benar.")]
    history = admin.get(url).get_data(as_text=True)
    assert "Salah peserta." in history and "Ternyata pesertanya benar." in history


def test_revoking_twice_changes_nothing(admin, certify):
    certificate = certify()
    url = f"/admin/sertifikat/{certificate.public_id}"
    admin.post_form(f"{url}/cabut", {"reason": "Pertama."}, form_url=url)
    token_page = admin.get(url).get_data(as_text=True)
    from tests.conftest import csrf_token_from

    response = admin.client.post(f"{url}/cabut", data={"csrf_token": csrf_token_from(token_page), "reason": "Kedua."},
                                 follow_redirects=True)
    assert "already revoked" in response.get_data(as_text=True)
    assert [e.kind for e in events(certificate)].count("revoked") == 1


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_only_admins_manage_certificates(app, make_user, certify, role):
    certificate = certify()
    make_user(role, phone="+6281277770000")
    browser = Browser(app.test_client())
    browser.login("081277770000")
    url = f"/admin/sertifikat/{certificate.public_id}"
    assert browser.get("/admin/sertifikat").status_code == 403
    assert browser.get(url).status_code == 403
    token_page = browser.get("/verifikasi").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    response = browser.client.post(f"{url}/cabut", data={"csrf_token": csrf_token_from(token_page), "reason": "x"})
    assert response.status_code == 403
    db.session.refresh(certificate)
    assert certificate_status(certificate) == "valid"


def test_anonymous_visitors_are_sent_to_sign_in(client, certify):
    certificate = certify()
    assert client.get("/admin/sertifikat").status_code == 302
    assert client.post(f"/admin/sertifikat/{certificate.public_id}/cabut").status_code in (302, 400)


@pytest.mark.parametrize("query", ["\x00", "RWT\x00", "%", "_", "'; --", "ä" * 300])
def test_odd_searches_do_not_break_the_list(admin, certify, query):
    certify()
    response = admin.get("/admin/sertifikat", query_string={"q": query, "status": "nonsense", "page": "x"})
    assert response.status_code == 200


def test_search_by_words_of_holder_and_course_by_parts_of_an_id_and_inside_words(admin, certify, make_user):
    agus = certify(user=make_user(full_name="Agus Rina Wibowo"))
    rina = certify(user=make_user(full_name="Rina Agustina"), slug="kursus-dua",
                   course_settings={"title": "Mendampingi Disabilitas"})

    def listed(query: str, **args) -> set[str]:
        body = admin.get("/admin/sertifikat", query_string={"q": query, **args}).get_data(as_text=True)
        return {c.public_id for c in (agus, rina) if f">{c.public_id}</a>" in body}

    assert listed("agus rina") == {agus.public_id}  # whole words, the last begun: "agus" is no word of Rina's
    assert listed("rina agus") == {agus.public_id, rina.public_id}  # "agus" begins "Agustina"
    assert listed("rina mendampingi") == {rina.public_id}  # the holder's and the course's words together
    assert listed("perawatan wibowo") == {agus.public_id}
    first, second = agus.public_id.split("-")[2:4]
    assert listed(f"{first.lower()} {second}") == {agus.public_id}  # two groups of an ID, not the whole ID
    assert listed("gustina") == {rina.public_id}  # begins no word: looked for inside words
    assert listed("gustina", status="revoked") == set()
    assert listed("agus rina", anywhere="1") == {agus.public_id, rina.public_id}
