"""Pages run a fixed number of SQL statements however much data there is (no N+1)."""
import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select

from lms.accounts.models import User
from lms.cohorts.models import CohortMember
from lms.cohorts.services import create_cohort
from lms.courses.models import Enrollment, Lesson, LessonCompletion, Module, QuizPass
from lms.extensions import db
from lms.timeutil import utcnow


@contextlib.contextmanager
def counted_statements():
    statements = []
    engine = db.session.get_bind().engine

    def before(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def add_learners(count, cohort, course, password_hash, start=0):
    """Bulk-insert learners with varied progress (fast: no per-user password hashing)."""
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id)).all()
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id)).all()
    now = utcnow()
    users = [{"full_name": f"Peserta {start + i:04d}", "phone": f"+62815{start + i:08d}",
              "password_hash": password_hash, "role": "learner", "created_at": now, "is_active_account": True}
             for i in range(count)]
    db.session.execute(insert(User), users)
    ids = db.session.scalars(select(User.id).where(User.phone.in_([u["phone"] for u in users]))).all()
    db.session.execute(insert(CohortMember),
                       [{"cohort_id": cohort.id, "user_id": uid, "joined_at": now} for uid in ids])
    db.session.execute(insert(Enrollment), [{"user_id": uid, "course_id": course.id, "enrolled_at": now,
                                             "last_activity_at": now} for uid in ids])
    completions = [{"user_id": uid, "lesson_id": lesson.id, "completed_at": now}
                   for n, uid in enumerate(ids) for lesson in lessons[: n % (len(lessons) + 1)]]
    if completions:
        db.session.execute(insert(LessonCompletion), completions)
    passes = [{"user_id": uid, "module_id": modules[0].id, "best_score": 80, "passed_at": now}
              for n, uid in enumerate(ids) if n % 2]
    if passes:
        db.session.execute(insert(QuizPass), passes)
    db.session.commit()


@pytest.fixture
def populated(make_user, make_course):
    trainer = make_user("trainer", phone="+6281300000001")
    learner = make_user(phone="+6281400000001")
    course = make_course(modules=[
        {"slug": f"modul-{m}", "title": f"Modul {m}", "lessons": [
            {"slug": f"pelajaran-{m}-{n}", "title": f"Pelajaran {m}.{n}", "body": "Isi.\n"} for n in range(1, 5)]}
        for m in range(1, 6)])
    for module in course.modules:
        module.has_quiz = True
    cohort = create_cohort(trainer, "Besar", "", [course.id])
    db.session.execute(insert(CohortMember).values(cohort_id=cohort.id, user_id=learner.id, joined_at=utcnow()))
    db.session.commit()
    return trainer, learner, course, cohort


def test_page_queries_stay_flat_from_10_to_500_learners(app, populated):
    from tests.conftest import Browser

    trainer, learner, course, cohort = populated
    password_hash = db.session.scalar(select(User.password_hash).where(User.id == learner.id))
    learner_browser, trainer_browser = Browser(app.test_client()), Browser(app.test_client())
    learner_browser.login("081400000001")
    trainer_browser.login("081300000001")
    learner_browser.post_form(f"/kursus/{course.slug}/mulai", form_url=f"/kursus/{course.slug}")
    pages = [(learner_browser, "/dasbor"), (learner_browser, f"/kursus/{course.slug}"),
             (learner_browser, f"/kursus/{course.slug}/materi/pelajaran-1-1"), (learner_browser, "/kursus"),
             (trainer_browser, f"/kelompok/{cohort.id}")]

    def measure():
        counts = {}
        for client, url in pages:
            with counted_statements() as statements:
                assert client.get(url).status_code == 200, url
            counts[url] = len(statements)
        return counts

    add_learners(10, cohort, course, password_hash)
    with_ten = measure()
    add_learners(490, cohort, course, password_hash, start=10)
    with_five_hundred = measure()
    assert with_ten == with_five_hundred


def test_a_signed_in_lesson_page_reads_three_times_with_or_without_a_deletion_waiting(app, populated):
    """The session's look-up also says whether a deletion is waiting (the banner on every page): no query of its
    own for the learners who have none, and the banner still shows for one who has."""
    from lms.erasure.models import ErasureRequest
    from tests.conftest import Browser

    _trainer, learner, course, _cohort = populated
    learner_id, course_slug = learner.id, course.slug
    browser = Browser(app.test_client())
    browser.login("081400000001")
    browser.post_form(f"/kursus/{course_slug}/mulai", form_url=f"/kursus/{course_slug}")
    url = f"/kursus/{course_slug}/materi/pelajaran-1-1"
    browser.get(url)  # the process caches (outline, pictures) filled

    def reads() -> tuple[int, str]:
        with counted_statements() as statements:
            response = browser.get(url)
        assert response.status_code == 200
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements), response.get_data(as_text=True)

    count, page = reads()
    assert 'action="/keluar"' in page  # signed in
    # the user with their session, the course with the lesson, the learner's progress
    assert count == 3 and "erasure-banner" not in page
    now = utcnow()
    db.session.add(ErasureRequest(user_id=learner_id, certificates="keep", cause="request", requested_at=now,
                                  execute_after=now + timedelta(days=14)))
    db.session.commit()
    count, page = reads()
    assert count == 4 and 'class="erasure-banner"' in page
