"""Quiz rules and writes: who may start an attempt, drawing questions, grading once.

No request, no commit: the view (or a command) commits once. Concurrency is settled
by the database, not by Python checks: attempt numbers are unique per learner and
quiz, and an attempt is graded by the one request whose conditional UPDATE
(`… WHERE submitted_at IS NULL`) changed its row.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..courses.services import enroll, record_quiz_pass, touch_activity
from ..extensions import db
from ..timeutil import utcnow
from .models import Attempt, AttemptQuestion, Option, Question, Quiz
from .queries import questions_with_options
from .signals import attempt_allowance_asked


class AttemptRefused(Exception):
    """A new attempt may not start now: no attempts left, or wait until `next_at`."""

    def __init__(self, reason: str, next_at: datetime | None = None):
        super().__init__(reason)
        self.reason = reason  # "no_attempts_left" or "wait"
        self.next_at = next_at


@dataclass
class Eligibility:
    """Where a learner stands with a quiz right now."""

    open_attempt: Attempt | None
    attempts_used: int
    #: None when attempts are unlimited
    attempts_left: int | None
    #: why a new attempt cannot start ("no_attempts_left", "wait"), or None
    refusal: str | None = None
    #: when the next attempt may start (with refusal "wait")
    next_at: datetime | None = None

    @property
    def can_start(self) -> bool:
        return self.refusal is None


def attempt_window_start(user_id: int, quiz: Quiz) -> datetime | None:
    """When the learner's current allowance of attempts began (None: with their first attempt).

    Other features may start a new allowance through signals.attempt_allowance_asked: certificates
    does, so that a learner renewing an expired certificate can take the quizzes again even if they
    used every attempt years ago.
    """
    starts = [start for _receiver, start in attempt_allowance_asked.send(quiz, user_id=user_id) if start is not None]
    return max(starts, default=None)


def eligibility(user_id: int, quiz: Quiz, now: datetime | None = None) -> Eligibility:
    """Apply the attempt rules: max_attempts counts attempts started in the current allowance (see
    attempt_window_start); the wait runs from the last submission."""
    now = now or utcnow()
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id).order_by(Attempt.number)
    ).all()
    open_attempt = next((a for a in attempts if a.is_open), None)
    used = max((a.number for a in attempts), default=0)
    left = None
    if quiz.max_attempts is not None:
        since = attempt_window_start(user_id, quiz) if attempts else None
        counted = sum(1 for a in attempts if since is None or a.started_at >= since)
        left = max(quiz.max_attempts - counted, 0)
    result = Eligibility(open_attempt=open_attempt, attempts_used=used, attempts_left=left)
    if open_attempt is not None:
        return result
    if left == 0:
        result.refusal = "no_attempts_left"
        return result
    submitted = [a.submitted_at for a in attempts if a.submitted_at is not None]
    if quiz.wait_minutes and submitted:
        next_at = max(submitted) + timedelta(minutes=quiz.wait_minutes)
        if next_at > now:
            result.refusal, result.next_at = "wait", next_at
    return result


def answers_revealed(user_id: int, quiz: Quiz) -> bool:
    """May the learner see the right answers (and the explanations of questions they got wrong)?

    Once they have passed; or, when the quiz allows it, once they have used all their attempts
    and none is open. Before that an attempt must stay a real test: with unlimited retries that
    show the answers, a pool is learnt by heart in a few minutes. The feedback of the options
    they chose (why that choice is wrong) is always shown.
    """
    passed = db.session.scalar(select(Attempt.id).where(
        Attempt.user_id == user_id, Attempt.quiz_id == quiz.id, Attempt.passed.is_(True)).limit(1))
    if passed is not None:
        return True
    if not quiz.show_correct_answers or quiz.max_attempts is None:
        return False
    state = eligibility(user_id, quiz)
    return state.attempts_left == 0 and state.open_attempt is None


def start_attempt(user_id: int, quiz: Quiz, *, now: datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Enrol the learner and return their open attempt, or a new one with its questions drawn.

    Raises AttemptRefused when the rules forbid a new attempt. Two simultaneous starts
    both aim at the same attempt number; the unique constraint lets one win and the
    other returns the winner's attempt.
    """
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    enroll(user_id, quiz.module.course)
    state = eligibility(user_id, quiz, now)
    if state.open_attempt is not None:
        return state.open_attempt
    if not state.can_start:
        raise AttemptRefused(state.refusal, state.next_at)
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, number=state.attempts_used + 1, started_at=now)
    attempt.items = draw_questions(quiz, rng)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        # Another request started this attempt number first: continue with theirs.
        winner = db.session.scalar(select(Attempt).where(
            Attempt.user_id == user_id, Attempt.quiz_id == quiz.id, Attempt.number == attempt.number))
        if winner is None:  # pragma: no cover - the constraint that failed names this row
            raise
        return winner
    touch_activity(user_id, quiz.module.course_id)
    return attempt


def _tokens(count: int) -> list[str]:
    """Opaque per-attempt option values: random hex, so they say nothing about the options."""
    tokens: list[str] = []
    while len(tokens) < count:
        token = secrets.token_hex(4)
        if token not in tokens:
            tokens.append(token)
    return tokens


def draw_questions(quiz: Quiz, rng: random.Random) -> list[AttemptQuestion]:
    """Draw N of the current questions and fix their order and their options' order."""
    pool = [q for q in questions_with_options(quiz) if q.is_current]
    count = min(quiz.questions_per_attempt or len(pool), len(pool))
    drawn = rng.sample(pool, count)
    if not quiz.shuffle_questions:
        drawn.sort(key=lambda q: q.position)
    return [AttemptQuestion(question_id=question.id, position=position,
                            option_order=option_order(question, quiz.shuffle_options, rng))
            for position, question in enumerate(drawn, start=1)]


def option_order(question: Question, shuffle_options: bool, rng: random.Random) -> list[list]:
    """[[option id, token], …] as the question will show its current options (an attempt's or a pre-test's)."""
    options = list(question.current_options)
    if question.type == "ordering":
        right = list(options)
        while len(options) > 1 and options == right:  # never show the steps in their right order
            rng.shuffle(options)
    elif question.type != "true_false" and shuffle_options:
        rng.shuffle(options)
    return [[option.id, token] for option, token in zip(options, _tokens(len(options)), strict=True)]


def is_right(question_type: str, shown: list[Option], answer: list[int]) -> bool:
    """Grade one answer against the options shown: all or nothing.

    single and true_false: the one option chosen is a right one; multiple: exactly the
    set of right options; ordering: the steps in the order of their positions.
    """
    if question_type == "ordering":
        return answer == [o.id for o in sorted(shown, key=lambda o: o.position)]
    right = {o.id for o in shown if o.is_correct}
    if question_type == "multiple":
        return bool(right) and set(answer) == right and len(answer) == len(right)
    return len(answer) == 1 and answer[0] in right


def grade(items, answers: dict[int, list[int]]) -> dict[int, bool]:
    """item id -> answered right, for the drawn questions of an attempt or a pre-test (AttemptQuestion or
    PretestQuestion: the same columns), against the options each showed; their options in 1 query."""
    question_ids = [item.question_id for item in items]
    options = {o.id: o for o in db.session.scalars(select(Option).where(Option.question_id.in_(question_ids)))}
    results = {}
    for item in items:
        shown = [options[option_id] for option_id, _token in item.option_order if option_id in options]
        results[item.id] = is_right(item.question.type, shown, answers[item.id])
    return results


def score_percent(right: int, total: int) -> int:
    """Percent rounded down, so that score >= pass mark exactly when the learner reached it."""
    return right * 100 // total if total else 0


def submit_attempt(attempt: Attempt, answers: dict[int, list[int]], *, now: datetime | None = None) -> bool:
    """Grade the attempt once with `answers` (attempt question id -> option ids); False if already graded.

    The grade is claimed by a conditional UPDATE: of two submissions racing, only the one
    whose UPDATE changed the row writes answers and records a pass; the other changes nothing.
    """
    now = now or utcnow()
    quiz = attempt.quiz
    results = grade(attempt.items, answers)
    total = len(attempt.items)
    score = score_percent(sum(results.values()), total)
    passed = score >= quiz.pass_mark
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, score=score, passed=passed, pass_mark=quiz.pass_mark)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if claimed != 1:
        return False
    for item in attempt.items:
        item.answer = answers[item.id]
        item.is_correct = results[item.id]
    db.session.flush()
    if passed:
        record_quiz_pass(attempt.user_id, quiz.module, score)
    else:
        touch_activity(attempt.user_id, quiz.module.course_id)
    return True

