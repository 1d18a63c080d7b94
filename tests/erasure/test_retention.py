"""`lms retention run`: unused learner accounts are warned (by e-mail, or at the next sign-in for a phone-only
account), erased after a further period unless used again; expired codes and old logs are purged. The dry run
writes and sends nothing; running twice does nothing more."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import PasswordResetCode, Role, User, UserSession
from lms.audit.models import AuditEntry
from lms.courses.models import Enrollment, Lesson, SyncedMark
from lms.erasure.models import ErasureRequest, PrivacyRequest, RetentionNotice
from lms.extensions import db
from lms.mail import outbox
from lms.timeutil import utcnow


@pytest.fixture
def people(make_user, make_course, certify):
    """Accounts of every kind, four years after most of them were last used."""
    now = utcnow()
    long_ago = now - timedelta(days=4 * 365)
    course = make_course()
    made = {
        "by_mail": make_user(full_name="Lama Surel", email="lama@contoh.id"),
        "by_phone": make_user(full_name="Lama Telepon"),
        "learning": make_user(full_name="Masih Belajar"),
        "recent": make_user(full_name="Baru Daftar"),
        "staff": make_user(Role.TRAINER, full_name="Pendamping Lama"),
        "leaving": make_user(full_name="Sudah Minta Hapus"),
    }
    certify(user=made["by_mail"], course=course)
    for name, user in made.items():
        if name != "recent":
            user.created_at = user.last_login_at = long_ago
    db.session.execute(Enrollment.__table__.update().values(last_activity_at=long_ago, enrolled_at=long_ago))
    db.session.add(Enrollment(user_id=made["learning"].id, course_id=course.id, enrolled_at=long_ago,
                              last_activity_at=now - timedelta(days=20)))
    db.session.add(ErasureRequest(user_id=made["leaving"].id, certificates="keep", requested_at=now,
                                  execute_after=now + timedelta(days=14)))
    db.session.commit()
    outbox().clear()
    return made


def everything() -> dict[str, int]:
    """Rows per table, and the users' names: what a dry run must leave as it was."""
    counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    counts["names"] = hash(tuple(db.session.scalars(select(User.full_name).order_by(User.id))))
    return counts


def test_the_dry_run_lists_what_would_happen_and_writes_nothing(people, run_command):
    before = everything()
    result = run_command("retention", "run", "--dry-run")
    assert everything() == before and outbox() == []
    assert f"by e-mail [{people['by_mail'].id}]" in result.output
    assert f"at the next sign-in [{people['by_phone'].id}]" in result.output
    assert "Dry run: nothing was written." in result.output


def test_unused_accounts_are_warned_once_then_erased_unless_used_again(app, people, run_command, sign_in):
    by_mail, by_phone = people["by_mail"], people["by_phone"]
    run_command("retention", "run")
    notices = {notice.user_id: notice.channel for notice in db.session.scalars(select(RetentionNotice))}
    assert notices == {by_mail.id: "email", by_phone.id: "sign_in"}  # not the learning, recent, staff, leaving ones
    [mail] = outbox()
    assert mail["To"] == "lama@contoh.id" and "Lama Surel" in mail.get_content()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "retention.warned")) == 2

    run_command("retention", "run")  # idempotent: nobody is warned twice
    assert len(outbox()) == 1 and db.session.scalar(select(func.count()).select_from(RetentionNotice)) == 2

    # The phone-only account hears of it at sign-in; signing in keeps the account.
    phone = sign_in(by_phone, lang="en")
    assert "so Rawat was going to delete it" in phone.get("/dasbor").get_data(as_text=True)
    assert db.session.get(RetentionNotice, by_phone.id).shown_at is not None

    later = utcnow() + timedelta(days=app.config["RETENTION_WARNING_DAYS"] + 1)
    result = run_command("retention", "run", at=later)
    assert f"erased: [{by_mail.id}]" in result.output
    gone, kept = db.session.get(User, by_mail.id), db.session.get(User, by_phone.id)
    assert gone.erased_at is not None and gone.full_name == "Akun dihapus" and gone.email is None
    assert kept.erased_at is None and kept.full_name == "Lama Telepon"
    assert db.session.scalar(select(RetentionNotice)) is None  # one erased, the other used again
    request = db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == by_mail.id))
    assert request.cause == "retention" and request.certificates == "keep" and request.executed_at is not None
    for name in ("learning", "recent", "staff", "leaving"):
        assert db.session.get(User, people[name].id).erased_at is None, name

    again = run_command("retention", "run", at=later)
    assert "0 unused account(s) were erased" in again.output and len(outbox()) == 1


def test_expired_codes_and_old_logs_are_purged(app, people, run_command):
    learner, now = people["recent"], utcnow()
    lesson = db.session.scalar(select(Lesson))
    db.session.add_all([
        PasswordResetCode(user_id=learner.id, code_hash="a" * 64, channel="helper", created_at=now - timedelta(days=3),
                          expires_at=now - timedelta(days=2)),
        PasswordResetCode(user_id=learner.id, code_hash="b" * 64, channel="helper", created_at=now,
                          expires_at=now + timedelta(hours=8)),
        UserSession(user_id=learner.id, token_hash="c" * 64, created_at=now - timedelta(days=2),
                    expires_at=now - timedelta(days=1)),
        SyncedMark(user_id=learner.id, client_id=str(uuid.uuid4()), lesson_id=lesson.id,
                   done_at=now - timedelta(days=200), received_at=now - timedelta(days=200)),
        SyncedMark(user_id=learner.id, client_id=str(uuid.uuid4()), lesson_id=lesson.id, done_at=now,
                   received_at=now),
        PrivacyRequest(kind="other", message="Lama sekali.", user_id=learner.id, status="closed",
                       received_at=now - timedelta(days=800), closed_at=now - timedelta(days=790)),
        PrivacyRequest(kind="other", message="Baru saja.", user_id=learner.id, status="closed",
                       received_at=now - timedelta(days=10), closed_at=now - timedelta(days=9)),
    ])
    db.session.commit()
    dry = run_command("retention", "run", "--dry-run")
    assert "rescue codes: 1 would be deleted" in dry.output and "offline-sync receipts: 1 would be" in dry.output
    result = run_command("retention", "run")
    assert "rescue codes: 1 were deleted" in result.output and "closed requests: 1 were deleted" in result.output
    assert db.session.scalars(select(PasswordResetCode.code_hash)).all() == ["b" * 64]
    assert db.session.scalar(select(func.count()).select_from(SyncedMark)) == 1
    assert db.session.scalars(select(PrivacyRequest.message)).all() == ["Baru saja."]
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.expires_at <= utcnow())) == 0
    assert "rescue codes: 0 were deleted" in run_command("retention", "run").output
