"""Offline reading in a real browser: save a course, read and mark lessons without signal, sync later."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from lms.accounts.privacy import ADULT_CONSENT

from lms.accounts.services import register_user
from lms.courses.models import Course, Lesson, LessonCompletion, SyncedMark
from lms.courses.progress import course_progress
from lms.extensions import db
from tests.e2e.browser import sign_in_through_form

pytestmark = pytest.mark.e2e

COURSE = "perawatan-dasar-lansia"
PASSWORD = "kata sandi aman 1"
PHONE_NUMBER = "+6281299990001"


def _learner(live_server) -> int:
    with live_server.app.app_context():
        user = register_user("Ibu Sari Offline", "phone", PHONE_NUMBER, PASSWORD, locale="en", consent=ADULT_CONSENT)
        db.session.commit()
        user_id = user.id
        db.session.remove()
    return user_id


def _lessons(live_server) -> list[tuple[str, str]]:
    """(slug, title) of the course's current lessons, in order."""
    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        lessons = [(lesson.slug, lesson.title) for entry in course_progress(None, course).modules
                   for lesson in entry.lessons]
        db.session.remove()
    return lessons


def _done_on_server(live_server, user_id: int) -> set[str]:
    with live_server.app.app_context():
        slugs = set(db.session.scalars(
            select(Lesson.slug).join(LessonCompletion, LessonCompletion.lesson_id == Lesson.id)
            .where(LessonCompletion.user_id == user_id)))
        db.session.remove()
    return slugs


def _synced_on_server(live_server, user_id: int) -> int:
    with live_server.app.app_context():
        count = len(db.session.scalars(select(SyncedMark.id).where(SyncedMark.user_id == user_id)).all())
        db.session.remove()
    return count


def _sign_in(page, live_server):
    sign_in_through_form(page, live_server, PHONE_NUMBER, PASSWORD, lang="en")


def test_a_learner_reads_and_marks_lessons_offline_and_the_marks_reach_the_server(live_server, new_page, shots):
    user_id = _learner(live_server)
    lessons = _lessons(live_server)
    page = new_page(locale="en-US")
    _sign_in(page, live_server)

    # Online: the course page says what saving costs, then saves the course on the phone.
    page.goto(live_server(f"/kursus/{COURSE}"))
    size = page.locator(".offline-size").inner_text()
    assert size.startswith("Uses about") and "KB" in size
    save = page.get_by_role("button", name="Save for offline reading")
    save.click()
    page.get_by_text("Saved on this phone. You can read this course without signal.").wait_for()
    assert page.evaluate("() => !!navigator.serviceWorker.controller")
    shots(page, "saved")

    # Offline: every lesson opens from the phone.
    page.context.set_offline(True)
    for slug, title in lessons:
        page.goto(live_server(f"/kursus/{COURSE}/materi/{slug}"))
        assert page.locator("h1").inner_text() == title
    page.get_by_text("You are offline.").first.wait_for()
    shots(page, "last-lesson-offline")

    # Two lessons marked done without signal: each goes on to the next lesson.
    first, second, third = lessons[0], lessons[1], lessons[2]
    page.goto(live_server(f"/kursus/{COURSE}/materi/{first[0]}"))
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(live_server(f"/kursus/{COURSE}/materi/{second[0]}"))
    assert page.locator("h1").inner_text() == second[1]
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(live_server(f"/kursus/{COURSE}/materi/{third[0]}"))
    assert _done_on_server(live_server, user_id) == set()  # nothing reached the server yet

    # Reloaded offline, the course page shows both marks as waiting to be sent.
    page.goto(live_server(f"/kursus/{COURSE}"))
    page.reload()
    waiting = page.locator(".badge.waiting")
    waiting.first.wait_for()
    assert waiting.count() == 2
    assert waiting.first.inner_text() == "Waiting to be sent"
    for slug, _title in (first, second):
        assert page.locator(f'[data-offline-lesson="{slug}"] .badge.waiting').count() == 1
    shots(page, "course-offline-waiting")
    # A form that needs the server says so instead of failing.
    page.get_by_role("button", name="Continue learning").or_(page.get_by_role("button", name="Start learning")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "You are offline"

    # The dashboard was saved too, and a quiz says plainly that it needs a connection.
    page.goto(live_server("/dasbor"))
    assert page.locator("h1").inner_text() == "My learning"
    page.goto(live_server(f"/kursus/{COURSE}/kuis/kebersihan-diri"))
    assert page.locator("h1").inner_text() == "Quizzes need a connection"
    shots(page, "quiz-offline")

    # Back online: the page sends the marks by itself, and exactly those two are on the server.
    page.context.set_offline(False)
    page.get_by_text("Your progress made offline was sent.").wait_for()
    deadline = time.monotonic() + 10
    while _done_on_server(live_server, user_id) != {first[0], second[0]} and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _done_on_server(live_server, user_id) == {first[0], second[0]}
    assert _synced_on_server(live_server, user_id) == 2
    page.goto(live_server(f"/kursus/{COURSE}"))
    assert page.locator(".badge.waiting").count() == 0
    assert page.locator(".tick.done").count() == 2
    shots(page, "course-synced")
    # Nothing is left to send: another visit sends nothing more.
    page.goto(live_server("/dasbor"))
    assert _synced_on_server(live_server, user_id) == 2


def test_without_javascript_the_course_page_shows_the_size_and_a_note(live_server, new_page, shots):
    page = new_page(javascript=False, locale="en-US")
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    page.goto(live_server(f"/kursus/{COURSE}"))
    assert page.locator(".offline-size").inner_text().startswith("Uses about")
    assert page.get_by_text("Saving for offline reading needs JavaScript").is_visible()
    assert page.get_by_role("button", name="Save for offline reading").count() == 0
    page.get_by_role("link", name="Printable handout (PDF, A4)").first.wait_for()
    shots(page, "course-no-js")
