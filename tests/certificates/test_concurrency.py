"""Exactly one certificate per learner, course and cycle, even when the final step arrives twice at once.

The sequential part runs on every database. The parallel part needs real concurrent
transactions, so it runs on PostgreSQL: threads with their own app context and session
on committed data (the `database` fixture's rolled-back transaction is set aside here),
cleaned up afterwards.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from sqlalchemy import delete, func, select

from lms.accounts.models import User
from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate, CertificateDocument, CertificateEvent
from lms.certificates.services import ensure_document, issue_certificate
from lms.courses.models import Course, Enrollment, Lesson, LessonCompletion, Module, QuizPass
from lms.courses.services import record_quiz_pass
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.quizzes.services import start_attempt, submit_attempt
from tests.certificates.fixtures import QUIZ_MODULES, complete_lessons

THREADS = 6


def certificates_of(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate).where(Certificate.user_id == user_id))


def test_the_final_step_twice_gives_one_certificate(app, make_user, make_course, tmp_path):
    """Sequentially on every database; then, on PostgreSQL, in parallel threads."""
    user = make_user()
    course = make_course()
    module = db.session.scalar(select(Module).where(Module.slug == "modul-dua"))
    module.has_quiz = True
    db.session.commit()
    complete_lessons(user, course)
    record_quiz_pass(user.id, module, 90)  # the final quiz…
    record_quiz_pass(user.id, module, 95)  # …submitted again
    db.session.commit()
    assert certificates_of(user.id) == 1
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))
    again = issue_certificate(user, course, cycle=1)
    assert again.id == certificate.id and certificates_of(user.id) == 1
    if db.engine.dialect.name == "postgresql":
        parallel_final_completions(app, tmp_path)


@contextmanager
def committed_session(app):
    """Real sessions on the engine for this test (and its threads), instead of the rolled-back one."""
    wrapped = db.session
    db.session = db._make_scoped_session({})
    try:
        yield
    finally:
        db.session.remove()
        db.session = wrapped


def _cleanup(user_ids: list[int], course_ids: list[int]) -> None:
    session = db.session
    certificate_ids = select(Certificate.id).where(Certificate.user_id.in_(user_ids))
    public_ids = select(Certificate.public_id).where(Certificate.user_id.in_(user_ids))
    session.execute(delete(AuditEntry).where(AuditEntry.target_type == "certificate",
                                             AuditEntry.target_id.in_(public_ids)))
    session.execute(delete(CertificateDocument).where(CertificateDocument.certificate_id.in_(certificate_ids)))
    session.execute(delete(CertificateEvent).where(CertificateEvent.certificate_id.in_(certificate_ids)))
    session.execute(delete(Certificate).where(Certificate.user_id.in_(user_ids)))
    session.execute(delete(QuizPass).where(QuizPass.user_id.in_(user_ids)))
    session.execute(delete(LessonCompletion).where(LessonCompletion.user_id.in_(user_ids)))
    session.execute(delete(Enrollment).where(Enrollment.user_id.in_(user_ids)))
    session.execute(delete(Lesson).where(Lesson.course_id.in_(course_ids)))
    session.execute(delete(Module).where(Module.course_id.in_(course_ids)))
    session.execute(delete(Course).where(Course.id.in_(course_ids)))
    session.execute(delete(User).where(User.id.in_(user_ids)))
    session.commit()


def _in_threads(app, work, count=THREADS):
    """Run work(index) in `count` threads that start together; returns (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                results[index] = work(index)
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def parallel_final_completions(app, tmp_path):
    """Threads completing, issuing and downloading at the same moment, on committed data."""
    from lms.accounts.services import register_user
    from tests.factories import write_course

    from lms.courses.importer import import_content

    with committed_session(app):
        user_ids, course_ids = [], []
        labels = []
        try:
            folder = write_course(tmp_path / "content", "kursus-paralel")
            import_content(folder)
            db.session.commit()
            course = db.session.scalar(select(Course).where(Course.slug == "kursus-paralel"))
            course_ids.append(course.id)
            final_module = db.session.scalar(select(Module).where(Module.course_id == course.id,
                                                                  Module.slug == "modul-dua"))
            final_module.has_quiz = True
            learners = []
            for n in range(2):
                user = register_user(f"Peserta Paralel {n}", "phone", f"+6281288800{n:03d}", "kata sandi aman 1")
                learners.append(user)
            db.session.commit()
            user_ids.extend(u.id for u in learners)
            for user in learners:
                complete_lessons(user, course)
            db.session.commit()
            module_id = final_module.id

            # 1. The final quiz submitted by several requests at the same moment.
            first = learners[0].id

            def submit_final(_index):
                module = db.session.get(Module, module_id)
                record_quiz_pass(first, module, 80)

            _results, errors = _in_threads(app, submit_final)
            assert not errors, errors
            assert certificates_of(first) == 1

            # 2. The issuing service itself called in parallel: the unique constraint decides.
            second = learners[1].id

            def issue(_index):
                user = db.session.get(User, second)
                return issue_certificate(user, db.session.get(Course, course.id), cycle=1).public_id

            public_ids, errors = _in_threads(app, issue)
            assert not errors, errors
            assert len(set(public_ids)) == 1 and certificates_of(second) == 1

            # 3. The same quiz attempt submitted by several requests at once, through the quiz engine.
            third = register_user("Peserta Paralel Kuis", "phone", "+6281288800999", "kata sandi aman 1")
            db.session.commit()
            user_ids.append(third.id)
            quiz_folder = write_course(tmp_path / "content", "kursus-paralel-kuis", modules=QUIZ_MODULES[:1])
            import_content(quiz_folder)
            db.session.commit()
            quiz_course = db.session.scalar(select(Course).where(Course.slug == "kursus-paralel-kuis"))
            course_ids.append(quiz_course.id)
            complete_lessons(third, quiz_course)
            quiz = db.session.scalar(select(Quiz).join(Module).where(Module.course_id == quiz_course.id))
            attempt = start_attempt(third.id, quiz)
            db.session.commit()
            attempt_id = attempt.id
            answers = {item.id: [o.id for o in item.question.options if o.is_correct][:1] for item in attempt.items}

            def submit(_index):
                return submit_attempt(db.session.get(Attempt, attempt_id), answers)

            graded, errors = _in_threads(app, submit)
            assert not errors, errors
            assert graded.count(True) == 1 and certificates_of(third.id) == 1
            labels.extend(f"{c.holder_name} — {c.course_title}" for c in db.session.scalars(
                select(Certificate).where(Certificate.user_id.in_(user_ids))))

            # 4. First downloads in parallel: one document, the same bytes for everyone.
            certificate_id = db.session.scalar(select(Certificate.id).where(Certificate.user_id == second))

            def download(_index):
                return ensure_document(db.session.get(Certificate, certificate_id)).sha256

            hashes, errors = _in_threads(app, download, count=3)
            assert not errors, errors
            assert len(set(hashes)) == 1
            assert db.session.scalar(select(func.count()).select_from(CertificateDocument)
                                     .where(CertificateDocument.certificate_id == certificate_id)) == 1
        finally:
            db.session.rollback()
            _cleanup(user_ids, course_ids)
        leftovers = [db.session.scalar(select(func.count()).select_from(model).where(column.in_(ids)))
                     for model, column, ids in ((User, User.id, user_ids), (Course, Course.id, course_ids),
                                                (Certificate, Certificate.user_id, user_ids),
                                                (AuditEntry, AuditEntry.target_label, labels))]
        assert leftovers == [0, 0, 0, 0], "committed test data left behind"
