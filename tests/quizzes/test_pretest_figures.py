"""The pre-test counts for nothing a learner must do, and gives a programme its knowledge-gain figures."""
from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment, QuizPass
from lms.courses.progress import course_progress
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.quizzes.queries import Figure, KnowledgeGain, first_attempt_passes, knowledge_gain, shown_questions
from lms.quizzes.queries import shown_pretest_questions
from lms.quizzes.services import eligibility, start_attempt, submit_attempt
from lms.quizzes.services_pretest import start_pretest, submit_pretest
from tests.ops.test_query_counts import counted_statements
from tests.quizzes.conftest import module_pool, pretest_sheet, quiz_yaml, right_answer, wrong_answer


def answers(shown_list, choose) -> dict[int, list[int]]:
    return {shown.item.id: [option.id for option in choose(shown)] for shown in shown_list}


def take_pretest(user, course, choose=right_answer):
    pretest = start_pretest(user.id, course)
    assert submit_pretest(pretest, answers(shown_pretest_questions(pretest), choose))
    db.session.commit()
    return pretest


def take_quiz(user, quiz, choose):
    attempt = start_attempt(user.id, quiz)
    assert submit_attempt(attempt, answers(shown_questions(attempt), choose))
    db.session.commit()
    return attempt


def quizzes_of(course) -> list[Quiz]:
    return [db.session.scalar(select(Quiz).where(Quiz.module_id == module.id)) for module in course.modules]


def test_a_perfect_pretest_counts_for_no_step_no_pass_no_attempt_and_no_certificate(
        make_pretest_course, learner, pretest_pages, browser):
    course = make_pretest_course(modules=[
        {"slug": "satu-satunya", "title": "Satu-satunya", "lessons": [
            {"slug": "satu-a", "title": "A", "body": "Isi.\n"}],
         "quiz": quiz_yaml(module_pool(1), questions_per_attempt=2, max_attempts=2, wait_minutes=60)}])
    pages = pretest_pages(course)
    pretest = pages.start_pretest()
    assert pages.submit(pretest_sheet(pretest)).status_code == 302
    assert "Your pre-test score: 100%" in browser.get(pages.home).get_data(as_text=True)
    assert browser.get("/dasbor").status_code == 200  # the dashboard completes what is due: nothing is

    progress = course_progress(learner.id, course)
    assert (progress.done_steps, progress.percent, progress.has_started, progress.is_complete) == (0, 0, False, False)
    assert progress.modules[0].quiz_score is None and not progress.modules[0].quiz_passed
    assert db.session.scalar(select(func.count(QuizPass.id))) == 0
    assert db.session.scalar(select(func.count(Attempt.id))) == 0
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment is not None and enrollment.completed_at is None  # begun, as a quiz start enrols
    assert first_attempt_passes(select(User.id).where(User.id == learner.id), [course.modules[0].id]) == {}

    # The module quiz then starts at attempt 1, with every attempt left and no wait.
    quiz = quizzes_of(course)[0]
    state = eligibility(learner.id, quiz)
    assert (state.attempts_used, state.attempts_left, state.can_start) == (0, 2, True)
    attempt = take_quiz(learner, quiz, wrong_answer)
    assert attempt.number == 1
    assert first_attempt_passes(select(User.id).where(User.id == learner.id), [course.modules[0].id]) == {
        (learner.id, course.modules[0].id): False}
    assert course_progress(learner.id, course).done_steps == 0
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_knowledge_gain_compares_pretest_and_first_attempt_means_per_module_with_their_learners(
        make_pretest_course, make_user):
    course = make_pretest_course()
    first, second = (module.id for module in course.modules)
    quiz_one, quiz_two = quizzes_of(course)
    a, b, c = (make_user(full_name=f"Kelompok Uji {n}") for n in "ABC")
    outsider = make_user()

    def first_module_only(shown):
        return right_answer(shown) if shown.question.text.startswith("Modul 1") else wrong_answer(shown)

    take_pretest(a, course)                       # module 1: 100, module 2: 100
    take_pretest(b, course, first_module_only)    # module 1: 100, module 2: 0
    take_pretest(outsider, course, wrong_answer)  # not in the group: never counted
    take_quiz(a, quiz_one, wrong_answer)          # first attempt 0 …
    take_quiz(a, quiz_one, right_answer)          # … a second attempt never counts
    take_quiz(b, quiz_one, right_answer)          # 100
    take_quiz(c, quiz_one, right_answer)          # 100, without a pre-test
    take_quiz(a, quiz_two, right_answer)          # 100
    start_attempt(b.id, quiz_two)                 # open, not sent: not counted
    db.session.commit()

    group = select(User.id).where(User.full_name.like("Kelompok Uji %"))
    course_id = course.id
    with counted_statements() as statements:
        gain = knowledge_gain(group, course_id)
    assert len(statements) == 2  # whatever the number of learners
    assert gain == {
        first: KnowledgeGain(pretest=Figure(100.0, 2), first_attempt=Figure(66.7, 3)),
        second: KnowledgeGain(pretest=Figure(50.0, 2), first_attempt=Figure(100.0, 1)),
    }
    paired = knowledge_gain(group, course.id, paired=True)  # the quiz figure of the pre-test's learners only
    assert paired[first] == KnowledgeGain(pretest=Figure(100.0, 2), first_attempt=Figure(50.0, 2))
    assert knowledge_gain(select(User.id).where(User.id == -1), course.id) == {}


def test_a_skipped_or_unsent_pretest_gives_no_figure(make_pretest_course, make_user):
    from lms.quizzes.services_pretest import skip_pretest

    course = make_pretest_course()
    skipper, opener = make_user(), make_user()
    skip_pretest(skipper.id, course)
    start_pretest(opener.id, course)
    db.session.commit()
    learners = select(User.id).where(User.id.in_([skipper.id, opener.id]))
    assert knowledge_gain(learners, course.id) == {}
