"""Names print exactly on certificates: refused when typed if the certificate cannot draw them, never boxes."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.certificates.queries import latest_certificate
from lms.cohorts.services import create_cohort
from lms.extensions import db
from tests.certificates.fixtures import complete_lessons
from tests.certificates.test_pdf import pdf_text

from tests.factories import CONSENT_FIELDS

PASSWORD = "kata sandi aman 1"


def register(browser, name, lang):
    browser.client.set_cookie("lang", lang)
    return browser.post_form("/daftar", {"full_name": name, "contact": "081234567890", "password": PASSWORD,
                                         "confirm": PASSWORD, **CONSENT_FIELDS})


@pytest.mark.parametrize(("lang", "message"), [
    ("id", "Sertifikat tidak bisa mencetak tanda ini pada nama: 😊. Tulis nama seperti di KTP, tanpa emoji atau "
           "simbol."),
    ("en", "A certificate cannot print these characters of the name: 😊. Write the name as on the identity card "
           "(KTP), without emoji or symbols."),
])
def test_registration_with_an_emoji_in_the_name_gets_a_clear_message(browser, lang, message):
    response = register(browser, "Siti 😊", lang)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Siti 😊"' in html  # the form comes back as typed, to be corrected
    assert db.session.scalar(select(func.count(User.id))) == 0


@pytest.mark.parametrize(("name", "refused"), [
    ("Budi 🙏", "🙏"),  # an emoji the font lacks: it would print as a box
    ("Siti ☺ Aminah", "☺"),  # a symbol the font has: still not part of a name
    ("林美玲", "林 美 玲"),  # Chinese characters: not in the certificate fonts
    ("محمد", "م ح د"),  # Arabic: reportlab would draw it backwards and unjoined
    ("Siti\u200dAminah", "U+200D"),  # an invisible joiner is named by its code
])
def test_names_the_certificate_cannot_draw_are_refused_and_named(browser, name, refused):
    html = register(browser, name, "en").get_data(as_text=True)
    assert f"print these characters of the name: {refused}." in html


@pytest.mark.parametrize("name", ["José Ñuñez", "Nguyễn Thị Ánh", "Ni Luh Putu Ayu O'Brien-Đặng", "Zoë Müller",
                                  "Ma\u2019ruf Amin", "A. Rahman, S.Kep.", "Jose\u0301 Nun\u0303ez"])
def test_names_with_accents_and_punctuation_are_accepted(browser, name):
    assert register(browser, name, "en").status_code == 302


def test_the_profile_refuses_an_undrawable_name_and_keeps_the_old_one(browser, make_user):
    user = make_user(full_name="Siti Aminah")
    browser.login(user.phone)
    browser.client.set_cookie("lang", "id")
    response = browser.post_form("/profil", {"full_name": "Siti 🌸", "phone": user.phone, "email": "",
                                             "locale": "id"})
    assert response.status_code == 400
    assert "Sertifikat tidak bisa mencetak tanda ini pada nama: 🌸." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).full_name == "Siti Aminah"


def test_a_care_manager_cannot_make_a_family_account_with_an_undrawable_name(browser, make_user, make_course):
    trainer = make_user("trainer", phone="+6281300000001")
    cohort = create_cohort(trainer, "Desa Sukamaju", "", [make_course().id])
    db.session.commit()
    browser.login(trainer.phone)
    browser.client.set_cookie("lang", "en")
    response = browser.post_form(f"/kelompok/{cohort.id}/akun-baru", {"full_name": "Mbah Surti 💕"})
    assert response.status_code == 400
    assert "print these characters of the name: 💕." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_a_name_with_accents_prints_exactly_on_the_certificate(issued_pdf, tmp_path):
    name = "José Ñuñez Nguyễn Thị Ánh"
    _certificate, pdf = issued_pdf(full_name=name)
    assert name in pdf_text(pdf, tmp_path)


def test_a_stored_undrawable_name_waits_for_the_learner_to_correct_it(browser, make_user, make_course):
    # Accepted before names were checked; the fonts have no 🥰.
    user = make_user(full_name="Siti Aminah 🥰")
    course = make_course()
    complete_lessons(user, course)
    db.session.commit()
    assert latest_certificate(user.id, course.id) is None  # the completion is kept, the certificate waits
    browser.login(user.phone)
    browser.client.set_cookie("lang", "en")
    dashboard = browser.get("/dasbor").get_data(as_text=True)
    assert "Your certificate is waiting for your name: a certificate cannot print 🥰." in dashboard
    assert '<a class="button primary" href="/profil">Correct my name</a>' in dashboard
    assert latest_certificate(user.id, course.id) is None
    assert browser.post_form("/profil", {"full_name": "Siti Aminah", "phone": user.phone, "email": "",
                                         "locale": "en"}).status_code == 302
    dashboard = browser.get("/dasbor").get_data(as_text=True)
    certificate = latest_certificate(user.id, course.id)
    assert certificate is not None and certificate.holder_name == "Siti Aminah"
    assert "Download certificate (PDF)" in dashboard and "waiting for your name" not in dashboard


def test_reconcile_leaves_a_certificate_waiting_for_its_name(runner, make_user, make_course):
    user = make_user(full_name="Budi 👍")
    complete_lessons(user, make_course())
    db.session.commit()
    result = runner.invoke(args=["lms", "certificates", "reconcile"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_an_older_certificate_never_prints_a_box(certify, tmp_path):
    from lms.certificates.services import ensure_document

    certificate = certify(full_name="Siti Aminah")
    # Issued before names were checked: an emoji and a joiner the fonts cannot draw.
    certificate.holder_name = "Siti 🥰\u200dAminah ✨"
    document = ensure_document(certificate)
    text = pdf_text(document.data, tmp_path)
    assert "Siti Aminah" in text
    assert not re.search("[🥰✨\u200d]", text)


def test_an_older_certificate_whose_name_has_letters_the_fonts_lack_is_not_printed(browser, certify):
    certificate = certify(full_name="Siti Aminah")
    certificate.holder_name = "林美玲"
    db.session.commit()
    user = db.session.get(User, certificate.user_id)
    browser.login(user.phone)
    browser.client.set_cookie("lang", "en")
    response = browser.get(f"/sertifikat/{certificate.public_id}/unduh", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "This certificate cannot be printed: the name on it has letters our certificate cannot draw." in html
