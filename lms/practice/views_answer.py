"""The learner's answer to an observation, their skills on the course page and dashboard, and the admin's
list of rejected observations.

The course page and the dashboard (courses) never import practice: they call the helpers of
`answer_helpers` only when they are defined, as they do for certificate_links.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..web import template_helpers
from ..accounts.models import Role
from ..accounts.permissions import role_required
from ..caches import request_memo
from ..extensions import db
from ..pagination import parse_cursor
from . import bp
from .models import Observation
from .services import answer
from .states import (
    NOT_OBSERVED,
    course_skill_states,
    pending_count,
    pending_observations,
    rejected_observations,
    skill_summaries,
)

REJECTED_PER_PAGE = 25


def place_labels() -> dict[str, str]:
    return {"home": _("a home visit"), "posyandu": _("the Posyandu"), "sentra": _("the Sentra"),
            "other": _("another place")}


def step_labels() -> dict[str, str]:
    # "was done", not "done": a step the care manager saw, not a lesson finished ("selesai")
    return {"done": _("was done"), "not_done": _("was not done"), "not_seen": _("was not seen")}


@bp.route("/pengamatan")
@login_required
def my_observations():
    """The signed-in learner's observations waiting for their answer: "yes, that happened" or "no"."""
    return render_template("practice/answer.html", pending=pending_observations(current_user.id),
                           places=place_labels(), step_states=step_labels())


@bp.route("/pengamatan/<int:observation_id>/<any(benar,tidak):reply>", methods=["POST"])
@login_required
def answer_observation(observation_id: int, reply: str):
    """The learner confirms or rejects an observation of themself (404 for anyone else's)."""
    observation = db.session.get(Observation, observation_id)
    if observation is None or observation.learner_id != current_user.id:
        abort(404)
    recorded = answer(observation, current_user._get_current_object(), confirmed=reply == "benar")
    status = observation.status  # read before the commit expires it
    db.session.commit()
    if not recorded:
        if status == "withdrawn":
            flash(_("Your care manager took this record back, so there is nothing to answer."), "info")
        else:
            flash(_("You already answered this record."), "info")
    elif reply == "benar":
        flash(_("Thank you. You confirmed the record."), "success")
    else:
        flash(_("Thank you for telling us. An administrator will look at this record."), "success")
    return redirect(url_for("practice.my_observations"))


@bp.route("/admin/pengamatan-ditolak")
@role_required(Role.ADMIN)
def rejected():
    """Observations the learner said did not happen, the latest first, for an admin to look into."""
    cursor = parse_cursor(request.args.get("after"))
    rows = rejected_observations(before=cursor, limit=REJECTED_PER_PAGE + 1)
    shown = rows[:REJECTED_PER_PAGE]
    after = None
    if len(rows) > REJECTED_PER_PAGE:
        last = shown[-1].observation
        after = f"{last.answered_at.isoformat()}_{last.id}"
    return render_template("practice/answer_rejected.html", rows=shown, after=after, first_page=cursor is None,
                           places=place_labels())


def _pending_in_request(user_id: int) -> int:
    return request_memo(("pending_observations", user_id), lambda: pending_count(user_id))


def observation_notice() -> Markup:
    """For the dashboard: how many observations wait for the learner's answer, with a link (nothing if none)."""
    if not current_user.is_authenticated:
        return Markup("")
    waiting = _pending_in_request(current_user.id)
    if not waiting:
        return Markup("")
    return Markup(render_template("practice/answer_notice.html", waiting=waiting))


def skill_state(entry) -> Markup:
    """For the course page: where the signed-in learner stands on one skill (`entry`: a CourseSkill)."""
    if not current_user.is_authenticated:
        return Markup("")
    user_id, course_id = current_user.id, entry.skill.course_id
    states = request_memo(("skill_states", user_id, course_id), lambda: course_skill_states(user_id, course_id))
    state = states.get(entry.skill.id)
    if state is None:
        if current_user.is_trainer:  # a care manager reading the course is not waiting to be observed
            return Markup("")
        return Markup(render_template("practice/my_skills_state.html", kind=NOT_OBSERVED, state=None,
                                      step_states=step_labels()))
    return Markup(render_template("practice/my_skills_state.html", kind=state.kind, state=state,
                                  step_states=step_labels()))


def skill_summary(course) -> Markup:
    """For a dashboard card: how many of the course's skills the learner is competent in."""
    if not current_user.is_authenticated or course.practice == "none":
        return Markup("")
    user_id = current_user.id
    summary = request_memo(("skill_summaries", user_id), lambda: skill_summaries(user_id)).get(course.id)
    if summary is None or not summary.total:
        return Markup("")
    return Markup(render_template("practice/my_skills_summary.html", summary=summary))


@template_helpers(bp)
def answer_helpers():
    return {"observation_notice": observation_notice, "skill_state": skill_state, "skill_summary": skill_summary}
