"""Who may see what: sign-in required, own attempts only, published courses only."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.courses.models import Enrollment
from lms.extensions import db
from lms.quizzes.models import Attempt
from lms.quizzes.queries import shown_questions
from lms.quizzes.services import start_attempt, submit_attempt
from tests.quizzes.conftest import LESSONS, quiz_yaml, right_answer, sheet

HOME = "/kursus/kursus-kuis/kuis/modul-kuis"


@pytest.mark.parametrize("path", [f"{HOME}/percobaan/1", f"{HOME}/percobaan/1/hasil"])
def test_anonymous_visitors_are_sent_to_sign_in(make_quiz, client, path):
    # (The quiz home itself tells a visitor what the quiz is: see test_next_step.py.)
    make_quiz()
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk?next=")


@pytest.mark.parametrize("path", [f"{HOME}/mulai", f"{HOME}/percobaan/1"])
def test_anonymous_posts_with_a_valid_token_are_sent_to_sign_in(make_quiz, browser, path):
    make_quiz()
    response = browser.post_form(path, form_url="/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk?next=")
    assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_starting_an_attempt_enrols_the_learner(make_quiz, learner, pages):
    quiz = make_quiz()
    pages(quiz).start_attempt()
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id)) is not None


@pytest.mark.parametrize("graded", [False, True])
def test_another_learners_attempt_is_not_found(make_quiz, make_user, learner, pages, browser, graded):
    quiz = make_quiz()
    someone = make_user()
    theirs = start_attempt(someone.id, quiz)
    db.session.commit()
    quiz_pages = pages(quiz)
    if graded:
        mine = quiz_pages.start_attempt()
        quiz_pages.submit(mine.id, sheet(mine))
        submit_attempt(theirs, {s.item.id: [o.id for o in right_answer(s)] for s in shown_questions(theirs)})
        db.session.commit()
    assert browser.get(quiz_pages.attempt_url(theirs.id)).status_code == 404
    assert browser.get(quiz_pages.result_url(theirs.id)).status_code == 404
    response = browser.post_form(quiz_pages.attempt_url(theirs.id), sheet(theirs), form_url=quiz_pages.home)
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert (theirs.submitted_at is not None) is graded


def test_an_attempt_is_only_found_under_its_own_quiz(make_quiz, learner, pages, browser):
    quiz = make_quiz()
    other_quiz = make_quiz(slug="kursus-lain")
    attempt = pages(quiz).start_attempt()
    assert browser.get(pages(other_quiz).attempt_url(attempt.id)).status_code == 404
    assert browser.get(pages(other_quiz).result_url(attempt.id)).status_code == 404


def test_quizzes_of_unpublished_courses_are_not_found(make_quiz, learner, browser):
    make_quiz(course={"published": False})
    assert browser.get(HOME).status_code == 404
    assert browser.post_form(f"{HOME}/mulai", form_url="/").status_code == 404
    assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_an_attempt_of_a_course_that_got_unpublished_is_not_found(make_quiz, learner, pages, browser):
    quiz = make_quiz()
    attempt = pages(quiz).start_attempt()
    quiz.module.course.is_published = False
    db.session.commit()
    assert browser.get(pages(quiz).attempt_url(attempt.id)).status_code == 404


@pytest.mark.parametrize("path", [
    "/kursus/tidak-ada/kuis/modul-kuis", "/kursus/kursus-kuis/kuis/tidak-ada",
    "/kursus/kursus-kuis/kuis/modul-tanpa-kuis",
    f"{HOME}/percobaan/999999", f"{HOME}/percobaan/999999/hasil",
])
def test_unknown_quizzes_and_attempts_are_not_found(make_course, learner, browser, path):
    make_course("kursus-kuis", modules=[
        {"slug": "modul-kuis", "title": "Modul Kuis", "lessons": LESSONS, "quiz": quiz_yaml()},
        {"slug": "modul-tanpa-kuis", "title": "Tanpa Kuis", "lessons": [
            {"slug": "pelajaran-lain", "title": "Lain", "body": "Isi.\n"}]},
    ])
    assert browser.get(path).status_code == 404
