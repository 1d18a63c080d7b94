"""A learner deletes their account from a phone: the password, the certificates' choice, a grace period with a
banner and a cancel button, then `lms erasure run` erases it; staff cannot delete themselves here."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts.models import PasswordResetCode, Role, User, UserSession
from lms.audit.models import AuditEntry
from lms.erasure.models import ErasureRequest
from lms.extensions import db
from lms.timeutil import frozen_at, utcnow
from tests.factories import DEFAULT_PASSWORD


def request_of(user) -> ErasureRequest | None:
    return db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id))


def ask_page(browser, **data):
    return browser.post_form("/profil/hapus-akun", {"password": DEFAULT_PASSWORD, "certificates": "keep", **data})


def test_the_profile_offers_deletion_and_the_page_explains_it(sign_in):
    browser = sign_in(lang="en")
    profile = browser.get("/profil").get_data(as_text=True)
    assert 'href="/profil/hapus-akun"' in profile and "Delete my account" in profile
    page = browser.get("/profil/hapus-akun").get_data(as_text=True)
    assert "You can no longer sign in" in page and "14 days after you ask" in page
    # Without certificates there is nothing to choose: the choice is not asked.
    assert '<input type="hidden" name="certificates" value="keep">' in page and 'type="radio"' not in page


def test_asking_needs_the_password_and_starts_the_grace_period(app, sign_in, certify):
    browser = sign_in(lang="en")
    certify(user=browser.user)
    wrong = ask_page(browser, password="bukan sandinya")
    assert wrong.status_code == 400 and "The password is not right." in wrong.get_data(as_text=True)
    unchosen = browser.post_form("/profil/hapus-akun", {"password": DEFAULT_PASSWORD})
    assert unchosen.status_code == 400 and "Choose what happens to your certificates." in unchosen.get_data(
        as_text=True)
    assert request_of(browser.user) is None
    before = utcnow()
    response = ask_page(browser, certificates="withdraw")
    assert response.status_code == 302
    made = request_of(browser.user)
    assert made.certificates == "withdraw" and made.executed_at is None
    grace = timedelta(days=app.config["ERASURE_GRACE_DAYS"])
    assert before + grace <= made.execute_after <= utcnow() + grace
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erasure.requested",
                                                      AuditEntry.target_id == str(browser.user.id))) is not None


def test_during_the_grace_period_every_page_shows_the_date_and_a_cancel_button(sign_in):
    browser = sign_in(lang="en")
    ask_page(browser)
    day = request_of(browser.user).execute_after + timedelta(hours=7)  # the day in Jakarta
    for url in ("/dasbor", "/kursus", "/profil"):
        page = browser.get(url).get_data(as_text=True)
        assert 'class="erasure-banner"' in page, url
        assert f"Your account will be deleted on {day:%B} {day.day}, {day.year}." in page
        assert 'action="/profil/hapus-akun/batal"' in page and "Cancel the deletion" in page
    # Signing in again during the grace period shows it too: the account still works.
    other_phone = sign_in(browser.user, lang="en")
    landing = other_phone.get("/dasbor").get_data(as_text=True)
    assert "Your account will be deleted on" in landing


def test_cancel_works_from_the_banner(sign_in):
    browser = sign_in(lang="en")
    ask_page(browser)
    response = browser.post_form("/profil/hapus-akun/batal", {"next": "/kursus"}, form_url="/kursus")
    assert response.status_code == 302 and response.headers["Location"].endswith("/kursus")
    assert request_of(browser.user) is None
    page = browser.get("/kursus").get_data(as_text=True)
    assert "erasure-banner" not in page
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erasure.cancelled")) is not None


def test_the_cancel_needs_its_csrf_token(sign_in):
    browser = sign_in(lang="en")
    ask_page(browser)
    browser.client.post("/profil/hapus-akun/batal", data={})
    assert request_of(browser.user) is not None


def test_not_carried_out_before_the_date_and_carried_out_after(app, sign_in, run_command):
    browser = sign_in(lang="en", full_name="Siti Rahayu")
    user, phone = browser.user, browser.user.phone
    ask_page(browser)
    due = request_of(user).execute_after
    early = run_command("erasure", "run", at=due - timedelta(minutes=1))
    assert "0 account(s) erased" in early.output
    assert db.session.get(User, user.id).erased_at is None
    assert browser.get("/dasbor").status_code == 200  # still signed in and working

    done = run_command("erasure", "run", at=due + timedelta(minutes=1))
    assert "1 account(s) erased" in done.output and f"erased account {user.id}" in done.output
    erased = db.session.get(User, user.id)
    assert erased.erased_at is not None and erased.full_name == "Akun dihapus"
    assert (erased.phone, erased.email, erased.login_id, erased.locale) == (None, None, None, None)
    assert not erased.is_active_account and erased.password_hash == "!"
    # The session on this phone ended; signing in again is refused.
    assert browser.get("/dasbor").status_code == 302
    refused = browser.post_form("/masuk", {"identifier": phone, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 400
    again = run_command("erasure", "run", at=due + timedelta(days=1))
    assert "0 account(s) erased" in again.output


def test_the_dry_run_lists_what_it_would_do_and_writes_nothing(sign_in, run_command):
    browser = sign_in(lang="en")
    ask_page(browser)
    due = request_of(browser.user).execute_after
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    result = run_command("erasure", "run", "--dry-run", at=due + timedelta(hours=1))
    assert f"would erase account {browser.user.id}" in result.output and "user_sessions.user_id delete 1" \
        in result.output and "nothing was written" in result.output
    assert db.session.get(User, browser.user.id).erased_at is None
    assert request_of(browser.user).executed_at is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_staff_cannot_delete_themselves_here(sign_in):
    for role in (Role.TRAINER, Role.ADMIN):
        browser = sign_in(role, lang="en")
        page = browser.get("/profil/hapus-akun").get_data(as_text=True)
        assert "A staff account" in page and 'name="password"' not in page
        assert 'href="/profil/permintaan"' in page
        response = browser.post_form("/profil/hapus-akun", {"password": DEFAULT_PASSWORD, "certificates": "keep"})
        assert response.status_code == 200 and request_of(browser.user) is None
        assert "erasure-banner" not in browser.get("/profil").get_data(as_text=True)


def test_password_checks_are_rate_limited_per_account(app, sign_in):
    browser = sign_in(lang="en")
    limit = int(re.match(r"\d+", app.config["ERASURE_RATE_LIMIT"]).group())
    for _ in range(limit):
        assert ask_page(browser, password="salah salah salah").status_code == 400
    assert ask_page(browser).status_code == 429
    assert request_of(browser.user) is None


def test_everything_else_about_the_person_goes(sign_in, make_user, erase):
    browser = sign_in(lang="en", full_name="Wulan Sari", email="wulan@contoh.id")
    user = browser.user
    user.phone = "+6281277788899"
    db.session.commit()
    second_phone = sign_in(user)
    from lms.accounts.rescue import issue_code
    issue_code(user, channel="helper", issued_by=make_user(Role.ADMIN), reason="lupa sandi")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))
    erase(user)
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(PasswordResetCode)
                             .where(PasswordResetCode.user_id == user.id)) == 0
    assert second_phone.get("/profil").status_code == 302
    # The audit log keeps that it happened, without the name; the earlier entries lose it too.
    entries = db.session.scalars(select(AuditEntry)).all()
    assert any(entry.action == "user.erased" and entry.target_id == str(user.id) for entry in entries)
    for entry in entries:
        text = f"{entry.target_label} {entry.details}"
        assert "Wulan Sari" not in text and "wulan@contoh.id" not in text and "lupa sandi" not in text, entry.action
    erased_entry = next(entry for entry in entries if entry.action == "user.erased")
    assert erased_entry.target_label == "" and set(erased_entry.details) <= {"cause", "certificates", "redacted"}


def test_an_erased_account_gets_no_rescue_code(sign_in, make_user, erase):
    learner = make_user()
    erase(learner)
    admin = sign_in(Role.ADMIN, lang="en")
    assert admin.get(f"/admin/pengguna/{learner.id}/kode-reset").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(PasswordResetCode)) == 0


def test_a_second_ask_while_one_waits_keeps_the_first(app, sign_in):
    browser = sign_in(lang="en")
    ask_page(browser)
    first = request_of(browser.user).execute_after
    with frozen_at(utcnow() + timedelta(hours=2)):
        again = ask_page(browser, certificates="withdraw")
    assert again.status_code in (200, 302)
    kept = request_of(browser.user)
    assert kept.execute_after == first and kept.certificates == "keep"


def test_the_audit_log_tells_the_deletion_in_words_without_the_name(sign_in, make_user, erase, certify):
    learner = make_user(full_name="Yohana Kristiani")
    certify(user=learner)
    erase(learner, "withdraw")
    admin = sign_in(Role.ADMIN, lang="en")
    page = admin.get("/admin/audit").get_data(as_text=True)
    for said in ("Account deleted", "At the holder&#39;s own request, after the grace period.",
                 "Certificates withdrawn at the holder&#39;s request.", "Account deletion asked for",
                 "Personal details removed: the account was deleted.", "Certificate withdrawn at the holder"):
        assert said in page, said
    assert "Yohana" not in page
