"""The privacy notice (UU 27/2022) and consent: at registration, after a new version, at a first sign-in."""
import re
import shutil
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts import privacy
from lms.accounts.models import PrivacyConsent, User
from lms.accounts.privacy import ADULT_CONSENT, ConsentAnswer
from lms.accounts.services import record_consent
from lms.extensions import db
from tests.conftest import Browser
from tests.factories import CONSENT_FIELDS, DEFAULT_PASSWORD

PASSWORD = "kata sandi aman 1"


def registration(**fields):
    data = {"full_name": "Siti Aminah", "contact": "0812-3456-7890", "password": PASSWORD, "confirm": PASSWORD}
    data.update(fields)
    return data


def consents_of(user_id):
    return db.session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == user_id)
                              .order_by(PrivacyConsent.notice_version)).all()


def text(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def publish(monkeypatch, tmp_path):
    """publish(): version 2 of the notice comes out, as an operator publishes one: its files written, its number
    added to NOTICES. Call it after making the people who agreed to version 1."""
    def _publish():
        folder = tmp_path / "notices"
        shutil.copytree(privacy.NOTICE_DIR, folder)
        for language, heading in (("id", "Pemberitahuan baru"), ("en", "New notice")):
            (folder / f"privacy-v2.{language}.md").write_text(f"## {heading}\n\nJuga {{inactive_period}}.\n",
                                                               encoding="utf-8")
        monkeypatch.setattr(privacy, "NOTICE_DIR", folder)
        monkeypatch.setattr(privacy, "NOTICES", (*privacy.NOTICES, (2, date(2027, 3, 1))))
        return privacy.current_notice()

    return _publish


# --- registration --------------------------------------------------------------------------------------------

def test_registration_records_consent_to_the_current_version(browser):
    response = browser.post_form("/daftar", registration(**CONSENT_FIELDS))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.phone == "+6281234567890"))
    [consent] = consents_of(user.id)
    assert (consent.notice_version, consent.age_basis, consent.guardian_name) == (1, "adult", None)
    assert user.privacy_version == privacy.current_notice().version == 1
    assert browser.get(response.headers["Location"]).status_code == 200  # not asked again


def test_registration_without_the_checkbox_or_the_age_is_refused_and_keeps_what_was_typed(browser):
    browser.client.set_cookie("lang", "en")
    response = browser.post_form("/daftar", registration(full_name="Ni Luh Putu Ayu"))
    assert response.status_code == 400
    page = text(response)
    assert "Tick the box to agree to the privacy notice." in page and "Choose your age group." in page
    assert 'value="Ni Luh Putu Ayu"' in page and 'value="0812-3456-7890"' in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    # only the box missing: the age chosen stays chosen
    page = text(browser.post_form("/daftar", registration(age_basis="adult")))
    assert "Tick the box" in page and "Choose your age group." not in page
    assert re.search(r'<input checked[^>]*value="adult"|<input[^>]*checked[^>]*value="adult"', page)
    # only the age missing
    page = text(browser.post_form("/daftar", registration(agree="y")))
    assert "Choose your age group." in page and "Tick the box" not in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_an_age_that_is_not_offered_is_refused(browser):
    response = browser.post_form("/daftar", registration(agree="y", age_basis="child"))
    assert response.status_code == 400 and db.session.scalar(select(func.count()).select_from(User)) == 0


def test_under_17_needs_the_guardians_name(browser):
    browser.client.set_cookie("lang", "en")
    response = browser.post_form("/daftar", registration(agree="y", age_basis="guardian", guardian_name="  "))
    assert response.status_code == 400
    assert "Write the name of your parent or guardian who agrees." in text(response)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    response = browser.post_form("/daftar", registration(agree="y", age_basis="guardian",
                                                         guardian_name="  Ibu   Made Sari "))
    assert response.status_code == 302
    [consent] = db.session.scalars(select(PrivacyConsent)).all()
    assert (consent.age_basis, consent.guardian_name) == ("guardian", "Ibu Made Sari")


def test_an_adults_answer_names_no_guardian(browser):
    assert browser.post_form("/daftar", registration(agree="y", age_basis="adult",
                                                     guardian_name="Pak Budi")).status_code == 302
    assert db.session.scalar(select(PrivacyConsent)).guardian_name is None


def test_the_registration_page_links_the_notice_and_asks_the_age(client):
    page = text(client.get("/daftar"))
    assert 'href="/privasi" target="_blank" rel="noopener"' in page
    assert "Saya sudah membaca pemberitahuan privasi dan setuju." in page
    assert "Saya berumur 17 tahun atau lebih" in page
    assert "Saya berumur di bawah 17 tahun dan orang tua atau wali saya setuju" in page


# --- the public notice ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, expected", [
    ("id", ["Pemberitahuan privasi", "Versi 1, berlaku sejak 4 Desember 2026", "3 tahun", "Pasal 32", "(Pasal 25)",
            "(tidak wajib)", "paling sedikit 5 orang"]),
    ("en", ["Privacy notice", "Version 1, in force from December 4, 2026", "3 years", "Article 32",
            "(Article 25)", "at least 5 people"]),
])
def test_the_notice_is_readable_without_an_account_in_both_languages(client, lang, expected):
    client.set_cookie("lang", lang)
    response = client.get("/privasi")
    assert response.status_code == 200
    page = text(response)
    for words in expected:
        assert words in page, words
    assert "{" not in page.split('<div class="lesson-body">')[1].split("</div>")[0]  # every placeholder filled
    assert 'href="/privasi"' in page  # the footer of every page


def test_the_inactive_period_and_the_contact_come_from_the_settings(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_INACTIVE_DAYS", 400)
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "privasi@rawat.example.id")
    page = text(client.get("/privasi"))
    assert "selama <strong>400 hari</strong>" in page and "privasi@rawat.example.id" in page
    monkeypatch.setitem(app.config, "RETENTION_INACTIVE_DAYS", 730)
    client.set_cookie("lang", "en")
    assert "for <strong>2 years</strong>" in text(client.get("/privasi"))


def test_every_published_version_has_both_languages():
    for version, _effective in privacy.NOTICES:
        for language in ("id", "en"):
            assert privacy.notice_path(version, language).is_file(), (version, language)
    assert [v for v, _d in privacy.NOTICES] == sorted({v for v, _d in privacy.NOTICES})


def test_an_earlier_version_stays_readable(client, publish):
    publish()
    assert "Pemberitahuan baru" in text(client.get("/privasi"))
    earlier = text(client.get("/privasi?versi=1"))
    assert "Ini versi lama." in earlier and "Pemberitahuan baru" not in earlier
    for wrong in ("?versi=99", "?versi=abc", "?versi="):
        assert client.get("/privasi" + wrong).status_code == 404


# --- asking again ----------------------------------------------------------------------------------------------

def test_a_new_version_asks_a_signed_in_person_on_their_next_request(sign_in, publish):
    browser = sign_in(lang="en")
    user = browser.user
    assert browser.get("/kursus").status_code == 200
    publish()
    asked = browser.get("/kursus?urut=baru")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/privasi/setuju?next=/kursus?urut%3Dbaru"
    page = text(browser.get(asked.headers["Location"]))
    assert "Our privacy notice has changed." in page and "New notice" in page
    assert '<input checked id="age_basis-0"' in page  # the answer given to version 1, to confirm
    back = browser.post_form("/privasi/setuju", {"agree": "y", "age_basis": "adult", "next": "/kursus?urut=baru"},
                             form_url=asked.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"] == "/kursus?urut=baru"
    assert [c.notice_version for c in consents_of(user.id)] == [1, 2]
    db.session.refresh(user)
    assert user.privacy_version == 2
    assert browser.get("/kursus").status_code == 200
    assert browser.get("/privasi/setuju?next=/profil").headers["Location"] == "/profil"  # nothing more to ask


def test_sign_in_after_a_new_version_goes_through_the_consent_page(make_user, client, publish):
    user = make_user()
    publish()
    browser = Browser(client)
    response = browser.post_form("/masuk", {"identifier": user.phone, "password": DEFAULT_PASSWORD,
                                            "next": "/kursus"})
    assert response.headers["Location"] == "/kursus"
    assert browser.get("/kursus").headers["Location"] == "/privasi/setuju?next=/kursus"


def test_the_consent_page_refuses_an_unticked_box_and_a_missing_guardian(sign_in, publish):
    browser = sign_in(lang="en")
    publish()
    response = browser.post_form("/privasi/setuju", {"age_basis": "adult"})
    assert response.status_code == 400 and "Tick the box" in text(response)
    response = browser.post_form("/privasi/setuju", {"agree": "y", "age_basis": "guardian"})
    assert response.status_code == 400 and "Write the name of your parent or guardian" in text(response)
    assert [c.notice_version for c in consents_of(browser.user.id)] == [1]


def test_the_consent_page_post_needs_its_csrf_token(sign_in, publish):
    browser = sign_in()
    publish()
    browser.get("/privasi/setuju")
    response = browser.client.post("/privasi/setuju", data={"agree": "y", "age_basis": "adult"})
    assert response.status_code == 400
    response = browser.client.post("/privasi/setuju", data={"csrf_token": "forged", "agree": "y",
                                                            "age_basis": "adult"})
    assert response.status_code == 400
    assert [c.notice_version for c in consents_of(browser.user.id)] == [1]


def test_next_never_leaves_the_site(sign_in, publish):
    browser = sign_in()
    publish()
    response = browser.post_form("/privasi/setuju", {"agree": "y", "age_basis": "adult",
                                                     "next": "https://evil.example/"})
    assert response.headers["Location"] == "/dasbor"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):  # agreed: sent on at once
        assert browser.get("/privasi/setuju", query_string={"next": target}).headers["Location"] == "/dasbor", target


def test_a_form_sent_before_agreeing_comes_back_to_its_page(sign_in, publish):
    browser = sign_in()
    publish()
    token_page = browser.get("/privasi/setuju").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    response = browser.client.post("/gabung", data={"csrf_token": token, "code": "ABCDEF"},
                                   headers={"Referer": "http://localhost/gabung?kode=ABC"})
    assert response.headers["Location"] == "/privasi/setuju?next=/gabung?kode%3DABC"
    foreign = browser.client.post("/gabung", data={"csrf_token": token}, headers={"Referer": "https://evil.example/x"})
    assert foreign.headers["Location"] == "/privasi/setuju?next=/dasbor"


def test_exempt_pages_stay_open_and_the_api_says_why_it_refuses(sign_in, publish):
    browser = sign_in()
    publish()
    for url in ("/privasi", "/privasi/setuju", "/healthz", "/static/rawat.css", "/profil", "/verifikasi",
                "/manifest.webmanifest"):
        assert browser.get(url).status_code == 200, url
    assert browser.get("/api/v1/certificates/RWT-2026-7K3M-9QXH-F").status_code in (400, 404)  # public API
    assert browser.get("/.well-known/did.json").status_code == 200  # the issuer's public documents
    assert browser.get("/tidak-ada").status_code == 404
    assert browser.get("/dasbor").status_code == 302
    page = browser.get("/privasi").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    refused = browser.client.post("/api/v1/progress/sync", json={"marks": []}, headers={"X-CSRFToken": token})
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "consent_required" and error["consent_url"].startswith("/privasi/setuju")
    assert browser.get("/program.json").status_code == 403  # any JSON document asked for by a program
    switched = browser.post_form("/bahasa", {"lang": "en", "next": "/privasi/setuju"}, form_url="/privasi/setuju")
    assert switched.headers["Location"] == "/privasi/setuju"
    assert browser.post_form("/keluar", form_url="/privasi/setuju").headers["Location"] == "/"
    assert browser.get("/dasbor").headers["Location"].startswith("/masuk")  # signed out


def test_visitors_are_never_asked(client, publish):
    publish()
    assert client.get("/kursus").status_code == 200
    assert client.get("/").status_code == 200


# --- accounts someone else made ------------------------------------------------------------------------------

def test_a_family_account_is_asked_at_its_first_sign_in(app, make_user, make_course):
    from lms.cohorts.services import create_cohort

    trainer = make_user("trainer", phone="+6281300000001")
    group = create_cohort(trainer, "Desa Sukamaju", "", [make_course().id])
    db.session.commit()
    helper = Browser(app.test_client())
    helper.login("081300000001")
    page = helper.post_form(f"/kelompok/{group.id}/akun-baru", {"full_name": "Mbah Surti"}).get_data(as_text=True)
    login_id, code = re.findall(r'<dd class="join-code">([A-Z0-9-]+)</dd>', page)
    family = Browser(app.test_client())
    family.post_form("/atur-ulang-sandi", {"code": code, "new_password": "sandi keluarga surti 3",
                                           "confirm": "sandi keluarga surti 3"})
    family.login(login_id, "sandi keluarga surti 3")
    user = db.session.scalar(select(User).where(User.full_name == "Mbah Surti"))
    assert user.privacy_version is None and consents_of(user.id) == []
    asked = family.get("/dasbor")
    assert asked.headers["Location"] == "/privasi/setuju?next=/dasbor"
    page = text(family.get(asked.headers["Location"]))
    assert "Sebelum melanjutkan" in page and "sudah berubah" not in page
    done = family.post_form("/privasi/setuju", {"agree": "y", "age_basis": "adult", "next": "/dasbor"})
    assert done.headers["Location"] == "/dasbor" and family.get("/dasbor").status_code == 200
    assert [(c.notice_version, c.age_basis) for c in consents_of(user.id)] == [(1, "adult")]
    # the care manager, who agreed when registering, was never asked
    assert helper.get(f"/kelompok/{group.id}").status_code == 200


def test_an_admin_made_on_the_command_line_is_asked_at_first_sign_in(runner, client):
    result = runner.invoke(args=["lms", "create-admin", "--name", "Admin Pertama", "--contact", "0813-1111-2222",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    browser = Browser(client)
    browser.login("081311112222", PASSWORD)
    assert browser.get("/admin/pengguna").headers["Location"].startswith("/privasi/setuju?next=/admin/pengguna")


# --- the record -----------------------------------------------------------------------------------------------

def test_one_consent_per_version_whatever_the_clicks(make_user):
    user = make_user(consented=False)
    assert record_consent(user, ADULT_CONSENT) is True
    assert record_consent(user, ConsentAnswer("guardian", "Ibu Sari")) is False  # the first answer stands
    db.session.commit()
    assert [(c.notice_version, c.age_basis) for c in consents_of(user.id)] == [(1, "adult")]
    # and the database itself refuses a second row for the same version (a double submit on two workers)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(PrivacyConsent(user_id=user.id, notice_version=1, age_basis="adult"))
        db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(PrivacyConsent(user_id=user.id, notice_version=2, age_basis="guardian"))
        db.session.flush()  # a guardian's consent names the guardian


def test_a_double_submit_of_the_consent_page_records_one(sign_in, publish):
    browser = sign_in()
    publish()
    page = browser.get("/privasi/setuju").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for _ in range(2):
        response = browser.client.post("/privasi/setuju", data={"csrf_token": token, "agree": "y",
                                                                "age_basis": "adult", "next": "/dasbor"})
        assert response.headers["Location"] == "/dasbor"
    assert [c.notice_version for c in consents_of(browser.user.id)] == [1, 2]


def test_the_check_costs_no_query(app, sign_in):
    """The version agreed to is on the user row the session loads anyway: no query reads the consents."""
    browser = sign_in()
    statements = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert browser.get("/kursus").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert statements and not [s for s in statements if "privacy_consents" in s]
    assert len([s for s in statements if "user_sessions" in s]) == 1  # the one look-up of every signed-in page


# --- the admin's view -----------------------------------------------------------------------------------------

def test_the_admin_sees_a_users_consent_history(sign_in, make_user, publish):
    learner = make_user(full_name="Putu Kecil", consented=False)
    record_consent(learner, ConsentAnswer("guardian", "Ibu Made"))
    db.session.commit()
    publish()
    record_consent(learner, ADULT_CONSENT)  # turned 17 since
    db.session.commit()
    admin = sign_in("admin", lang="en")
    assert f'/admin/pengguna/{learner.id}/privasi' in admin.get("/admin/pengguna").get_data(as_text=True)
    page = text(admin.get(f"/admin/pengguna/{learner.id}/privasi"))
    assert "Privacy consents of Putu Kecil" in page and "The current privacy notice is version 2." in page
    assert re.search(r"Version 2</a></strong> · agreed on [^<]+ · 17 or older</li>.*"
                     r"Version 1</a></strong> · agreed on [^<]+ · under 17, with the consent of Ibu Made", page)
    nobody = make_user(consented=False)
    assert "No answer yet." in text(admin.get(f"/admin/pengguna/{nobody.id}/privasi"))
    assert admin.get("/admin/pengguna/999999/privasi").status_code == 404
    assert sign_in("trainer").get(f"/admin/pengguna/{learner.id}/privasi").status_code == 403
    # opening someone's consents is itself recorded, once per visit: the person's "Data saya" lists it
    from lms.audit.models import AuditEntry

    seen = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.data_viewed",
                                                       AuditEntry.target_id == str(learner.id))).all()
    assert [entry.details["page"] for entry in seen] == ["admin_consents"]
