"""Lessons marked done offline and sent later: idempotent, all or nothing, CSRF, only one's own progress."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.courses.importer import import_content
from lms.courses.models import Enrollment, Lesson, LessonCompletion, SyncedMark
from lms.courses.progress import course_progress
from lms.courses.services import mark_lesson_done
from lms.courses.signals import course_completed
from lms.courses.sync import MAX_MARKS
from lms.extensions import db
from lms.timeutil import utcnow
from tests.factories import write_course

SYNC = "/api/v1/progress/sync"
CSRF_META_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def mark(lesson: str, course: str = "kursus-uji", *, id: str | None = None, done_at: str | None = None, **extra):
    entry = {"id": id or str(uuid.uuid4()), "course": course, "lesson": lesson,
             "done_at": done_at or "2026-05-01T08:30:00+07:00"}
    entry.update(extra)
    return entry


class Phone:
    """A signed-in learner's phone: it reads the CSRF token from a page, then sends JSON."""

    def __init__(self, browser):
        self.browser = browser

    def token(self) -> str:
        page = self.browser.get("/dasbor").get_data(as_text=True)
        match = CSRF_META_RE.search(page)
        assert match, "no csrf-token meta in the page"
        return match.group(1)

    def send(self, marks=None, *, payload=None, token: str | None = "page"):
        headers = {}
        if token == "page":
            headers["X-CSRFToken"] = self.token()
        elif token:
            headers["X-CSRFToken"] = token
        body = payload if payload is not None else {"marks": marks}
        return self.browser.client.post(SYNC, json=body, headers=headers)


@pytest.fixture
def phone(browser, learner):
    """The phone of `learner` (tests/conftest.py), who is signed in on the test's browser."""
    return Phone(browser)


def completions(user_id: int) -> set[str]:
    return set(db.session.scalars(
        select(Lesson.slug).join(LessonCompletion, LessonCompletion.lesson_id == Lesson.id)
        .where(LessonCompletion.user_id == user_id)
    ))


def synced_count() -> int:
    return db.session.scalar(select(func.count(SyncedMark.id)))


def test_the_same_batch_sent_twice_is_recorded_once(make_course, learner, phone):
    make_course()
    batch = [mark("pelajaran-a"), mark("pelajaran-c")]
    first = phone.send(batch)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert sorted(first.json["recorded"]) == sorted(m["id"] for m in batch)
    assert first.json["already"] == []
    assert first.json["progress"] == {"kursus-uji": 66}
    second = phone.send(batch)
    assert second.status_code == 200
    assert second.json["recorded"] == []
    assert sorted(second.json["already"]) == sorted(m["id"] for m in batch)
    assert completions(learner.id) == {"pelajaran-a", "pelajaran-c"}
    assert synced_count() == 2
    assert db.session.scalar(select(func.count(LessonCompletion.id))) == 2


def test_a_mark_keeps_the_time_it_was_made_on_the_phone(make_course, learner, phone):
    make_course()
    earlier = (utcnow() - timedelta(days=2)).replace(microsecond=0)
    future = (utcnow() + timedelta(days=30)).isoformat() + "Z"
    response = phone.send([mark("pelajaran-a", done_at=earlier.isoformat() + "Z"),
                           mark("pelajaran-b", done_at=future)])
    assert response.status_code == 200
    times = dict(db.session.execute(
        select(Lesson.slug, LessonCompletion.completed_at).join(Lesson, Lesson.id == LessonCompletion.lesson_id)
    ).all())
    assert times["pelajaran-a"] == earlier
    assert times["pelajaran-b"] <= utcnow()  # a phone clock ahead of ours cannot date a mark in the future


def test_an_offline_mark_of_a_lesson_already_done_online_changes_nothing(make_course, learner, phone):
    course = make_course()
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "pelajaran-a"))
    mark_lesson_done(learner.id, lesson)
    db.session.commit()
    response = phone.send([mark("pelajaran-a")])
    assert response.status_code == 200 and len(response.json["recorded"]) == 1
    assert completions(learner.id) == {"pelajaran-a"}
    assert course_progress(learner.id, course).percent == 33


def _refused(response, code="invalid_marks"):
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.mark.parametrize("bad, field, code", [
    (mark("pelajaran-x"), "lesson", "unknown_lesson"),
    (mark("pelajaran-a", course="kursus-tidak-ada"), "course", "unknown_course"),
    (mark("pelajaran-lain"), "lesson", "unknown_lesson"),  # a lesson of another course
    (mark("pelajaran-a", id="bukan-uuid"), "id", "bad_id"),
    (mark("pelajaran-a", id="123e4567e89b12d3a456426614174000"), "id", "bad_id"),
    (mark("pelajaran-a", id=12345), "id", "bad_id"),
    (mark("pelajaran-a", user_id=1), "user_id", "unknown_field"),  # a batch cannot name another learner
    (mark("pelajaran-a", done_at="kemarin sore"), "done_at", "bad_time"),
    (mark("pelajaran-a", done_at="1999-12-31T00:00:00Z"), "done_at", "bad_time"),
    ({"id": str(uuid.uuid4()), "course": "kursus-uji", "lesson": "pelajaran-a"}, "done_at", "missing"),
    (["pelajaran-a"], None, "not_an_object"),
], ids=["unknown-lesson", "unknown-course", "other-courses-lesson", "malformed-id", "id-without-hyphens",
        "id-not-a-string", "names-a-user", "malformed-time", "time-too-old", "missing-time", "not-an-object"])
def test_a_batch_with_one_wrong_mark_records_nothing(make_course, learner, phone, bad, field, code):
    make_course()
    make_course("kursus-lain", modules=[{"slug": "modul-lain", "title": "Modul Lain", "lessons": [
        {"slug": "pelajaran-lain", "title": "Pelajaran Lain", "body": "Isi.\n"}]}])
    response = phone.send([mark("pelajaran-a"), mark("pelajaran-b"), bad])
    error = _refused(response)
    assert [(p["index"], p["field"], p["code"]) for p in error["marks"]] == [(2, field, code)]
    assert all(p["message"] for p in error["marks"])
    assert completions(learner.id) == set()
    assert synced_count() == 0
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_every_problem_of_a_batch_is_listed(make_course, learner, phone):
    make_course()
    same = str(uuid.uuid4())
    response = phone.send([mark("pelajaran-a", id=same), mark("pelajaran-b", id=same),
                           mark("tidak-ada", done_at="x")])
    error = _refused(response)
    assert [(p["index"], p["code"]) for p in error["marks"]] == [(1, "duplicate_id"), (2, "unknown_lesson"),
                                                                 (2, "bad_time")]
    assert synced_count() == 0


@pytest.mark.parametrize("payload, code", [
    ({"marks": []}, "empty_batch"),
    ({"marks": [mark("pelajaran-a") for _ in range(MAX_MARKS + 1)]}, "too_many_marks"),
    ({"marks": [mark("pelajaran-a")], "user": 1}, "bad_request"),
    ([mark("pelajaran-a")], "bad_request"),
    ({"tanda": []}, "bad_request"),
], ids=["empty", "too-many", "names-a-user", "a-list", "no-marks"])
def test_malformed_batches_are_refused(make_course, learner, phone, payload, code):
    make_course()
    _refused(phone.send(payload=payload), code)
    assert synced_count() == 0 and completions(learner.id) == set()


def test_a_body_that_is_not_json_is_refused(make_course, learner, phone):
    make_course()
    response = phone.browser.client.post(SYNC, data="marks=1", headers={"X-CSRFToken": phone.token()},
                                         content_type="text/plain")
    _refused(response, "bad_request")


def test_an_id_reused_for_another_lesson_is_refused(make_course, learner, phone):
    make_course()
    reused = str(uuid.uuid4())
    assert phone.send([mark("pelajaran-a", id=reused)]).status_code == 200
    error = _refused(phone.send([mark("pelajaran-c"), mark("pelajaran-b", id=reused)]))
    assert [(p["index"], p["code"], p["id"]) for p in error["marks"]] == [(1, "id_reused", reused)]
    assert completions(learner.id) == {"pelajaran-a"}


def test_another_learners_ids_only_ever_record_the_sender_s_own_progress(make_course, make_user, browser):
    make_course()
    first, second = make_user(), make_user()
    browser.login(first.phone)
    shared = [mark("pelajaran-a"), mark("pelajaran-b")]
    assert Phone(browser).send(shared).status_code == 200
    browser.logout()
    browser.login(second.phone)
    response = Phone(browser).send(shared + [mark("pelajaran-c")])  # the first learner's ids, sent again
    assert response.status_code == 200
    assert len(response.json["recorded"]) == 3  # ids belong to each learner: nothing of the first is touched
    assert completions(first.id) == {"pelajaran-a", "pelajaran-b"}
    assert completions(second.id) == {"pelajaran-a", "pelajaran-b", "pelajaran-c"}
    assert db.session.scalar(select(func.count(SyncedMark.id)).where(SyncedMark.user_id == first.id)) == 2


@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing", "wrong"])
def test_a_batch_without_the_csrf_header_is_refused(make_course, learner, phone, token):
    make_course()
    response = phone.send([mark("pelajaran-a")], token=token)
    assert response.status_code == 400
    assert response.is_json and response.json["error"]["message"]
    assert synced_count() == 0 and completions(learner.id) == set()


def test_a_batch_from_a_signed_out_phone_is_refused(make_course, client):
    make_course()
    page = client.get("/kursus/kursus-uji").get_data(as_text=True)
    token = CSRF_META_RE.search(page).group(1)
    response = client.post(SYNC, json={"marks": [mark("pelajaran-a")]}, headers={"X-CSRFToken": token})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "not_signed_in"
    assert synced_count() == 0


def test_an_unpublished_course_cannot_be_synced(make_course, learner, phone):
    make_course(course={"published": False})
    error = _refused(phone.send([mark("pelajaran-a")]))
    assert error["marks"][0]["code"] == "unknown_course"


def test_a_mark_of_a_lesson_retired_while_offline_is_kept_in_history(tmp_path, learner, phone):
    folder = write_course(tmp_path / "content", "kursus-uji")
    import_content(folder)
    db.session.commit()
    # A new version of the course is published while the phone is offline: pelajaran-b is gone.
    next(folder.glob("01-*/02-pelajaran-b.md")).unlink()
    import_content(folder)
    db.session.commit()
    retired = db.session.scalar(select(Lesson).where(Lesson.slug == "pelajaran-b"))
    assert retired.retired_at is not None
    response = phone.send([mark("pelajaran-a"), mark("pelajaran-b")])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.json["recorded"]) == 2
    assert completions(learner.id) == {"pelajaran-a", "pelajaran-b"}
    # The retired lesson no longer counts: a and c are the course now.
    assert response.json["progress"] == {"kursus-uji": 50}


def test_mark_lesson_done_records_a_retired_lesson_without_completing_anything_twice(make_course, make_user):
    course = make_course()
    user = make_user()
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "pelajaran-b"))
    lesson.retired_at = utcnow()
    db.session.commit()
    assert mark_lesson_done(user.id, lesson, done_at=datetime(2026, 1, 2, 3, 4, 5)) is True
    assert mark_lesson_done(user.id, lesson) is False
    assert completions(user.id) == {"pelajaran-b"}
    assert course_progress(user.id, course).done_steps == 0


def test_syncing_the_last_lessons_completes_the_course_once(make_course, learner, phone):
    make_course()
    sent = []

    def receiver(course, **kwargs):
        sent.append((course.slug, kwargs["user_id"]))

    course_completed.connect(receiver)
    try:
        batch = [mark("pelajaran-a"), mark("pelajaran-b"), mark("pelajaran-c")]
        assert phone.send(batch).json["progress"] == {"kursus-uji": 100}
        assert phone.send(batch).status_code == 200
    finally:
        course_completed.disconnect(receiver)
    assert sent == [("kursus-uji", learner.id)]
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment.completed_at is not None
