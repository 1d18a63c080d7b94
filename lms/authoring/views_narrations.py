"""Authoring pages for lesson narrations: a lesson read aloud, recorded on the phone or uploaded.

Narrations belong to the published lessons learners read (lms/courses/narrations.py keeps,
converts and serves them); these pages are for the course's authors and admins, like every
authoring page. A recording can be made whether or not a draft is in progress.
"""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.permissions import role_required
from ..courses import audio
from ..courses.models import Lesson, Module
from ..courses import narrations as recordings
from . import narration_services
from ..courses.offline import human_size
from ..courses.views import render_lesson_body
from ..extensions import csrf, db
from ..finishing import CONTENT_SECURITY_POLICY
from . import bp
from .forms import ActionForm, NarrationForm
from .models import CourseDraft
from .queries import get_draft_for
from .views import PREFIX, TRAINERS, limit_upload, read_upload, remove_after_confirmation

#: the recording page may use the microphone (every other page forbids it, lms/web.py)
MICROPHONE_POLICY = "camera=(), microphone=(self), geolocation=()"
#: and play back what was just recorded, before it is sent (a blob: URL made by record.js)
RECORDING_CSP = CONTENT_SECURITY_POLICY + "; media-src 'self' blob:"


def _lesson_or_404(draft: CourseDraft, lesson_slug: str) -> Lesson:
    if draft.course is None:
        abort(404)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == draft.course_id, Lesson.slug == lesson_slug))
    if lesson is None:
        abort(404)
    return lesson


def _page_url(draft: CourseDraft, lesson: Lesson) -> str:
    return url_for("authoring.lesson_narrations", draft_id=draft.id, lesson_slug=lesson.slug)


@bp.route(PREFIX + "/rekaman")
@role_required(*TRAINERS)
def narrations(draft_id: int):
    """The published lessons and their recordings: which have none, which may be out of date."""
    draft = get_draft_for(current_user, draft_id)
    rows = []
    if draft.course is not None:
        lessons = db.session.execute(
            select(Lesson, Module).join(Module, Module.id == Lesson.module_id)
            .where(Lesson.course_id == draft.course_id, Lesson.retired_at.is_(None), Module.retired_at.is_(None))
            .order_by(Module.position, Lesson.position)).all()
        recorded = recordings.course_narrations(draft.course)
        rows = [(module, lesson, recorded.get(lesson.id, [])) for lesson, module in lessons]
    return render_template("authoring/narrations.html", draft=draft, rows=rows, human_size=human_size)


def _narration_page(draft: CourseDraft, lesson: Lesson, form: NarrationForm):
    form.file.description = _("Any common recording format (M4A, MP3, OGG, WEBM, WAV, AMR), at most %(size)s "
                              "and %(minutes)s minutes. A new recording in a language replaces the old one.",
                              size=human_size(audio.max_bytes()), minutes=audio.minutes_text(audio.max_seconds()))
    response = make_response(render_template(
        "authoring/narration.html", draft=draft, lesson=lesson, form=form, action_form=ActionForm(),
        narrations=recordings.lesson_narrations(lesson.course, lesson), narration_url=recordings.narration_url,
        human_size=human_size,
        body=render_lesson_body(lesson.course, lesson), can_convert=audio.available(),
        max_seconds=audio.max_seconds()), 400 if form.errors else 200)
    response.headers["Permissions-Policy"] = MICROPHONE_POLICY
    response.headers["Content-Security-Policy"] = RECORDING_CSP
    return response


@bp.route(PREFIX + "/rekaman/<lesson_slug>", methods=["GET", "POST"])
@csrf.exempt  # POST: checked in limit_upload, once the size limit is in place
@role_required(*TRAINERS)
def lesson_narrations(draft_id: int, lesson_slug: str):
    """One lesson's recordings: record or upload one (per language), listen, confirm or remove."""
    draft = get_draft_for(current_user, draft_id)
    lesson = _lesson_or_404(draft, lesson_slug)
    if request.method == "POST":
        limit_upload(audio.max_bytes())
    form = NarrationForm()
    if form.validate_on_submit():
        data = read_upload(audio.max_bytes())
        if data is None:
            form.file.errors = [_("Record the lesson, or choose a recording to upload.")]
        else:
            try:
                narration = narration_services.save(lesson, current_user, form.language.data, data)
                db.session.commit()
            except recordings.NarrationRefused as refused:
                db.session.rollback()
                form.file.errors = [refused.message]
            except IntegrityError:
                db.session.rollback()
                form.file.errors = [_("Someone else saved a recording in this language at the same moment. "
                                      "Check the list of recordings and try again.")]
            else:
                flash(_("The recording has been saved (%(size)s). Learners can listen to it now.",
                        size=human_size(narration.size)), "success")
                return redirect(_page_url(draft, lesson))
        lesson = _lesson_or_404(draft, lesson_slug)  # after a rollback, read again
    return _narration_page(draft, lesson, form)


@bp.route(PREFIX + "/rekaman/<lesson_slug>/<int:narration_id>/cocok", methods=["POST"])
@role_required(*TRAINERS)
def confirm_lesson_narration(draft_id: int, lesson_slug: str, narration_id: int):
    """The trainer listened again: the recording still matches the changed lesson."""
    draft = get_draft_for(current_user, draft_id)
    lesson = _lesson_or_404(draft, lesson_slug)
    narration = recordings.get_narration_or_404(lesson, narration_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    narration_services.confirm(current_user, narration, lesson)
    db.session.commit()
    flash(_("The recording is marked as matching the lesson."), "success")
    return redirect(_page_url(draft, lesson))


@bp.route(PREFIX + "/rekaman/<lesson_slug>/<int:narration_id>/hapus", methods=["GET", "POST"])
@role_required(*TRAINERS)
def remove_lesson_narration(draft_id: int, lesson_slug: str, narration_id: int):
    """Remove a recording (after confirmation)."""
    draft = get_draft_for(current_user, draft_id)
    lesson = _lesson_or_404(draft, lesson_slug)
    narration = recordings.get_narration_or_404(lesson, narration_id)
    page = _page_url(draft, lesson)
    return remove_after_confirmation(
        draft, lambda: narration_services.remove(current_user, narration, lesson),
        question=_("Remove the recording in %(language)s of the lesson \"%(title)s\"? Learners will no longer "
                   "hear it.", language=str(recordings.LANGUAGES.get(narration.language, narration.language)),
                   title=lesson.title),
        button=_("Remove the recording"), done=_("The recording has been removed."), after=page, back=page)
