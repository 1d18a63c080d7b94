"""Tampered or incomplete answer sheets: a clear message and the form again (400), never a grade."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.courses.models import QuizPass
from lms.extensions import db
from lms.quizzes.models import AttemptQuestion
from tests.quizzes.conftest import shown_by_key, sheet

TAMPERED = "Some of the answers sent do not belong to this quiz."
MISSING = "Please answer every question, then send your answers again."


def _single(attempt):
    return shown_by_key(attempt)["kapan-cuci-tangan"]


def _ordering(attempt):
    return shown_by_key(attempt)["urutan-cuci-tangan"]


def option_of_another_question(attempt):
    other = shown_by_key(attempt)["tanda-bahaya-luka"].choices[0].token
    return sheet(attempt, overrides={_single(attempt).field_name: other})


def made_up_token(attempt):
    return sheet(attempt, overrides={_single(attempt).field_name: "deadbeef"})


def two_answers_to_a_single_question(attempt):
    single = _single(attempt)
    return sheet(attempt, overrides={single.field_name: [c.token for c in single.choices[:2]]})


def the_same_option_twice(attempt):
    multiple = shown_by_key(attempt)["tanda-bahaya-luka"]
    token = multiple.choices[0].token
    return sheet(attempt, overrides={multiple.field_name: [token, token]})


def made_up_question(attempt):
    return sheet(attempt, overrides={"q99": _single(attempt).choices[0].token})


def a_field_we_did_not_send(attempt):
    return sheet(attempt, overrides={"score": "100"})


def non_numeric_rank(attempt):
    ordering = _ordering(attempt)
    return sheet(attempt, overrides={f"{ordering.field_name}-{ordering.choices[0].token}": "satu"})


def rank_out_of_range(attempt):
    ordering = _ordering(attempt)
    return sheet(attempt, overrides={f"{ordering.field_name}-{ordering.choices[0].token}": "9"})


def huge_rank(attempt):
    ordering = _ordering(attempt)
    return sheet(attempt, overrides={f"{ordering.field_name}-{ordering.choices[0].token}": "9" * 5000})


def step_of_another_question(attempt):
    data = sheet(attempt)
    ordering = _ordering(attempt)
    del data[f"{ordering.field_name}-{ordering.choices[0].token}"]
    data[f"{ordering.field_name}-{_single(attempt).choices[0].token}"] = "1"
    return data


@pytest.mark.parametrize("tamper", [
    option_of_another_question, made_up_token, two_answers_to_a_single_question, the_same_option_twice,
    made_up_question, a_field_we_did_not_send, non_numeric_rank, rank_out_of_range, huge_rank,
    step_of_another_question,
])
def test_a_tampered_sheet_is_refused_without_grading(make_quiz, learner, pages, tamper):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    response = quiz_pages.submit(attempt.id, tamper(attempt))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert TAMPERED in body and 'class="quiz-sheet"' in body  # the form again
    _assert_not_graded(attempt)
    # The learner can still send a proper sheet.
    assert quiz_pages.submit(attempt.id, sheet(attempt)).status_code == 302


def _assert_not_graded(attempt):
    db.session.refresh(attempt)
    assert attempt.submitted_at is None and attempt.score is None and attempt.passed is None
    items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)).all()
    assert all(item.answer is None and item.is_correct is None for item in items)
    assert db.session.scalar(select(func.count(QuizPass.id))) == 0


def test_a_missing_answer_shows_the_sheet_again_with_the_answers_kept(make_quiz, learner, pages):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    data = sheet(attempt)
    single = _single(attempt)
    del data[single.field_name]
    response = quiz_pages.submit(attempt.id, data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert MISSING in body
    assert f'<a href="#{single.field_name}">Question {single.position}</a>: Answer this question.' in body
    multiple = shown_by_key(attempt)["tanda-bahaya-luka"]
    for token in data[multiple.field_name]:  # what was answered is still ticked
        assert f'value="{token}" checked' in body
    ordering = _ordering(attempt)
    rank = data[f"{ordering.field_name}-{ordering.choices[0].token}"]
    assert f'<option value="{rank}" selected>' in body
    _assert_not_graded(attempt)


@pytest.mark.parametrize("question_key, blank, message", [
    ("tanda-bahaya-luka", "all", "Choose at least one answer."),
    ("urutan-cuci-tangan", "one step", "Give every step a number."),
    ("sabun-lima-detik", "all", "Answer this question."),
])
def test_each_kind_of_missing_answer_is_explained(make_quiz, learner, pages, question_key, blank, message):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    data = sheet(attempt)
    shown = shown_by_key(attempt)[question_key]
    if blank == "one step":
        data[f"{shown.field_name}-{shown.choices[0].token}"] = ""
    else:
        del data[shown.field_name]
    body = quiz_pages.submit(attempt.id, data).get_data(as_text=True)
    assert f'id="{shown.field_name}-error">{message}</p>' in body and MISSING in body
    _assert_not_graded(attempt)


def test_the_same_rank_twice_is_explained(make_quiz, learner, pages):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    ordering = _ordering(attempt)
    data = sheet(attempt)
    for choice in ordering.choices[:2]:
        data[f"{ordering.field_name}-{choice.token}"] = "1"
    response = quiz_pages.submit(attempt.id, data)
    assert response.status_code == 400
    assert "Give each step a different number." in response.get_data(as_text=True)
    _assert_not_graded(attempt)


def test_an_empty_sheet_is_refused(make_quiz, learner, pages):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    response = quiz_pages.submit(attempt.id, {})
    assert response.status_code == 400 and MISSING in response.get_data(as_text=True)
    _assert_not_graded(attempt)


def test_a_sheet_without_csrf_token_is_refused(make_quiz, learner, pages, browser):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    data = sheet(attempt)
    response = browser.client.post(quiz_pages.attempt_url(attempt.id), data=data)
    assert response.status_code == 400
    _assert_not_graded(attempt)
