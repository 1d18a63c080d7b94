"""Issue #15 §2: sessions end on the server. Old cookies replayed after each ending event lead to
the sign-in page; the remember cookie is a new value at every sign-in."""
import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role, UserSession
from lms.extensions import db
from tests.conftest import Browser
from tests.factories import DEFAULT_PASSWORD as PASSWORD

NEW = "sandi baru yang aman 5"


def cookies_of(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def replay(app, cookies: dict[str, str]):
    """A fresh browser carrying copied cookies opens the profile page."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get("/profil")


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/masuk")


@pytest.fixture
def account(make_user):
    """The learner whose sessions each test ends; each sign_in(account) is one more device."""
    return make_user()


def test_a_cookie_copied_before_sign_out_no_longer_works(app, account, sign_in):
    browser = sign_in(account)
    copied = cookies_of(browser.client)
    assert replay(app, copied).status_code == 200  # the copy works while the session lives
    browser.logout()
    assert is_sign_in_redirect(replay(app, copied))


def test_a_remember_cookie_copied_before_sign_out_no_longer_works(app, account, sign_in):
    browser = sign_in(account, remember=True)
    remember = {"remember_token": cookies_of(browser.client)["remember_token"]}
    assert replay(app, remember).status_code == 200  # a remember cookie alone signs in
    browser.logout()
    assert is_sign_in_redirect(replay(app, remember))


def test_the_remember_cookie_is_new_at_every_sign_in(app, account, sign_in):
    first = cookies_of(sign_in(account, remember=True).client)["remember_token"]
    second = cookies_of(sign_in(account, remember=True).client)["remember_token"]
    assert first != second
    # Signing out on one phone leaves the other signed in.
    assert replay(app, {"remember_token": first}).status_code == 200


def test_changing_the_password_signs_out_every_other_device_and_renews_this_one(app, account, sign_in):
    other_phone = sign_in(account, remember=True)
    this_phone = sign_in(account)
    before = cookies_of(this_phone.client)
    changed = this_phone.post_form("/profil/kata-sandi", {"current_password": PASSWORD, "new_password": NEW,
                                                          "confirm": NEW})
    assert changed.status_code == 302
    assert this_phone.get("/profil").status_code == 200  # still signed in here…
    assert is_sign_in_redirect(replay(app, before))  # …but not with the cookie from before the change
    assert is_sign_in_redirect(replay(app, cookies_of(other_phone.client)))
    assert is_sign_in_redirect(other_phone.get("/profil"))


def test_resetting_with_a_code_ends_every_session(app, account, sign_in):
    phone = sign_in(account, remember=True)
    copied = cookies_of(phone.client)
    admin = sign_in(Role.ADMIN)
    page = admin.post_form(f"/admin/pengguna/{account.id}/kode-reset", {"reason": "HP hilang"})
    code = re.search(r'<p class="join-code">([A-Z0-9-]+)</p>', page.get_data(as_text=True)).group(1)
    reset = Browser(app.test_client()).post_form("/atur-ulang-sandi", {"code": code, "new_password": NEW,
                                                                        "confirm": NEW})
    assert reset.status_code == 302
    assert is_sign_in_redirect(replay(app, copied))
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == account.id)) == 0


def test_a_role_change_ends_every_session_of_that_account(app, account, sign_in):
    copied = cookies_of(sign_in(account, remember=True).client)
    admin = sign_in(Role.ADMIN)
    assert admin.post_form(f"/admin/pengguna/{account.id}/peran", {"role": "trainer"},
                           form_url="/admin/pengguna").status_code == 302
    assert is_sign_in_redirect(replay(app, copied))
    assert admin.get("/admin/pengguna").status_code == 200  # the admin's own session is untouched


def test_an_admin_signs_an_account_out_everywhere(app, account, sign_in):
    copied = cookies_of(sign_in(account, remember=True).client)
    admin = sign_in(Role.ADMIN)
    asked = admin.get(f"/admin/pengguna/{account.id}/keluar-semua")
    assert asked.status_code == 200 and replay(app, copied).status_code == 200  # GET only asks
    assert admin.post_form(f"/admin/pengguna/{account.id}/keluar-semua").status_code == 302
    assert is_sign_in_redirect(replay(app, copied))


def test_sign_out_of_all_devices_from_the_profile(app, account, sign_in):
    other_phone = cookies_of(sign_in(account, remember=True).client)
    browser = sign_in(account)
    page = browser.get("/profil").get_data(as_text=True)
    assert "Keluar dari semua perangkat" in page and "2 perangkat" in page
    response = browser.post_form("/keluar", {"everywhere": "1"}, form_url="/profil")
    assert is_sign_in_redirect(response)
    assert is_sign_in_redirect(browser.get("/profil"))
    assert is_sign_in_redirect(replay(app, other_phone))


def test_sessions_end_at_their_lifetime_whatever_the_cookie_says(app, account, sign_in):
    from datetime import timedelta

    from sqlalchemy import update

    from lms.timeutil import utcnow

    copied = cookies_of(sign_in(account, remember=True).client)
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert is_sign_in_redirect(replay(app, copied))


def test_a_cookie_from_before_sessions_existed_is_refused(app, account):
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    legacy = serializer.dumps({"_user_id": str(account.id), "_fresh": True})
    assert is_sign_in_redirect(replay(app, {"session": legacy}))


def test_an_error_while_loading_the_user_gives_the_error_page_not_a_crash(account, sign_in, monkeypatch):
    from lms.accounts import sessions

    browser = sign_in(account)

    def broken(_key):
        raise RuntimeError("the session store broke")

    monkeypatch.setattr(sessions, "load_session_user", broken)
    response = browser.get("/profil")
    assert response.status_code == 500 and "Terjadi kesalahan di sistem kami" in response.get_data(as_text=True)


def test_sessions_end_all_signs_every_account_out_and_is_audited(app, runner, make_user, sign_in):
    from lms.audit.models import AuditEntry

    learner, admin = make_user(), make_user(Role.ADMIN)
    copies = [cookies_of(sign_in(learner, remember=True).client), cookies_of(sign_in(learner).client),
              cookies_of(sign_in(admin).client)]
    assert all(replay(app, copy).status_code == 200 for copy in copies)
    refused = runner.invoke(args=["lms", "sessions", "end-all", "--reason", "x", "--yes"])
    assert refused.exit_code != 0 and db.session.scalar(select(func.count()).select_from(UserSession)) == 3

    result = runner.invoke(args=["lms", "sessions", "end-all", "--reason", "laptop of an admin stolen", "--yes"])
    assert result.exit_code == 0, result.output
    assert "3 session(s) of 2 account(s) ended" in result.output
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert all(is_sign_in_redirect(replay(app, copy)) for copy in copies)  # remember cookies included
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sessions.ended_all")).one()
    assert entry.actor_id is None and entry.details["sessions"] == 3 and entry.details["accounts"] == 2
    assert entry.details["reason"] == "laptop of an admin stolen"
    # The admin signs in again and reads it in the audit log, in words.
    page = sign_in(admin, lang="en").get("/admin/audit?action=sessions.ended_all").get_data(as_text=True)
    assert "Every account signed out" in page and "Accounts signed out: 2." in page
    assert "Reason: laptop of an admin stolen" in page


def test_sessions_end_all_asks_first(runner):
    result = runner.invoke(args=["lms", "sessions", "end-all", "--reason", "breach"], input="n\n")
    assert result.exit_code != 0 and "administrators included?" in result.output
