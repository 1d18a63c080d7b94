"""The trainer records observations: the group's observation page (saved for offline use), the record
form, the learner's observations with withdrawal, and the endpoint receiving what a phone recorded offline.

Who may do what: the group's own trainer (an admin who leads the group too) records, and withdraws their
own pending observations; an admin may look at any group's observations but records none in a group
they do not lead (the service refuses a non-accompanying observer); anyone else gets 404.
"""
from __future__ import annotations

import hashlib

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..web import template_helpers
from ..audit.access import note_view
from ..cohorts.models import Cohort
from ..courses.models import Course
from ..database import writes_on_get
from ..extensions import db, rate_limits
from ..request_body import JSONRefused, body_limit
from . import bp
from .entry import MESSAGES, EntryRefused, local_today, message, read_entry
from .forms import ObservationForm, WithdrawForm, observation_form
from .observe_queries import (
    GroupSheet,
    SkillState,
    find_target,
    group_course,
    group_sheet,
    learner_observations,
    membership,
    own_observation,
    skill_states,
)
from .services import ObservationRefused, check_may_observe, record_observation, withdraw
from .sync import MAX_OBSERVATIONS, BatchRefused, sync_observations

#: per trainer: a phone sends its waiting observations in batches of MAX_OBSERVATIONS
SYNC_RATE_LIMIT = "30 per minute"
#: an observation with a full note of multi-byte letters is some 4 KB of JSON
SYNC_MAX_BYTES = MAX_OBSERVATIONS * 4096
#: what a saved group needs besides its pages, from lms/static
OFFLINE_FILES = ("rawat.css", "offline.js", "observe.js", "favicon.svg")


def _group_to_view(cohort_id: int) -> tuple[Cohort, bool]:
    """The group and whether the signed-in user leads it; 404 for anyone but its trainer and admins."""
    if not (current_user.is_authenticated and current_user.is_trainer):
        abort(404)
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    leads = cohort.owner_id == current_user.id
    if not (leads or current_user.is_admin):
        abort(404)
    return cohort, leads


def _own_group(cohort_id: int) -> Cohort:
    """The group, for its own trainer only (the one who records there); 404 otherwise."""
    cohort, leads = _group_to_view(cohort_id)
    if not leads:
        abort(404)
    return cohort


def record_url(cohort: Cohort, learner_id: int, course: Course, skill) -> str:
    return url_for("practice.observe_record", cohort_id=cohort.id, user_id=learner_id, course_slug=course.slug,
                   skill_slug=skill.slug)


def _saved_version(sheet: GroupSheet) -> str:
    """Changes when what the saved pages show changes: the learners, the courses and their versions."""
    parts = [str(sheet.cohort.id), *(f"m{m.user_id}" for m in sheet.members),
             *(f"c{course.id}.{course.version}.{course.updated_at.isoformat()}" for course, _skills in sheet.courses)]
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()[:16]


@bp.route("/kelompok/<int:cohort_id>/pengamatan")
def observe_group(cohort_id: int):
    """The group's learners and the skills to observe, with a link to record each; saved for offline use."""
    cohort, leads = _group_to_view(cohort_id)
    sheet = group_sheet(cohort)
    return render_template("practice/observe_group.html", sheet=sheet, cohort=cohort, leads=leads,
                           version=_saved_version(sheet), record_url=record_url)


@bp.route("/kelompok/<int:cohort_id>/pengamatan/luring.json")
def observe_bundle(cohort_id: int):
    """The URLs "Save for offline" stores for the group: its observation page and every record form."""
    cohort = _own_group(cohort_id)
    sheet = group_sheet(cohort)
    urls = [url_for("practice.observe_group", cohort_id=cohort.id)]
    urls += [record_url(cohort, member.user_id, course, entry.skill)
             for member in sheet.members if member.user_id != current_user.id
             for course, skills in sheet.courses for entry in skills]
    urls += [url_for("courses.offline_page"), url_for("courses.offline_quiz_page")]
    urls += [url_for("static", filename=name) for name in OFFLINE_FILES]
    # the shape of a course's bundle (courses.views_offline.offline_bundle): offline.js saves both alike
    response = jsonify(cohort=cohort.id, version=_saved_version(sheet), updated="", urls=urls)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/kelompok/<int:cohort_id>/peserta/<int:user_id>/pengamatan/<course_slug>")
@writes_on_get("records in the audit log that a care manager or an admin opened the learner's observations")
def observe_learner(cohort_id: int, user_id: int, course_slug: str):
    """One learner's skills in one course of the group: what was observed, and links to record."""
    cohort, leads = _group_to_view(cohort_id)
    member = membership(cohort.id, user_id)
    course = group_course(cohort, course_slug) if member else None
    if course is None:
        abort(404)
    note_view(current_user, user_id, member.user.full_name, page="group_observations", cohort=cohort.name,
              course=course.title)
    sheet = group_sheet(cohort)
    skills = next(skills for c, skills in sheet.courses if c.id == course.id)
    states = skill_states([user_id], [entry.skill.id for entry in skills]) if skills else {}
    return render_template("practice/observe_learner.html", cohort=cohort, leads=leads, learner=member.user,
                           course=course, skills=skills, past=learner_observations(user_id, course),
                           state_of=lambda skill_id: states.get((user_id, skill_id)) or SkillState(),
                           withdraw_form=WithdrawForm(), record_url=record_url,
                           may_record=leads and user_id != current_user.id)


def _show_problems(form: ObservationForm, problems: list[tuple[str | None, str]]) -> None:
    """Put each problem next to its field (a step's radio group, the result, the date…)."""
    fields = {"result": form.result, "place": form.place, "note": form.note, "observed_on": form.observed_on,
              "observed_at": form.observed_on, "from_paper": form.from_paper}
    for field_name, code in problems:
        text = message(code)
        if field_name and field_name.startswith("steps."):
            step_id = field_name.removeprefix("steps.")
            form.step_errors[int(step_id)] = text
        elif field_name in fields:
            fields[field_name].errors = [*fields[field_name].errors, text]
        else:
            form.form_errors.append(text)


#: the service's reasons, by the field they belong to on the form
_REASON_FIELDS = {"critical_step_missing": "result", "bad_date": "observed_on", "note_too_long": "note",
                  "bad_choice": None, "paper_needs_family_account": None}


@bp.route("/kelompok/<int:cohort_id>/peserta/<int:user_id>/amati/<course_slug>/<skill_slug>",
          methods=["GET", "POST"])
def observe_record(cohort_id: int, user_id: int, course_slug: str, skill_slug: str):
    """Record an observation of one learner's skill, step by step; for the group's own trainer only."""
    cohort = _own_group(cohort_id)
    target = find_target(cohort, user_id, course_slug, skill_slug)
    if target is None:
        abort(404)
    try:
        check_may_observe(current_user, target.learner, target.skill)
    except ObservationRefused:
        abort(404)  # oneself, or a course the group no longer follows
    form = observation_form(target.found.steps, today=local_today().isoformat())
    if form.validate_on_submit():  # the CSRF token: everything else is read_entry's and the service's
        try:
            given = read_entry(form.values(), target.found.steps)
            observation, created = record_observation(current_user, target.learner, target.skill, given)
        except EntryRefused as refused:
            _show_problems(form, [(p.field, p.code) for p in refused.problems])
        except ObservationRefused as refused:
            db.session.rollback()
            _show_problems(form, [(_REASON_FIELDS.get(refused.reason), refused.reason)])
        else:
            db.session.commit()
            if not created:
                flash(_("This observation was already saved."), "info")
            elif observation.confirmed_on_paper:
                flash(_("The observation is saved, confirmed on paper."), "success")
            else:
                flash(_("The observation is saved. %(name)s is asked to confirm it.", name=target.learner.full_name),
                      "success")
            return redirect(url_for("practice.observe_learner", cohort_id=cohort.id, user_id=target.learner.id,
                                    course_slug=target.course.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("practice/observe_form.html", form=form, target=target, cohort=cohort), status


@bp.route("/kelompok/<int:cohort_id>/pengamatan/<int:observation_id>/tarik", methods=["POST"])
def observe_withdraw(cohort_id: int, observation_id: int):
    """The observer takes back their own observation while the learner has not answered it."""
    cohort = _own_group(cohort_id)
    observation = own_observation(current_user.id, observation_id)
    # Withdrawn from the group where it was made: a learner of this group, in one of its courses.
    if observation is None or membership(cohort.id, observation.learner_id) is None:
        abort(404)
    course = next((c for c in cohort.courses if c.id == observation.skill.course_id), None)
    if course is None:
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    if withdraw(observation, current_user):
        db.session.commit()
        flash(_("The observation was withdrawn."), "info")
    else:
        flash(_("The learner has already answered this observation: it can no longer be withdrawn."), "error")
    return redirect(url_for("practice.observe_learner", cohort_id=cohort.id, user_id=observation.learner_id,
                            course_slug=course.slug))


def _observer_key() -> str:
    return f"observer:{current_user.id}" if current_user.is_authenticated else f"addr:{request.remote_addr}"


def _api_error(status: int, code: str, text: str, **extra):
    return jsonify(error={"code": code, "message": text, **extra}), status


@bp.route("/api/v1/observations/sync", methods=["POST"])
@body_limit(SYNC_MAX_BYTES)
@rate_limits.limit(SYNC_RATE_LIMIT, key=_observer_key)
def observations_sync():
    """Observations the signed-in trainer recorded offline (JSON; CSRF token in the X-CSRFToken header).

    Body: {"observations": [{"id": "<uuid made on the phone>", "cohort": <group id>, "learner": <user id>,
    "course": "<slug>", "skill": "<slug>", "steps": {"<step id>": "done" | "not_done" | "not_seen"},
    "result": "competent" | "not_yet", "place": "home" | "posyandu" | "sentra" | "other",
    "observed_at": "<ISO 8601, when it was recorded on the phone>", "note": "…", "from_paper": false,
    "confirmed_on_paper": false}]} (at most MAX_OBSERVATIONS). All or nothing: 200 {"recorded": [ids],
    "already": [ids received before]}; 400 {"error": {"code", "message", "observations": [{"index", "field",
    "code", "message", "id"}]}} when any is refused (nothing recorded).
    """
    if not current_user.is_authenticated:
        return _api_error(401, "not_signed_in", _("Sign in to send your observations."))
    if not current_user.is_trainer:
        return _api_error(403, "not_a_trainer", message("not_a_trainer"))
    try:
        payload = request.get_json() if request.is_json else None
    except JSONRefused as refused:  # not JSON, too deeply nested, a lone surrogate
        return _api_error(400, refused.reason, refused.user_message)
    try:
        result = sync_observations(current_user, payload)
    except BatchRefused as refused:
        db.session.rollback()
        return _api_error(400, refused.code, refused.message, observations=refused.problems)
    db.session.commit()
    return jsonify(recorded=result.recorded, already=result.already)


def observation_link(cohort: Cohort, course: Course, learner) -> Markup:
    """The cohort learner page's link to the learner's observations in a course with practice."""
    if course.practice == "none":
        return Markup("")
    href = url_for("practice.observe_learner", cohort_id=cohort.id, user_id=learner.id, course_slug=course.slug)
    return Markup(render_template("practice/observe_link.html", href=href, course=course))


def observe_texts() -> dict[str, str]:
    """What observe.js says, in the page's language."""
    return {
        "save": _("Save for offline use"), "save_again": _("Save again"), "update": _("Update the saved copy"),
        "saving": _("Saving…"), "progress": _("Saving… %(done)s of %(total)s", done="{done}", total="{total}"),
        "done": _("Saved on this phone. You can open this page and record observations without signal."),
        "saved": _("This group is saved on this phone."),
        "outdated": _("The group changed since you saved it. Update the saved copy when you have signal."),
        "failed": _("Some pages could not be saved. Try again when the signal is better."),
        "removed": _("Removed from this phone."),
        "waiting": _("Waiting to be sent"),
        "kept": _("No signal: the observation is kept on this phone and will be sent when the signal is back."),
        "sent": _("The observations made without signal were sent."),
        "refused": _("Not recorded: %(reason)s", reason="{reason}"),
        "forget": _("Remove"),
        "incomplete": _("Choose done, not done or not seen for every step, a result and a place."),
        "critical": str(MESSAGES["critical_step_missing"]),
        "offline": _("You are offline. Saved pages open, and observations wait on this phone until the signal "
                     "is back."),
    }


def observe_script() -> str:
    """observe.js, which the service worker loads to keep observations made without signal (sw.js)."""
    return url_for("static", filename="observe.js")


@template_helpers(bp)
def observe_helpers():
    return {"observation_link": observation_link, "observe_script": observe_script, "observe_texts": observe_texts}
