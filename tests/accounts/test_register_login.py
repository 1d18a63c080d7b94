from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from tests.factories import CONSENT_FIELDS

GOOD = "kata sandi aman 1"


def register(browser, contact, *, name="Siti Aminah", password=GOOD, confirm=None):
    return browser.post_form("/daftar", {
        "full_name": name, "contact": contact, "password": password, "confirm": confirm or password, **CONSENT_FIELDS,
    })


def test_register_with_phone_normalises_and_signs_in(browser):
    response = register(browser, "0812-3456-7890")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.phone == "+6281234567890"))
    assert user is not None and user.role == "learner" and user.email is None
    assert user.password_hash != GOOD and GOOD not in user.password_hash
    profile = browser.get("/profil").get_data(as_text=True)
    assert "Siti Aminah" in profile


def test_register_with_email(browser):
    assert register(browser, "Siti@Contoh.id").status_code == 302
    user = db.session.scalar(select(User).where(User.email == "siti@contoh.id"))
    assert user is not None and user.phone is None


def test_invalid_phone_gets_a_clear_message_in_indonesian(browser):
    response = register(browser, "021-555-1234")
    assert response.status_code == 400
    assert "Isi nomor HP Indonesia" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_invalid_email_gets_a_clear_message(browser):
    response = register(browser, "siti@")
    assert "Isi alamat e-mail yang benar" in response.get_data(as_text=True)


def test_duplicate_phone_in_another_form_is_refused(browser, make_user):
    make_user(phone="+6281234567890")
    response = register(browser, "+62 812 3456 7890", name="Orang Lain")
    assert response.status_code == 400
    assert "Sudah ada akun dengan nomor HP atau e-mail ini" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_duplicate_email_in_other_case_is_refused(browser, make_user):
    make_user(email="siti@contoh.id")
    response = register(browser, "SITI@contoh.id")
    assert response.status_code == 400


def test_weak_and_mismatched_passwords_are_explained(browser):
    body = register(browser, "081234567890", password="pendek").get_data(as_text=True)
    assert "Gunakan paling sedikit 8 karakter." in body
    body = register(browser, "081234567890", password="12345678").get_data(as_text=True)
    assert "terlalu mudah ditebak" in body
    body = register(browser, "081234567890", password="081234567890").get_data(as_text=True)
    assert "Jangan gunakan nomor HP sebagai kata sandi." in body
    body = register(browser, "081234567890", password=GOOD, confirm="lain sekali 99").get_data(as_text=True)
    assert "Kedua kata sandi tidak sama." in body


def test_login_with_any_form_of_the_number_and_logout(browser, make_user):
    make_user(phone="+6281234567890")
    response = browser.post_form("/masuk", {"identifier": "0812 3456 7890", "password": GOOD})
    assert response.status_code == 302
    assert "Keluar" in browser.get("/").get_data(as_text=True)
    browser.logout()
    assert browser.get("/profil").status_code == 302  # back to sign in


def test_login_failure_does_not_reveal_whether_the_account_exists(browser, make_user):
    make_user(phone="+6281234567890")
    wrong_password = browser.post_form("/masuk", {"identifier": "081234567890", "password": "salah sekali 1"})
    unknown = browser.post_form("/masuk", {"identifier": "081299999999", "password": "salah sekali 1"})
    message = "Nomor HP/e-mail atau kata sandi salah."
    assert wrong_password.status_code == unknown.status_code == 400
    assert message in wrong_password.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_login_redirects_only_to_local_next(browser, make_user):
    make_user(phone="+6281234567890")
    page = browser.get("/masuk?next=https://evil.example/")
    assert "evil.example" in page.get_data(as_text=True)  # kept in the form…
    response = browser.post_form("/masuk", {"identifier": "081234567890", "password": GOOD,
                                            "next": "https://evil.example/"})
    assert response.headers["Location"] == "/dasbor"  # …but never followed


def test_signing_in_lands_on_my_learning_or_the_page_that_asked(browser, make_user):
    make_user(phone="+6281234567890")
    response = browser.post_form("/masuk", {"identifier": "081234567890", "password": GOOD})
    assert response.headers["Location"] == "/dasbor"
    browser.logout()
    asked = browser.get("/profil")  # a page that needs an account sends to sign in, and back after
    assert asked.headers["Location"].startswith("/masuk?next=")
    response = browser.post_form("/masuk", {"identifier": "081234567890", "password": GOOD, "next": "/profil"},
                                 form_url=asked.headers["Location"])
    assert response.headers["Location"] == "/profil"


def test_a_new_account_lands_on_my_learning(browser):
    response = browser.post_form("/daftar", {"full_name": "Ibu Baru", "contact": "0812-1111-2222",
                                             "password": GOOD, "confirm": GOOD, **CONSENT_FIELDS})
    assert response.headers["Location"] == "/dasbor"


def test_the_contact_field_offers_a_keyboard_for_numbers_and_e_mail_alike(client):
    for url in ("/daftar", "/masuk"):
        page = client.get(url).get_data(as_text=True)
        assert 'inputmode="email"' not in page and 'inputmode="text"' in page


def test_change_password(browser, make_user):
    make_user(phone="+6281234567890")
    browser.login("081234567890")
    new = {"new_password": "sandi baru rawat 7", "confirm": "sandi baru rawat 7"}
    wrong = browser.post_form("/profil/kata-sandi", {"current_password": "bukan ini 123", **new})
    assert "Kata sandi saat ini salah." in wrong.get_data(as_text=True)
    ok = browser.post_form("/profil/kata-sandi", {"current_password": GOOD, **new})
    assert ok.status_code == 302
    browser.logout()
    browser.login("081234567890", "sandi baru rawat 7")


def test_profile_update_and_duplicate_contact(browser, make_user):
    make_user(email="lain@contoh.id")
    make_user(phone="+6281234567890", full_name="Budi")
    browser.login("081234567890")
    clash = browser.post_form("/profil", {"full_name": "Budi Santoso", "phone": "081234567890",
                                          "email": "lain@contoh.id", "locale": "id"})
    assert "sudah dipakai akun lain" in clash.get_data(as_text=True)
    saved = browser.post_form("/profil", {"full_name": "Budi Santoso", "phone": "081234567890",
                                          "email": "budi@contoh.id", "locale": "en"}, follow_redirects=True)
    assert "Your profile has been saved." in saved.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "budi@contoh.id"))
    assert user.full_name == "Budi Santoso" and user.locale == "en"
