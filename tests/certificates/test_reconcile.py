"""Certificates still owed are issued later, once: by `lms certificates reconcile`, and lazily by the dashboard.

The crash is simulated by completing a course while nothing listens to course_completed
(the certificate receiver muted): the completion is recorded, the certificate is not.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import func, select

from lms.certificates.dates import local_date
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment, Lesson
from lms.courses.services import mark_lesson_done
from lms.courses.signals import course_completed
from lms.extensions import db
from lms.timeutil import utcnow
from tests.certificates.fixtures import complete_lessons
from tests.conftest import Browser


@contextmanager
def certificates_not_issued():
    """The request completing a course dies before the certificate is issued."""
    with course_completed.muted():
        yield


def certificates_of(user) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)))


def enrollment_of(user, course) -> Enrollment:
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                      Enrollment.course_id == course.id))


def completed_without_certificate(make_user, make_course, slug="kursus-uji", user=None):
    user = user or make_user()
    course = make_course(slug)
    with certificates_not_issued():
        complete_lessons(user, course)
        db.session.commit()
    assert enrollment_of(user, course).completed_at is not None and certificates_of(user) == []
    return user, course


def test_reconcile_issues_each_owed_certificate_once(runner, make_user, make_course, certify):
    owed_user, owed_course = completed_without_certificate(make_user, make_course)
    second_owed, _ = completed_without_certificate(make_user, make_course, slug="kursus-dua")
    already = certify(slug="kursus-tiga")  # issued normally: left alone
    unfinished = make_user()
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == owed_course.id))
    mark_lesson_done(unfinished.id, lesson)
    db.session.commit()

    result = runner.invoke(args=["lms", "certificates", "reconcile"])
    assert result.exit_code == 0, result.output
    [first] = certificates_of(owed_user)
    [second] = certificates_of(second_owed)
    assert first.public_id in result.output and second.public_id in result.output
    assert "0 completion(s) recorded, 2 certificate(s) issued." in result.output
    assert first.cycle == 1 and first.enrollment_id == enrollment_of(owed_user, owed_course).id
    assert first.completed_on == local_date(enrollment_of(owed_user, owed_course).completed_at)
    assert certificates_of(unfinished) == []
    assert db.session.scalar(select(func.count()).select_from(Certificate)
                             .where(Certificate.user_id == already.user_id)) == 1

    again = runner.invoke(args=["lms", "certificates", "reconcile"])
    assert again.exit_code == 0 and "0 completion(s) recorded, 0 certificate(s) issued." in again.output
    assert [c.id for c in certificates_of(owed_user)] == [first.id]
    assert [c.id for c in certificates_of(second_owed)] == [second.id]
    # The former name still works (and still issues nothing more).
    old_name = runner.invoke(args=["lms", "certificates", "issue-missing"])
    assert old_name.exit_code == 0 and "0 certificate(s) issued." in old_name.output


def all_done_but_a_retired_lesson(make_user, make_course):
    """A learner who read every lesson but the last, which a new course version then retired."""
    user = make_user()
    course = make_course()
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id)).all()
    for lesson in lessons[:-1]:
        mark_lesson_done(user.id, lesson)
    lessons[-1].retired_at = utcnow()
    db.session.commit()
    return user, course


def test_reconcile_completes_a_course_whose_missing_lesson_was_retired(runner, make_user, make_course):
    """Every current step done, but the course changed under the learner: owed as well."""
    user, course = all_done_but_a_retired_lesson(make_user, make_course)
    assert enrollment_of(user, course).completed_at is None

    result = runner.invoke(args=["lms", "certificates", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "1 completion(s) recorded, 1 certificate(s) issued." in result.output
    assert enrollment_of(user, course).completed_at is not None
    [certificate] = certificates_of(user)
    assert certificate.public_id in result.output
    again = runner.invoke(args=["lms", "certificates", "reconcile"])
    assert "0 completion(s) recorded, 0 certificate(s) issued." in again.output
    assert len(certificates_of(user)) == 1


def test_reconcile_without_keys_fails_loudly_and_writes_nothing(app, runner, make_user, make_course, tmp_path):
    user, _course = completed_without_certificate(make_user, make_course)
    previous = app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"]
    app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = str(tmp_path / "none"), False
    try:
        result = runner.invoke(args=["lms", "certificates", "reconcile"])
    finally:
        app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = previous
    assert result.exit_code != 0 and "keys init" in result.output
    assert certificates_of(user) == []


def test_the_dashboard_issues_an_owed_certificate_once(client, make_user, make_course):
    user, course = completed_without_certificate(make_user, make_course)
    browser = Browser(client)
    browser.login(user.phone)

    page = browser.get("/dasbor").get_data(as_text=True)
    [certificate] = certificates_of(user)
    assert "Unduh sertifikat (PDF)" in page and f"/sertifikat/{certificate.public_id}/unduh" in page
    assert "belum siap" not in page
    assert certificate.enrollment_id == enrollment_of(user, course).id
    assert certificate.completed_on == local_date(enrollment_of(user, course).completed_at)

    again = browser.get("/dasbor").get_data(as_text=True)
    assert [c.id for c in certificates_of(user)] == [certificate.id]
    assert certificate.public_id in again


def test_the_dashboard_without_keys_says_pending_then_issues_when_keys_are_back(app, client, make_user, make_course,
                                                                              tmp_path):
    user, _course = completed_without_certificate(make_user, make_course)
    browser = Browser(client)
    browser.login(user.phone)
    previous = app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"]
    app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = str(tmp_path / "none"), False
    try:
        response = browser.get("/dasbor")
    finally:
        app.config["CERTIFICATE_KEY_DIR"], app.config["CERTIFICATE_KEYS_AUTO_INIT"] = previous
    assert response.status_code == 200
    assert "Sertifikat Anda belum siap" in response.get_data(as_text=True)
    assert certificates_of(user) == []
    page = browser.get("/dasbor").get_data(as_text=True)
    [certificate] = certificates_of(user)
    assert certificate.public_id in page


def test_the_dashboard_completes_a_course_whose_missing_lesson_was_retired(client, make_user, make_course):
    user, course = all_done_but_a_retired_lesson(make_user, make_course)
    browser = Browser(client)
    browser.login(user.phone)
    page = browser.get("/dasbor").get_data(as_text=True)
    assert enrollment_of(user, course).completed_at is not None
    [certificate] = certificates_of(user)
    assert certificate.public_id in page
    browser.get("/dasbor")
    assert len(certificates_of(user)) == 1


def test_dashboards_opened_at_the_same_moment_issue_one_certificate(app, tmp_path):
    """Several requests of the same learner find the owed certificate together: one is issued,
    and every page is served (on SQLite the losers of the write start over as writers).

    Needs concurrent transactions on committed data (see test_concurrency.py).
    """
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from tests.certificates.test_concurrency import THREADS, _cleanup, _in_threads, committed_session
    from tests.factories import DEFAULT_PASSWORD, write_course

    with committed_session(app):
        user_ids, course_ids = [], []
        try:
            import_content(write_course(tmp_path / "content", "kursus-dasbor-paralel"))
            db.session.commit()
            course = db.session.scalar(select(Course).where(Course.slug == "kursus-dasbor-paralel"))
            course_ids.append(course.id)
            user = register_user("Peserta Dasbor Paralel", "phone", "+6281277700001", DEFAULT_PASSWORD,
                                 consent=ADULT_CONSENT)
            db.session.commit()
            user_ids.append(user.id)
            with certificates_not_issued():
                complete_lessons(user, course)
                db.session.commit()
            browsers = [Browser(app.test_client()) for _ in range(THREADS)]
            for browser in browsers:
                browser.login("+6281277700001")
            statuses, errors = _in_threads(app, lambda index: browsers[index].get("/dasbor").status_code)
            assert not errors and statuses == [200] * THREADS, (statuses, errors)
            db.session.expire_all()
            assert db.session.scalar(select(func.count()).select_from(Certificate)
                                     .where(Certificate.user_id == user.id)) == 1
        finally:
            db.session.rollback()
            _cleanup(user_ids, course_ids)
