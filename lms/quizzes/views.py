"""Quiz pages: the quiz home with the learner's attempts, an attempt, its result.

The quiz home tells anyone what the quiz is; taking it needs a signed-in learner. A quiz
of an unpublished course, of a retired module or a retired quiz is not found, and so is
anyone else's attempt.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web import template_helpers
from ..caches import request_memo
from ..courses.images import picture_attributes
from ..courses.progress import course_progress
from ..courses.queries import course_pictures
from ..extensions import db
from ..timeutil import utcnow
from . import bp
from .forms import AnswerSheet, StartAttemptForm
from .models import Attempt, Quiz
from .queries import attempt_history, attempt_size, get_attempt, get_quiz, quiz_facts, shown_questions
from .services import AttemptRefused, answers_revealed, eligibility, start_attempt, submit_attempt

PREFIX = "/kursus/<course_slug>/kuis/<module_slug>"


def _quiz_or_404(course_slug: str, module_slug: str) -> Quiz:
    """The quiz behind the URL; 404 if the course is unpublished or the module/quiz retired."""
    quiz = get_quiz(course_slug, module_slug)
    if quiz is None:
        abort(404)
    return quiz


def _attempt_or_404(quiz: Quiz, attempt_id: int) -> Attempt:
    """The signed-in learner's own attempt at this quiz; 404 for anyone else's."""
    attempt = get_attempt(quiz, attempt_id, current_user.id)
    if attempt is None:
        abort(404)
    return attempt


def _urls(quiz: Quiz) -> dict[str, str]:
    return {"course_slug": quiz.module.course.slug, "module_slug": quiz.module.slug}


def refusal_message(quiz: Quiz, reason: str, next_at: datetime | None, now: datetime) -> str:
    """Say why no attempt can start now, and when the next one can."""
    if reason == "wait" and next_at is not None:
        return _("You can start your next attempt on %(when)s (%(wait)s).",
                 when=format_datetime(next_at, "medium"),
                 wait=format_timedelta(next_at - now, add_direction=True))
    return ngettext("You have used your only attempt at this quiz.",
                    "You have used all %(num)d attempts at this quiz.", quiz.max_attempts or 0)


@template_helpers(bp)
def quiz_helpers():
    return {"format_timedelta": format_timedelta}


def course_quiz_facts(course) -> dict:
    """For the course outline: module id -> QuizFacts (question count, pass mark), once per request."""
    return request_memo(("quiz_facts", course.id), lambda: quiz_facts(course.id))


@template_helpers(bp)
def outline_helpers():
    return {"quiz_facts": course_quiz_facts}


def question_images(course, questions) -> dict[str, dict]:
    """The <img> attributes of the course pictures these questions show, as lessons show them:
    phone-sized WebP copies in srcset for photos, URLs with their content hash (cached for a year)."""
    paths = {shown.question.image for shown in questions if shown.question.image}
    if not paths:
        return {}
    pictures = course_pictures(course)
    return {path: picture_attributes(course, pictures[path]) for path in paths if path in pictures}


@bp.route(PREFIX)
def quiz_home(course_slug: str, module_slug: str):
    """The quiz's rules, the learner's attempts, and a button to start or continue.

    A visitor who is not signed in sees what the quiz is and a way to sign in to take it.
    """
    quiz = _quiz_or_404(course_slug, module_slug)
    question_count = attempt_size(quiz.questions_per_attempt, sum(1 for q in quiz.questions if q.is_current))
    if not current_user.is_authenticated:
        return render_template(
            "quizzes/home.html", quiz=quiz, module=quiz.module, course=quiz.module.course, state=None,
            refusal=None, progress=None, history=[], question_count=question_count, form=None, urls=_urls(quiz),
            sign_in_url=url_for("accounts.login", next=request.path),
        )
    now = utcnow()
    state = eligibility(current_user.id, quiz, now)
    refusal = refusal_message(quiz, state.refusal, state.next_at, now) if state.refusal else None
    progress = course_progress(current_user.id, quiz.module.course).module_progress(quiz.module_id)
    return render_template(
        "quizzes/home.html", quiz=quiz, module=quiz.module, course=quiz.module.course, state=state,
        refusal=refusal, progress=progress, history=attempt_history(current_user.id, quiz.id),
        question_count=question_count, form=StartAttemptForm(), urls=_urls(quiz), sign_in_url=None,
    )


@bp.route(f"{PREFIX}/mulai", methods=["POST"])
@login_required
def start(course_slug: str, module_slug: str):
    """Start an attempt (enrolling the learner), or continue the open one."""
    quiz = _quiz_or_404(course_slug, module_slug)
    if not StartAttemptForm().validate_on_submit():
        abort(400)
    now = utcnow()
    try:
        attempt = start_attempt(current_user.id, quiz, now=now)
    except AttemptRefused as refused:
        db.session.rollback()
        flash(refusal_message(quiz, refused.reason, refused.next_at, now), "error")
        return redirect(url_for("quizzes.quiz_home", **_urls(quiz)))
    target = url_for("quizzes.attempt", attempt_id=attempt.id, **_urls(quiz))  # before the commit expires them
    db.session.commit()
    return redirect(target)


@bp.route(f"{PREFIX}/percobaan/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(course_slug: str, module_slug: str, attempt_id: int):
    """The questions of an open attempt (the same on every reload); POST grades it once.

    A sheet with an unanswered question or a value we did not send is shown again
    (HTTP 400) with a message; the attempt stays open and nothing is graded.
    """
    quiz = _quiz_or_404(course_slug, module_slug)
    attempt = _attempt_or_404(quiz, attempt_id)
    result_url = url_for("quizzes.result", attempt_id=attempt.id, **_urls(quiz))
    questions = shown_questions(attempt)
    form = AnswerSheet(questions)
    if not attempt.is_open:
        if form.is_submitted():
            flash(_("These answers were already sent. Here is the result."), "info")
        return redirect(result_url)
    if form.validate_on_submit():
        if submit_attempt(attempt, form.answers):
            db.session.commit()
        else:
            db.session.rollback()
            flash(_("These answers were already sent. Here is the result."), "info")
        return redirect(result_url)
    return render_template(
        "quizzes/attempt.html", quiz=quiz, module=quiz.module, course=quiz.module.course, attempt=attempt,
        questions=questions, form=form, images=question_images(quiz.module.course, questions), urls=_urls(quiz),
    ), 400 if form.is_submitted() else 200


@bp.route(f"{PREFIX}/percobaan/<int:attempt_id>/hasil")
@login_required
def result(course_slug: str, module_slug: str, attempt_id: int):
    """A graded attempt: score, each answer, feedback, explanations (and the right answers when allowed).

    After a pass the main button leads on: to the course's next step, or to the certificate
    when the course is finished.
    """
    quiz = _quiz_or_404(course_slug, module_slug)
    attempt = _attempt_or_404(quiz, attempt_id)
    if attempt.is_open:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id, **_urls(quiz)))
    questions = shown_questions(attempt)
    progress = course_progress(current_user.id, quiz.module.course) if attempt.passed else None
    return render_template(
        "quizzes/result.html", quiz=quiz, module=quiz.module, course=quiz.module.course, attempt=attempt,
        questions=questions, reveal=bool(attempt.passed or answers_revealed(current_user.id, quiz)),
        right_count=sum(1 for shown in questions if shown.item.is_correct),
        images=question_images(quiz.module.course, questions), urls=_urls(quiz), progress=progress,
    )
