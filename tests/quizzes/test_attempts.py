"""Attempts: questions fixed at the start, limits and waits enforced, graded exactly once."""
from __future__ import annotations

import random
import re
import threading
import time
from datetime import timedelta

import pytest

from sqlalchemy import delete, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import scoped_session, sessionmaker

from lms.accounts.models import User
from lms.accounts.services import register_user
from lms.courses.importer import import_content
from lms.courses.models import Course, Enrollment, QuizPass
from lms.extensions import db
from lms.quizzes import services
from lms.quizzes.models import Attempt, AttemptQuestion, Quiz
from lms.quizzes.queries import shown_questions
from lms.quizzes.services import AttemptRefused, draw_questions, start_attempt, submit_attempt
from tests.conftest import csrf_token_from
from tests.factories import write_course
from tests.ops.test_query_counts import counted_statements
from tests.quizzes.conftest import LESSONS, pool, quiz_yaml, right_answer, sheet, wrong_answer

#: the signed token carries a timestamp: in the forms and in the page's <meta name="csrf-token">
CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>|<meta name="csrf-token"[^>]*>')


def sequence(attempt: Attempt) -> list[tuple[int, list[int]]]:
    """The attempt as shown: (question id, option ids in order) per question."""
    return [(s.question.id, [c.option.id for c in s.choices]) for s in shown_questions(attempt)]


def test_an_attempt_draws_n_of_m_and_shows_the_same_on_every_reload(make_quiz, learner, pages, browser):
    quiz = make_quiz(pool(20), questions_per_attempt=8)
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    drawn = sequence(attempt)
    assert len(drawn) == 8 and len({question for question, _options in drawn}) == 8
    first = browser.get(quiz_pages.attempt_url(attempt.id)).get_data(as_text=True)
    again = browser.get(quiz_pages.attempt_url(attempt.id)).get_data(as_text=True)
    assert first.count('<fieldset class="panel quiz-question') == 8
    assert CSRF_RE.sub("", first) == CSRF_RE.sub("", again)
    # Starting again while an attempt is open continues it: nothing new is drawn.
    response = quiz_pages.start()
    assert response.headers["Location"].endswith(quiz_pages.attempt_url(attempt.id))
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    assert sequence(attempt) == drawn


def test_different_attempts_draw_and_order_differently(make_quiz, learner, pages):
    quiz = make_quiz(pool(20), questions_per_attempt=10)
    quiz_pages = pages(quiz)
    first = quiz_pages.start_attempt()
    quiz_pages.submit(first.id, sheet(first))
    second = quiz_pages.start_attempt()
    assert second.number == 2 and second.id != first.id
    # 20!/10! orders of 10 drawn questions: two equal draws would be a one-in-10^11 event.
    assert [q for q, _o in sequence(first)] != [q for q, _o in sequence(second)]


def test_shuffling_is_random_per_attempt_but_reproducible_with_a_seed(make_quiz):
    quiz = make_quiz(pool(12), questions_per_attempt=6)

    def drawn(seed):
        items = draw_questions(quiz, random.Random(seed))
        return [(item.question_id, [o for o, _t in item.option_order]) for item in items]

    assert drawn(7) == drawn(7)
    draws = {tuple(q for q, _o in drawn(seed)) for seed in range(30)}
    assert len(draws) == 30
    option_orders = {(q, tuple(o)) for seed in range(30) for q, o in drawn(seed)}
    assert len(option_orders) == 12 * 2  # both orders of each question's two options occur


def test_without_shuffling_questions_and_options_keep_the_file_order(make_quiz):
    quiz = make_quiz(shuffle_questions=False, shuffle_options=False)
    for seed in range(10):
        items = draw_questions(quiz, random.Random(seed))
        questions = [q for q in quiz.questions]
        assert [item.question_id for item in items] == [q.id for q in questions]
        for item, question in zip(items, questions, strict=True):
            shown = [option_id for option_id, _token in item.option_order]
            if question.type == "ordering":  # steps are always shuffled, never in the right order
                assert sorted(shown) == sorted(o.id for o in question.options)
                assert shown != [o.id for o in question.options]
            else:
                assert shown == [o.id for o in question.options]


def test_ordering_steps_are_never_shown_in_the_right_order(make_quiz):
    quiz = make_quiz()
    ordering = next(q for q in quiz.questions if q.type == "ordering")
    right = [o.id for o in ordering.options]
    for seed in range(200):
        item = next(i for i in draw_questions(quiz, random.Random(seed)) if i.question_id == ordering.id)
        assert [o for o, _t in item.option_order] != right


def test_tokens_are_opaque_and_unique_within_an_attempt(make_quiz, learner, pages):
    quiz = make_quiz()
    attempt = pages(quiz).start_attempt()
    tokens = [token for shown in shown_questions(attempt) for token in (c.token for c in shown.choices)]
    assert len(tokens) == len(set(tokens)) and all(re.fullmatch(r"[0-9a-f]{8}", t) for t in tokens)


def test_the_maximum_number_of_attempts_is_enforced(make_quiz, learner, pages, browser):
    quiz = make_quiz(max_attempts=2)
    quiz_pages = pages(quiz)
    for _ in range(2):
        attempt = quiz_pages.start_attempt()
        quiz_pages.submit(attempt.id, sheet(attempt, wrong_answer))
    response = quiz_pages.start()
    assert response.status_code == 302 and response.headers["Location"].endswith(quiz_pages.home)
    assert db.session.scalar(select(func.count(Attempt.id))) == 2
    home = browser.get(quiz_pages.home).get_data(as_text=True)
    assert home.count("You have used all 2 attempts at this quiz.") == 2  # the flash and the page
    assert f'action="{quiz_pages.home}/mulai"' not in home
    with pytest.raises(AttemptRefused) as refused:  # the service enforces it, not only the page
        start_attempt(learner.id, quiz)
    assert refused.value.reason == "no_attempts_left"


def test_attempts_left_are_shown(make_quiz, learner, pages, browser):
    quiz = make_quiz(max_attempts=3)
    quiz_pages = pages(quiz)
    assert "You have 3 attempts left." in browser.get(quiz_pages.home).get_data(as_text=True)
    attempt = quiz_pages.start_attempt()
    quiz_pages.submit(attempt.id, sheet(attempt, wrong_answer))
    assert "You have 2 attempts left." in browser.get(quiz_pages.home).get_data(as_text=True)


def test_the_waiting_time_between_attempts_is_enforced_with_a_clear_message(make_quiz, learner, pages, browser):
    quiz = make_quiz(wait_minutes=30)
    quiz_pages = pages(quiz)
    first = quiz_pages.start_attempt()
    quiz_pages.submit(first.id, sheet(first, wrong_answer))

    refused = quiz_pages.start()
    assert refused.status_code == 302
    home = browser.get(quiz_pages.home).get_data(as_text=True)
    assert "You can start your next attempt on" in home and "(in 30 minutes)" in home
    assert db.session.scalar(select(func.count(Attempt.id))) == 1

    db.session.refresh(first)
    first.submitted_at -= timedelta(minutes=29)
    db.session.commit()
    browser.get(quiz_pages.home)  # the wait is not over yet
    quiz_pages.start()
    assert "(in 1 minute)" in browser.get(quiz_pages.home).get_data(as_text=True)

    db.session.refresh(first)
    first.submitted_at -= timedelta(minutes=2)
    db.session.commit()
    second = quiz_pages.start_attempt()
    assert second.number == 2


def test_the_wait_time_is_formatted_in_the_learners_language(make_quiz, learner, pages, browser):
    quiz = make_quiz(wait_minutes=120)
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    quiz_pages.submit(attempt.id, sheet(attempt))
    browser.post_form("/bahasa", {"lang": "id", "next": "/"}, form_url="/")
    assert "2 jam" in browser.get(quiz_pages.home).get_data(as_text=True)


def test_a_second_submission_changes_nothing(make_quiz, learner, pages, browser):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    right, wrong = sheet(attempt), sheet(attempt, wrong_answer)
    assert quiz_pages.submit(attempt.id, right).status_code == 302
    db.session.refresh(attempt)
    graded = (attempt.submitted_at, attempt.score, attempt.passed)
    answers = {item.id: (item.answer, item.is_correct) for item in attempt.items}

    for data in (right, wrong):  # a double tap, then the back button with other answers
        response = quiz_pages.submit(attempt.id, data)
        assert response.status_code == 302 and response.headers["Location"] == quiz_pages.result_url(attempt.id)
    page = browser.get(quiz_pages.result_url(attempt.id)).get_data(as_text=True)
    assert "These answers were already sent. Here is the result." in page

    db.session.expire_all()
    assert (attempt.submitted_at, attempt.score, attempt.passed) == graded
    assert {item.id: (item.answer, item.is_correct) for item in attempt.items} == answers
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    assert db.session.scalar(select(func.count(QuizPass.id))) == 1
    # The service itself refuses a second grade: the conditional UPDATE changes no row.
    assert submit_attempt(attempt, {item.id: [] for item in attempt.items}) is False
    assert (attempt.submitted_at, attempt.score) == graded[:2]


def test_a_submitted_attempt_page_leads_to_its_result(make_quiz, learner, pages, browser):
    quiz = make_quiz()
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    assert browser.get(quiz_pages.result_url(attempt.id)).headers["Location"].endswith(
        quiz_pages.attempt_url(attempt.id))  # not graded yet
    quiz_pages.submit(attempt.id, sheet(attempt))
    assert browser.get(quiz_pages.attempt_url(attempt.id)).headers["Location"].endswith(
        quiz_pages.result_url(attempt.id))


def test_simultaneous_starts_create_one_attempt(make_quiz, make_user, monkeypatch):
    quiz = make_quiz()
    user = make_user()
    first = start_attempt(user.id, quiz)
    db.session.commit()
    # A second request read "no attempt yet" just before the first one committed:
    stale = services.Eligibility(open_attempt=None, attempts_used=0, attempts_left=None)
    monkeypatch.setattr(services, "eligibility", lambda *args, **kwargs: stale)
    second = start_attempt(user.id, quiz)  # the unique (user, quiz, number) refuses a second attempt 1
    assert second.id == first.id
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    assert db.session.scalar(select(func.count(AttemptQuestion.id))) == len(first.items)


@pytest.mark.own_app  # committed data on separate connections: no test-wide transaction
def test_truly_concurrent_submissions_grade_once(app, monkeypatch, tmp_path):
    """Two requests submit the same attempt at the same moment, on separate connections.

    This needs committed data, so it does not use the rolled-back test transaction; it
    cleans up after itself. The first UPDATE holds its row for a moment, so the other
    submission really waits on it. PostgreSQL: the loser's UPDATE then matches no row.
    SQLite: each writing transaction takes the write lock when it begins, so the loser waits
    for the winner's commit and then, too, matches no row.
    """
    with app.app_context():
        engine = db.engine
        session = scoped_session(sessionmaker(bind=engine), scopefunc=threading.get_ident)
        monkeypatch.setattr(db, "session", session)
        user_id = None
        try:
            folder = write_course(tmp_path, "kursus-serentak",
                                  modules=[{"slug": "modul", "title": "Modul", "lessons": LESSONS,
                                            "quiz": quiz_yaml()}])
            import_content(folder)
            user = register_user("Peserta Serentak", "phone", "+6281299990001", "kata sandi aman 1")
            session.commit()
            user_id = user.id
            quiz = session.scalar(select(Quiz).join(Quiz.module).join(Course).where(Course.slug == "kursus-serentak"))
            attempt = start_attempt(user_id, quiz)
            session.commit()
            attempt_id = attempt.id
            answers = {
                "right": {s.item.id: [o.id for o in right_answer(s)] for s in shown_questions(attempt)},
                "wrong": {s.item.id: [o.id for o in wrong_answer(s)] for s in shown_questions(attempt)},
            }
            session.remove()

            def hold_the_row(_conn, _cursor, statement, *_args):
                if statement.lstrip().upper().startswith("UPDATE QUIZ_ATTEMPTS"):
                    time.sleep(0.3)

            event.listen(engine, "after_cursor_execute", hold_the_row)
            barrier = threading.Barrier(2)
            outcomes: dict[str, object] = {}

            # On SQLite a posting request holds the write lock from its first statement, so the
            # two can only meet before it; on PostgreSQL both read everything before either writes.
            meet_first = engine.dialect.name == "sqlite"

            def submit(name):
                with app.test_request_context(method="POST"):
                    try:
                        if meet_first:
                            barrier.wait()
                        mine = db.session.get(Attempt, attempt_id)
                        _ = [item.question.type for item in mine.items]  # read everything first, as a request does
                        if not meet_first:
                            barrier.wait()
                        outcomes[name] = submit_attempt(mine, answers[name])
                        db.session.commit()
                    except OperationalError:
                        db.session.rollback()
                        outcomes[name] = "locked"
                    finally:
                        db.session.remove()

            threads = [threading.Thread(target=submit, args=(name,)) for name in answers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            event.remove(engine, "after_cursor_execute", hold_the_row)

            winners = [name for name, outcome in outcomes.items() if outcome is True]
            assert len(winners) == 1, outcomes
            loser = next(name for name in answers if name not in winners)
            assert outcomes[loser] is False
            graded = session.get(Attempt, attempt_id)
            assert graded.score == (100 if winners == ["right"] else 0)
            items = session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
            expected = answers[winners[0]]
            assert all(sorted(item.answer) == sorted(expected[item.id]) for item in items)
            assert session.scalar(select(func.count(QuizPass.id)).where(QuizPass.user_id == user_id)) == (
                1 if winners == ["right"] else 0)
        finally:
            session.rollback()
            session.execute(delete(Course).where(Course.slug == "kursus-serentak"))
            if user_id is not None:
                session.execute(delete(Enrollment).where(Enrollment.user_id == user_id))
                session.execute(delete(User).where(User.id == user_id))
            session.commit()
            session.remove()



def test_starting_and_taking_an_attempt_reads_as_many_statements_for_3_or_15_questions(make_quiz, learner, pages,
                                                                                       browser):
    """No query per question: the questions' options come in one query however many are drawn."""
    def reads(quiz) -> list[int]:
        quiz_pages = pages(quiz)
        token = csrf_token_from(browser.get(quiz_pages.home).get_data(as_text=True))
        db.session.remove()
        counts = []
        with counted_statements() as started:
            response = browser.client.post(f"{quiz_pages.home}/mulai", data={"csrf_token": token})
        assert response.status_code == 302
        counts.append(sum(s.lstrip().upper().startswith("SELECT") for s in started))
        with counted_statements() as shown:
            assert browser.get(response.headers["Location"]).status_code == 200
        counts.append(sum(s.lstrip().upper().startswith("SELECT") for s in shown))
        return counts

    small = reads(make_quiz(pool(3), slug="kuis-kecil"))
    large = reads(make_quiz(pool(15), slug="kuis-besar"))
    assert small == large, (small, large)
