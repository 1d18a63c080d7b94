"""Issue #15 §1: the account-takeover chain a trainer could run against any account with a phone.

The chain: create a group, add the target by phone number, issue a rescue code for that "member",
set a new password at /atur-ulang-sandi, sign in as the target. Each step must fail, for every kind
of target; only a learner who joined by their own consent can be rescued by their care manager.
"""
import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import PasswordResetCode, User
from lms.audit.models import AuditEntry
from lms.cohorts.models import CohortInvitation, CohortMember
from lms.extensions import db
from tests.conftest import Browser

NEW = "sandi curian penyerang 9"


def issued_code(response) -> str | None:
    if response.status_code != 200:
        return None
    found = re.search(r'<p class="join-code">([A-Z0-9-]+)</p>', response.get_data(as_text=True))
    return found.group(1) if found else None


def codes_for(user) -> int:
    return db.session.scalar(select(func.count()).select_from(PasswordResetCode)
                             .where(PasswordResetCode.user_id == user.id))


@pytest.fixture
def attacker(app, make_user, make_course):
    """A freshly promoted trainer with a group of their own."""
    make_user("trainer", phone="+6281300000001", full_name="Pelatih Nakal")
    browser = Browser(app.test_client())
    browser.login("081300000001")
    course = make_course()
    response = browser.post_form("/kelompok/baru", {"name": "Kelompok Palsu", "courses": str(course.id)})
    assert response.status_code == 302
    cohort_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return browser, cohort_id


@pytest.mark.parametrize("role", ["admin", "trainer", "learner"])
def test_the_takeover_chain_fails_at_every_step(app, attacker, make_user, role):
    browser, cohort_id = attacker
    target = make_user(role, phone="+6281499990001", full_name="Sasaran Rahasia")

    # 1. Adding by phone is only an invitation: no membership, nothing of the person shown.
    response = browser.post_form(f"/kelompok/{cohort_id}/anggota", {"phone": "0814-9999-0001"},
                                 form_url=f"/kelompok/{cohort_id}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Sasaran Rahasia" not in page
    assert db.session.scalar(select(CohortMember).where(CohortMember.user_id == target.id)) is None
    assert db.session.scalar(select(CohortInvitation.phone)) == "+6281499990001"
    assert "Sasaran Rahasia" not in browser.get(f"/kelompok/{cohort_id}/laporan.csv").get_data(as_text=True)

    # 2. No rescue code for someone who never joined: neither the form nor the code.
    url = f"/kelompok/{cohort_id}/anggota/{target.id}/kode-reset"
    assert browser.get(url).status_code == 403
    response = browser.post_form(url, {"reason": "lupa kata sandi"}, form_url=f"/kelompok/{cohort_id}")
    assert response.status_code == 403 and issued_code(response) is None
    assert browser.post_form(f"/admin/pengguna/{target.id}/kode-reset", {"reason": "lupa"},
                             form_url=f"/kelompok/{cohort_id}").status_code == 403
    assert codes_for(target) == 0

    # 3./4. So there is no code to use, and the target's password still stands.
    Browser(app.test_client()).login("081499990001")
    refused = Browser(app.test_client()).post_form("/masuk", {"identifier": "081499990001", "password": NEW})
    assert refused.status_code == 400


def test_the_invitation_says_the_same_whether_or_not_the_number_has_an_account(attacker, make_user):
    browser, cohort_id = attacker
    make_user(phone="+6281499990001", full_name="Ada Akunnya")
    answers = []
    for phone in ("0814-9999-0001", "0814-9999-0002"):
        page = browser.post_form(f"/kelompok/{cohort_id}/anggota", {"phone": phone},
                                 form_url=f"/kelompok/{cohort_id}", follow_redirects=True).get_data(as_text=True)
        message = re.search(r'<p class="flash flash-success"[^>]*>(.*?)</p>', page, re.S).group(1)
        answers.append(message.replace(phone, "NOMOR"))
    assert answers[0] == answers[1] and "Ada Akunnya" not in answers[0]


@pytest.mark.parametrize("role", ["admin", "trainer"])
def test_staff_who_joined_a_group_are_still_not_rescued_by_its_trainer(app, attacker, make_user, role):
    browser, cohort_id = attacker
    target = make_user(role, phone="+6281499990001")
    code = re.search(r'class="join-code">([A-Z0-9]+)<', browser.get(f"/kelompok/{cohort_id}").get_data(as_text=True))
    staff = Browser(app.test_client())
    staff.login("081499990001")
    assert staff.post_form(f"/gabung/{code.group(1)}").status_code == 302
    assert db.session.scalar(select(CohortMember).where(CohortMember.user_id == target.id)) is not None
    response = browser.post_form(f"/kelompok/{cohort_id}/anggota/{target.id}/kode-reset", {"reason": "lupa"})
    assert response.status_code == 403 and codes_for(target) == 0


def test_a_learner_who_accepts_the_invitation_can_be_rescued(app, attacker, make_user):
    browser, cohort_id = attacker
    learner = make_user(phone="+6281499990001", full_name="Ibu Tini")
    browser.post_form(f"/kelompok/{cohort_id}/anggota", {"phone": "081499990001"}, form_url=f"/kelompok/{cohort_id}")
    # Before accepting, the trainer sees nothing of her.
    assert "Ibu Tini" not in browser.get(f"/kelompok/{cohort_id}").get_data(as_text=True)

    invited = Browser(app.test_client())
    signed_in = invited.login("081499990001")
    landing = invited.get(signed_in.headers["Location"]).get_data(as_text=True)
    assert "Anda diundang bergabung: Kelompok Palsu." in landing and 'href="/undangan"' in landing
    page = invited.get("/undangan").get_data(as_text=True)
    assert "Kelompok Palsu" in page and "Pelatih Nakal" in page
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    accepted = invited.post_form(f"/undangan/{invitation_id}/terima", form_url="/undangan")
    assert accepted.status_code == 302
    member = db.session.scalar(select(CohortMember).where(CohortMember.user_id == learner.id))
    assert member.joined_via == "invitation"
    assert "Ibu Tini" in browser.get(f"/kelompok/{cohort_id}").get_data(as_text=True)

    response = browser.post_form(f"/kelompok/{cohort_id}/anggota/{learner.id}/kode-reset",
                                 {"reason": "HP baru, lupa sandi"})
    assert issued_code(response)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset_issued"))
    assert entry.details["reason"] == "HP baru, lupa sandi" and entry.details["target_role"] == "learner"


def test_declining_leaves_the_trainer_seeing_nothing(app, attacker, make_user):
    browser, cohort_id = attacker
    learner = make_user(phone="+6281499990001", full_name="Ibu Tini")
    browser.post_form(f"/kelompok/{cohort_id}/anggota", {"phone": "081499990001"}, form_url=f"/kelompok/{cohort_id}")
    invited = Browser(app.test_client())
    invited.login("081499990001")
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    assert invited.post_form(f"/undangan/{invitation_id}/tolak", form_url="/undangan").status_code == 302
    assert db.session.scalar(select(CohortInvitation.id)) is None
    assert db.session.scalar(select(CohortMember).where(CohortMember.user_id == learner.id)) is None
    assert "Ibu Tini" not in browser.get(f"/kelompok/{cohort_id}").get_data(as_text=True)


def test_someone_elses_invitation_cannot_be_seen_or_answered(app, attacker, make_user):
    browser, cohort_id = attacker
    make_user(phone="+6281499990001")
    make_user(phone="+6281499990002", full_name="Orang Lain")
    browser.post_form(f"/kelompok/{cohort_id}/anggota", {"phone": "081499990001"}, form_url=f"/kelompok/{cohort_id}")
    invitation_id = db.session.scalar(select(CohortInvitation.id))
    other = Browser(app.test_client())
    other.login("081499990002")
    assert "Kelompok Palsu" not in other.get("/undangan").get_data(as_text=True)
    assert other.post_form(f"/undangan/{invitation_id}/terima", form_url="/undangan").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0


def test_admin_rescues_learners_and_trainers_but_never_an_admin(app, browser, make_user):
    make_user("admin", phone="+6281100000001")
    other_admin = make_user("admin", phone="+6281100000002")
    trainer = make_user("trainer")
    learner = make_user()
    browser.login("081100000001")
    for target in (learner, trainer):
        assert issued_code(browser.post_form(f"/admin/pengguna/{target.id}/kode-reset", {"reason": "lupa sandi"}))
    me = db.session.scalar(select(User).where(User.phone == "+6281100000001"))
    for target in (other_admin, me):
        response = browser.post_form(f"/admin/pengguna/{target.id}/kode-reset", {"reason": "lupa sandi"},
                                     form_url="/admin/pengguna")
        assert response.status_code == 403 and codes_for(target) == 0


def test_an_admin_is_rescued_from_the_command_line_only(app, runner, make_user):
    admin = make_user("admin", phone="+6281100000001", full_name="Admin Utama")
    result = runner.invoke(args=["lms", "rescue-code", "0811-0000-0001", "--reason", "lupa sandi, HP hilang"])
    assert result.exit_code == 0, result.output
    code = re.search(r"([A-Z0-9]{5}-[A-Z0-9]{5})", result.output).group(1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset_issued"))
    assert entry.actor_id is None and entry.target_id == str(admin.id) and entry.details["via"] == "command line"
    assert runner.invoke(args=["lms", "rescue-code", "0811-0000-0001"]).exit_code != 0  # a reason is required
    reset = Browser(app.test_client()).post_form("/atur-ulang-sandi", {"code": code, "new_password": NEW,
                                                                        "confirm": NEW})
    assert reset.status_code == 302


def test_codes_per_account_are_limited_and_short_lived(app, browser, make_user):
    from datetime import timedelta

    from lms.accounts import rescue

    make_user("admin", phone="+6281100000001")
    learner = make_user()
    browser.login("081100000001")
    for _ in range(rescue.MAX_CODES_PER_HOUR):
        assert issued_code(browser.post_form(f"/admin/pengguna/{learner.id}/kode-reset", {"reason": "lupa"}))
    refused = browser.post_form(f"/admin/pengguna/{learner.id}/kode-reset", {"reason": "lupa"})
    assert refused.status_code == 400 and "satu jam terakhir" in refused.get_data(as_text=True)
    record = db.session.scalars(select(PasswordResetCode).order_by(PasswordResetCode.id)).all()[-1]
    assert record.expires_at - record.created_at <= timedelta(hours=8)
