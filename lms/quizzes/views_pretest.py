"""A course's pre-test: offered on the course and lesson pages before the first lesson, taken once, or skipped.

The pre-test page tells anyone what it is; taking it needs a signed-in learner. Its result shows the
score only: the same questions may come in the module quizzes, so the right answers are learnt there.
A course without a pre-test, or unpublished, has no such page (404).
"""
from __future__ import annotations

import math

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..web import template_helpers
from ..caches import request_memo
from ..courses.progress import course_progress
from ..courses.services import NotEnrollable
from ..courses.views import step_url
from ..extensions import db
from ..timeutil import utcnow
from . import bp
from .forms import AnswerSheet, PretestActionForm
from .loader import MINUTES_PER_QUESTION
from .models import Pretest
from .queries import PretestState, pretest_course, pretest_size, pretest_state, shown_pretest_questions
from .services_pretest import PretestRefused, skip_pretest, start_pretest, submit_pretest
from .views import question_images

PREFIX = "/kursus/<course_slug>/tes-awal"


def _course_or_404(course_slug: str):
    course = pretest_course(course_slug)
    if course is None:
        abort(404)
    return course


def refusal_message(reason: str) -> str:
    """Why the pre-test cannot be started or sent (PretestRefused.reason, or a PretestState status)."""
    if reason == "taken":
        return _("You have already taken the pre-test of this course. It is taken only once.")
    if reason == "skipped":
        return _("You skipped the pre-test of this course. It is offered only once.")
    if reason == "empty":
        return _("This pre-test has no questions yet.")
    return _("The pre-test is taken before the first lesson. You have already started this course, so there is "
             "no pre-test now.")


def _facts(course) -> dict:
    """What the offer and the page tell before starting: how many questions, about how long."""
    size = request_memo(("pretest_size", course.id), lambda: pretest_size(course))
    return {"size": size, "minutes": math.ceil(size * MINUTES_PER_QUESTION)}


def _state(course) -> PretestState:
    return request_memo(("pretest_state", current_user.id, course.id), lambda: pretest_state(current_user.id, course))


def pretest_offer(course, progress=None) -> Markup:
    """For the course and lesson pages: the offer of the course's pre-test, until the learner's first lesson.

    No query for a course without a pre-test, for a visitor, or for a learner with a step done.
    """
    if not course.pretest_questions_per_module or not course.is_published or not current_user.is_authenticated:
        return Markup("")
    if progress is not None and progress.has_started:
        return Markup("")
    state = _state(course)
    facts = _facts(course)
    if state.status not in ("offered", "open") or not facts["size"]:
        return Markup("")
    return Markup(render_template("quizzes/_pretest_offer.html", course=course, state=state, **facts))


@template_helpers(bp)
def pretest_helpers():
    return {"pretest_offer": pretest_offer}


def _next_url(course) -> str:
    """Where the learner goes on: the course's next step (its first lesson, for a learner who has not begun)."""
    return step_url(course, course_progress(current_user.id, course, with_enrollment=False).next_step)


@bp.route(PREFIX)
def pretest_home(course_slug: str):
    """What the pre-test is, with buttons to take or skip it; once taken, its score."""
    course = _course_or_404(course_slug)
    if not current_user.is_authenticated:
        return render_template("quizzes/pretest.html", course=course, state=None, next_url=None,
                               sign_in_url=url_for("accounts.login", next=request.path), **_facts(course))
    state = _state(course)
    right = sum(1 for item in state.pretest.items if item.is_correct) if state.status == "taken" else None
    return render_template("quizzes/pretest.html", course=course, state=state, next_url=_next_url(course),
                           sign_in_url=None, right_count=right,
                           refusal=refusal_message(state.status) if state.status in ("skipped", "closed") else None,
                           **_facts(course))


@bp.route(f"{PREFIX}/mulai", methods=["POST"])
@login_required
def pretest_start(course_slug: str):
    """Draw the learner's pre-test (enrolling them), or continue the open one."""
    course = _course_or_404(course_slug)
    if not PretestActionForm().validate_on_submit():
        abort(400)
    try:
        start_pretest(current_user.id, course, now=utcnow())
    except PretestRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.reason), "info")
        return redirect(url_for("quizzes.pretest_home", course_slug=course.slug))
    except NotEnrollable:  # pragma: no cover - pretest_course() finds published courses only
        abort(404)
    target = url_for("quizzes.pretest_sheet", course_slug=course.slug)
    db.session.commit()
    return redirect(target)


@bp.route(f"{PREFIX}/lewati", methods=["POST"])
@login_required
def pretest_skip(course_slug: str):
    """Skip the pre-test (it is not offered again) and go on to the first lesson."""
    course = _course_or_404(course_slug)
    if not PretestActionForm().validate_on_submit():
        abort(400)
    if skip_pretest(current_user.id, course, now=utcnow()):
        flash(_("You skipped the pre-test. Enjoy the lessons!"), "info")
    target = _next_url(course)
    db.session.commit()
    return redirect(target)


def _closed(course, pretest: Pretest | None, *, posted: bool):
    """Back to the pre-test page, saying why when answers were sent to a pre-test that takes none now."""
    if posted:
        status = PretestState(pretest, False).status if pretest is not None else "offered"
        flash(_("Start the pre-test first.") if status == "offered" else refusal_message(status), "info")
    return redirect(url_for("quizzes.pretest_home", course_slug=course.slug))


@bp.route(f"{PREFIX}/soal", methods=["GET", "POST"])
@login_required
def pretest_sheet(course_slug: str):
    """The questions of the learner's open pre-test (the same on every reload); POST grades it once.

    A sheet with an unanswered question or a value we did not send is shown again (HTTP 400) with a
    message; nothing is graded. A second sending is refused with a message.
    """
    course = _course_or_404(course_slug)
    state = _state(course)
    pretest = state.pretest
    if pretest is None or not pretest.is_open:
        return _closed(course, pretest, posted=request.method == "POST")
    questions = shown_pretest_questions(pretest)
    form = AnswerSheet(questions)
    if form.validate_on_submit():
        try:
            graded = submit_pretest(pretest, form.answers, now=utcnow())
        except PretestRefused as refused:
            graded = False
            flash(refusal_message(refused.reason), "info")
        else:
            if not graded:
                flash(refusal_message("taken"), "info")
        if graded:
            db.session.commit()
        else:
            db.session.rollback()
        return redirect(url_for("quizzes.pretest_home", course_slug=course.slug))
    return render_template(
        "quizzes/pretest_sheet.html", course=course, questions=questions, form=form,
        images=question_images(course, questions),
    ), 400 if form.is_submitted() else 200
