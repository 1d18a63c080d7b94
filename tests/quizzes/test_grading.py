"""Grading: all or nothing per question, percent rounded down, graded on the server from what was shown."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.courses.models import Enrollment, QuizPass
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from lms.quizzes.models import AttemptQuestion
from lms.quizzes.services import is_right, score_percent
from tests.quizzes.conftest import ALL_TYPES, right_answer, sheet, shown_by_key, wrong_answer


def option(option_id, *, correct=False, position=0):
    return SimpleNamespace(id=option_id, is_correct=correct, position=position)


A, B, C, D = option(1, correct=True), option(2, correct=True), option(3), option(4)


@pytest.mark.parametrize("question_type, shown, answer, expected", [
    ("single", [C, A, D], [1], True),
    ("single", [C, A, D], [3], False),
    ("single", [C, A, D], [1, 3], False),
    ("single", [C, A, D], [], False),
    ("true_false", [A, C], [1], True),
    ("true_false", [A, C], [3], False),
    ("multiple", [A, B, C, D], [2, 1], True),
    ("multiple", [A, B, C, D], [1], False),  # partly right gets nothing
    ("multiple", [A, B, C, D], [1, 2, 3], False),  # right ones plus a wrong one
    ("multiple", [A, B, C, D], [1, 1], False),
    ("multiple", [A, B, C, D], [], False),
])
def test_choice_questions_are_right_or_wrong(question_type, shown, answer, expected):
    assert is_right(question_type, shown, answer) is expected


def test_ordering_is_right_only_in_the_exact_order():
    steps = [option(10, position=3), option(11, position=1), option(12, position=4), option(13, position=2)]
    assert is_right("ordering", steps, [11, 13, 10, 12]) is True
    assert is_right("ordering", steps, [13, 11, 10, 12]) is False  # two steps swapped
    assert is_right("ordering", steps, [12, 10, 13, 11]) is False
    assert is_right("ordering", steps, [11, 13, 10]) is False


@pytest.mark.parametrize("right, total, score", [(0, 4, 0), (1, 3, 33), (2, 3, 66), (7, 10, 70), (4, 4, 100)])
def test_score_is_a_percent_rounded_down(right, total, score):
    assert score_percent(right, total) == score


def test_all_right_passes_records_the_pass_and_keeps_the_answers(make_quiz, learner, pages):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id)) is not None
    data = sheet(attempt)
    response = quiz_pages.submit(attempt.id, data)
    assert response.status_code == 302 and response.headers["Location"] == quiz_pages.result_url(attempt.id)
    db.session.refresh(attempt)
    assert (attempt.score, attempt.passed, attempt.pass_mark) == (100, True, 70)
    assert attempt.submitted_at is not None
    for shown in shown_by_key(attempt).values():
        assert shown.item.is_correct is True
        expected = [o.id for o in shown.right_options]
        assert (sorted(shown.item.answer) if shown.question.type == "multiple" else shown.item.answer) == (
            sorted(expected) if shown.question.type == "multiple" else expected)
    best = db.session.scalar(select(QuizPass).where(QuizPass.user_id == learner.id))
    assert best.best_score == 100 and best.module_id == quiz.module_id


@pytest.mark.parametrize("wrong_key", [q["id"] for q in ALL_TYPES])
def test_one_wrong_answer_of_each_type(make_quiz, learner, pages, wrong_key):
    """single: a wrong option; multiple: only one of the two right ones; true_false: the wrong one;
    ordering: the steps reversed."""
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()

    def choose(shown):
        return wrong_answer(shown) if shown.question.key == wrong_key else right_answer(shown)

    quiz_pages.submit(attempt.id, sheet(attempt, choose))
    db.session.refresh(attempt)
    assert (attempt.score, attempt.passed) == (75, True)
    results = {shown.question.key: shown.item.is_correct for shown in shown_by_key(attempt).values()}
    assert results == {q["id"]: q["id"] != wrong_key for q in ALL_TYPES}


def test_an_almost_right_order_and_a_superset_are_wrong(make_quiz, learner, pages):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()

    def choose(shown):
        right = right_answer(shown)
        if shown.question.type == "ordering":
            return [right[1], right[0], *right[2:]]
        if shown.question.type == "multiple":
            return [c.option for c in shown.choices]  # every option ticked
        return right

    quiz_pages.submit(attempt.id, sheet(attempt, choose))
    db.session.refresh(attempt)
    assert (attempt.score, attempt.passed) == (50, False)
    assert db.session.scalar(select(QuizPass).where(QuizPass.user_id == learner.id)) is None


def test_failing_below_the_pass_mark_records_no_pass(make_quiz, learner, pages):
    quiz = make_quiz(pass_mark=80)
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    quiz_pages.submit(attempt.id, sheet(attempt, lambda s: wrong_answer(s) if s.position == 1 else right_answer(s)))
    db.session.refresh(attempt)
    assert (attempt.score, attempt.passed, attempt.pass_mark) == (75, False, 80)
    assert db.session.scalar(select(QuizPass)) is None
    answered = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)).all()
    assert all(item.answer for item in answered)


def test_the_best_passing_score_counts_and_a_pass_completes_the_course(make_quiz, learner, pages):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    mark_lesson_done(learner.id, quiz.module.lessons[0])
    db.session.commit()
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment.completed_at is None  # the quiz is not passed yet
    one_wrong = lambda s: wrong_answer(s) if s.position == 1 else right_answer(s)  # noqa: E731
    for choose, best in ((wrong_answer, None), (one_wrong, 75), (right_answer, 100), (wrong_answer, 100)):
        attempt = quiz_pages.start_attempt()
        quiz_pages.submit(attempt.id, sheet(attempt, choose))
        assert db.session.scalar(select(QuizPass.best_score).where(QuizPass.user_id == learner.id)) == best
        db.session.refresh(enrollment)
        assert (enrollment.completed_at is not None) is (best is not None)
