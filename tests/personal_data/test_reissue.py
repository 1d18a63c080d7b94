"""A corrected name: the profile offers to issue each valid certificate again; the old one is revoked, once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate
from lms.certificates.queries import certificate_status
from lms.certificates.services import CertificateError, reissue_with_corrected_name
from lms.credentials.models import CertificateCredential
from lms.extensions import db
from tests.certificates.fixtures import years_ago

OFFER = "/profil/data-saya/nama-sertifikat"


def correct_name(browser, name: str) -> None:
    user = browser.user
    response = browser.post_form("/profil", {"full_name": name, "phone": user.phone, "email": "", "locale": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def certificates_of(user) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.cycle)))


def test_the_profile_offers_it_and_the_new_certificate_replaces_the_old(sign_in, certify):
    old = certify(full_name="Siti Aminah")
    browser = sign_in(old.holder, lang="en")
    assert "still show your old name" not in browser.get("/profil").get_data(as_text=True)
    correct_name(browser, "Siti Aminah Putri")
    profile = browser.get("/profil").get_data(as_text=True)
    assert "Your certificates still show your old name" in profile and f'href="{OFFER}"' in profile
    page = browser.get(OFFER).get_data(as_text=True)
    assert old.public_id in page and "Siti Aminah Putri" in page
    response = browser.post_form(f"{OFFER}/{old.public_id}", form_url=OFFER)
    assert response.status_code == 302
    db.session.expire_all()
    first, new = certificates_of(old.holder)
    assert certificate_status(first) == "revoked"
    # in the language the certificate was issued in (Indonesian here)
    assert "memperbaiki namanya" in first.revocation_reason and new.public_id in first.revocation_reason
    assert new.holder_name == "Siti Aminah Putri" and certificate_status(new) == "valid"
    assert (new.cycle, new.renews_id) == (2, first.id)
    for same in ("course_title", "course_version", "hours", "completed_on", "valid_until", "skills"):
        assert getattr(new, same) == getattr(first, same), same
    assert db.session.get(CertificateCredential, new.id) is not None  # its Open Badges credential too
    issued = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.issued",
                                                        AuditEntry.target_id == new.public_id))
    revoked = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoked",
                                                         AuditEntry.target_id == first.public_id))
    assert issued.actor_id == revoked.actor_id == old.user_id
    assert issued.details["cause"] == "corrected" and issued.details["replaces"] == first.public_id
    assert "still show your old name" not in browser.get("/profil").get_data(as_text=True)
    # the audit log tells it in words
    assert "Replaces certificate" in _audit_page(sign_in)


def _audit_page(sign_in) -> str:
    return sign_in("admin", lang="en").get("/admin/audit").get_data(as_text=True)


def test_a_double_submit_gives_one_new_certificate(sign_in, certify):
    old = certify(full_name="Rahmat")
    browser = sign_in(old.holder, lang="en")
    correct_name(browser, "Rahmat Hidayat")
    form = browser.client.get(OFFER).get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(form)
    answers = [browser.client.post(f"{OFFER}/{old.public_id}", data={"csrf_token": token}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 302]
    assert len(certificates_of(old.holder)) == 2
    assert "already issued again" in browser.get(OFFER).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "certificate.issued", AuditEntry.details["cause"].as_string() == "corrected")) == 1


def test_the_service_refuses_a_second_time_and_anyone_elses(certify, make_user):
    old = certify(full_name="Wati")
    holder = old.holder
    holder.full_name = "Wati Lestari"
    reissue_with_corrected_name(old, holder)
    db.session.commit()
    with pytest.raises(CertificateError):
        reissue_with_corrected_name(old, holder)
    other = certify(full_name="Ani", slug="kursus-lain")
    with pytest.raises(CertificateError):
        reissue_with_corrected_name(other, holder)
    other.holder.full_name = "Ani"  # the same name: nothing to correct
    with pytest.raises(CertificateError):
        reissue_with_corrected_name(other, other.holder)


def test_expired_revoked_and_other_peoples_certificates_are_not_offered(sign_in, certify):
    expired = certify(full_name="Yati", completed_at=years_ago(3))
    browser = sign_in(expired.holder, lang="en")
    correct_name(browser, "Yati Suryani")
    assert expired.public_id not in browser.get(OFFER).get_data(as_text=True)
    assert browser.post_form(f"{OFFER}/{expired.public_id}", form_url=OFFER).status_code == 302
    assert len(certificates_of(expired.holder)) == 1  # not issued again: it had expired
    stranger = certify(full_name="Orang Lain", slug="kursus-lain")
    assert browser.post_form(f"{OFFER}/{stranger.public_id}", form_url=OFFER).status_code == 404
    assert browser.post_form(f"{OFFER}/RWT-0000-XXXX-XXXX-X", form_url=OFFER).status_code == 404
