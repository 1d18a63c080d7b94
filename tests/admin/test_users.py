from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db


def test_admin_lists_searches_and_paginates_users(browser, make_user):
    admin = make_user("admin", phone="+6281100000001", full_name="Admin Satu")
    for i in range(30):
        make_user(full_name=f"Warga {i:02d}")
    make_user(full_name="Siti Aminah", email="siti@contoh.id")
    browser.login("081100000001")
    first = browser.get("/admin/pengguna").get_data(as_text=True)
    assert "32 akun" in first and 'rel="next"' in first and "Lebih lama" in first and 'rel="prev"' not in first
    found = browser.get("/admin/pengguna?q=aminah").get_data(as_text=True)
    assert "Siti Aminah" in found and "Warga 01" not in found and "1 akun" in found
    by_mail = browser.get("/admin/pengguna?q=siti@contoh").get_data(as_text=True)
    assert "Siti Aminah" in by_mail
    by_phone = browser.get("/admin/pengguna?q=0811-0000-0001").get_data(as_text=True)
    assert admin.full_name in by_phone and "1 akun" in by_phone


def test_admin_changes_a_role(browser, make_user):
    make_user("admin", phone="+6281100000001")
    learner = make_user(full_name="Calon Pelatih")
    browser.login("081100000001")
    response = browser.post_form(f"/admin/pengguna/{learner.id}/peran", {"role": "trainer"},
                                 form_url="/admin/pengguna", follow_redirects=True)
    assert "Calon Pelatih sekarang: Pelatih / pendamping." in response.get_data(as_text=True)
    assert db.session.get(User, learner.id).role == "trainer"


def test_invalid_role_is_refused(browser, make_user):
    make_user("admin", phone="+6281100000001")
    learner = make_user()
    browser.login("081100000001")
    response = browser.post_form(f"/admin/pengguna/{learner.id}/peran", {"role": "superuser"},
                                 form_url="/admin/pengguna", follow_redirects=True)
    assert "Pilih peran yang tersedia." in response.get_data(as_text=True)
    assert db.session.get(User, learner.id).role == "learner"


def test_admin_cannot_demote_themself(browser, make_user):
    admin = make_user("admin", phone="+6281100000001")
    browser.login("081100000001")
    browser.post_form(f"/admin/pengguna/{admin.id}/peran", {"role": "learner"}, form_url="/admin/pengguna")
    assert db.session.get(User, admin.id).role == "admin"


def test_trainer_cannot_change_roles(browser, make_user):
    make_user("trainer", phone="+6281100000002")
    learner = make_user()
    browser.login("081100000002")
    response = browser.post_form(f"/admin/pengguna/{learner.id}/peran", {"role": "admin"}, form_url="/")
    assert response.status_code == 403
    assert db.session.get(User, learner.id).role == "learner"


def test_create_admin_command(runner):
    result = runner.invoke(args=["lms", "create-admin", "--name", "Admin Pertama", "--contact", "0813-1111-2222",
                                 "--password", "sandi admin rawat 9"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.phone == "+6281311112222"))
    assert user.role == "admin" and user.full_name == "Admin Pertama"


def test_create_admin_refuses_bad_contact(runner):
    result = runner.invoke(args=["lms", "create-admin", "--name", "X Y", "--contact", "12",
                                 "--password", "sandi admin rawat 9"])
    assert result.exit_code != 0 and "not an Indonesian mobile number" in result.output
