"""Two submits of "issue it again with my new name" give one new certificate: one after the other on every database,
and at the same moment on PostgreSQL (real concurrent transactions on committed data, cleaned up afterwards, as
tests/certificates/test_concurrency)."""
from __future__ import annotations

from sqlalchemy import delete, func, or_, select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate, CertificateEvent
from lms.certificates.services import CertificateError, reissue_with_corrected_name
from lms.courses.models import Course, Enrollment, Lesson, LessonCompletion, Module
from lms.credentials.models import StatusList
from lms.extensions import db
from tests.certificates.fixtures import complete_lessons
from tests.certificates.test_concurrency import _in_threads, committed_session


def test_two_submits_at_once_give_one_new_certificate(app, tmp_path):
    from lms.accounts.services import register_user
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.courses.importer import import_content
    from tests.factories import write_course

    with committed_session(app):
        user_id = course_id = None
        # the revocation marks its status list: a row this test makes is taken away with the rest
        lists_before = set(db.session.scalars(select(StatusList.number)))
        try:
            import_content(write_course(tmp_path / "content", "kursus-nama-baru"))
            user = register_user("Nama Lama", "phone", "+6281288877001", "kata sandi aman 1", consent=ADULT_CONSENT)
            db.session.commit()
            user_id = user.id
            course_id = db.session.scalar(select(Course.id).where(Course.slug == "kursus-nama-baru"))
            complete_lessons(user, db.session.get(Course, course_id))
            user.full_name = "Nama Baru Sekali"
            db.session.commit()
            old_id = db.session.scalar(select(Certificate.id).where(Certificate.user_id == user_id))

            def submit(_index):
                try:
                    return reissue_with_corrected_name(db.session.get(Certificate, old_id),
                                                       db.session.get(User, user_id)).public_id
                except CertificateError:
                    db.session.rollback()
                    return None

            if db.engine.dialect.name == "postgresql":
                results, errors = _in_threads(app, submit, count=4)
            else:  # SQLite runs one writer at a time: the submits come one after the other, each its own request
                results, errors = [], []
                for index in range(2):
                    results.append(submit(index))
                    db.session.commit()
            assert not errors, errors
            assert len([r for r in results if r]) == 1, results
            certificates = list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)))
            assert len(certificates) == 2
            assert sum(c.revoked_at is None for c in certificates) == 1
        finally:
            db.session.rollback()
            if user_id is not None:
                public_ids = select(Certificate.public_id).where(Certificate.user_id == user_id)
                db.session.execute(delete(AuditEntry).where(or_(
                    AuditEntry.actor_id == user_id,
                    (AuditEntry.target_type == "certificate") & AuditEntry.target_id.in_(public_ids))))
                ids = select(Certificate.id).where(Certificate.user_id == user_id)
                db.session.execute(delete(CertificateEvent).where(CertificateEvent.certificate_id.in_(ids)))
                db.session.execute(Certificate.__table__.update().where(Certificate.user_id == user_id)
                                   .values(renews_id=None))
                db.session.execute(delete(Certificate).where(Certificate.user_id == user_id))
                db.session.execute(delete(LessonCompletion).where(LessonCompletion.user_id == user_id))
                db.session.execute(delete(Enrollment).where(Enrollment.user_id == user_id))
                db.session.execute(delete(User).where(User.id == user_id))
            if course_id is not None:
                db.session.execute(delete(Lesson).where(Lesson.course_id == course_id))
                db.session.execute(delete(Module).where(Module.course_id == course_id))
                db.session.execute(delete(Course).where(Course.id == course_id))
            db.session.execute(delete(StatusList).where(StatusList.number.not_in(lists_before or [-1])))
            db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(User).where(User.id == user_id)) == 0
        assert set(db.session.scalars(select(StatusList.number))) == lists_before
