"""Offline reading: the service worker, what a course stores on the phone, the pages shown
offline, and the endpoint that receives lessons marked done without signal."""
from __future__ import annotations

import hashlib

from flask import Response, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, rate_limits
from ..request_body import JSONRefused, body_limit
from . import bp
from .offline import STATIC_FILES, build_bundle, offline_page_urls
from .progress import course_progress
from .queries import get_course_or_404
from .sync import MAX_MARKS, BatchRefused, sync_marks

#: per learner (many phones may share one address, e.g. a Sentra's Wi-Fi during a training day)
SYNC_RATE_LIMIT = "30 per minute"
#: a full batch is some 200 bytes a mark; anything much larger is refused (413) before it is read
SYNC_MAX_BYTES = MAX_MARKS * 320


def _learner_key() -> str:
    return f"learner:{current_user.id}" if current_user.is_authenticated else f"addr:{request.remote_addr}"


@bp.route("/sw.js")
def service_worker():
    """Rawat's service worker, served from the site root so it may look after every page."""
    body = render_template(
        "courses/sw.js", store_url=url_for("static", filename="offline.js"),
        shell=[url_for("static", filename=name) for name in STATIC_FILES] + offline_page_urls(),
        offline_url=url_for("courses.offline_page"), quiz_offline_url=url_for("courses.offline_quiz_page"),
        logout_url=url_for("accounts.logout"),
    )
    response = Response(body, mimetype="text/javascript")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:16])
    # Browsers check for a new worker on each visit: revalidate (a 304 costs almost nothing).
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response.make_conditional(request)


@bp.route("/luring")
def offline_page():
    """Shown by the service worker for a page that is not saved on the phone."""
    return render_template("courses/offline.html", kind="page")


@bp.route("/luring/kuis")
def offline_quiz_page():
    """Shown by the service worker for a quiz opened without signal: quizzes are graded on the server."""
    return render_template("courses/offline.html", kind="quiz")


@bp.route("/kursus/<slug>/luring.json")
def offline_bundle(slug: str):
    """The URLs "Save for offline reading" stores for this course, and what they cost in bytes.

    ?rekaman=1: the lessons' voice recordings too (`bytes` counts them); `audio_bytes` is always
    what they would add.
    """
    course = get_course_or_404(slug)
    progress = course_progress(current_user.id if current_user.is_authenticated else None, course)
    bundle = build_bundle(progress, with_audio=request.args.get("rekaman") == "1")
    response = jsonify(course=course.slug, version=course.version, updated=course.updated_at.isoformat(),
                       bytes=bundle.size + (bundle.audio_size if bundle.with_audio else 0), urls=bundle.urls,
                       audio=bundle.with_audio, audio_bytes=bundle.audio_size)
    response.headers["Cache-Control"] = "no-store"
    return response


def _api_error(status: int, code: str, message: str, **extra):
    return jsonify(error={"code": code, "message": message, **extra}), status


@bp.route("/api/v1/progress/sync", methods=["POST"])
@body_limit(SYNC_MAX_BYTES)
@rate_limits.limit(SYNC_RATE_LIMIT, key=_learner_key)
def sync_progress():
    """Lessons the signed-in learner marked done offline (JSON; CSRF token in the X-CSRFToken header).

    Body: {"marks": [{"id": "<uuid made on the phone>", "course": "<slug>", "lesson": "<slug>",
    "done_at": "<ISO 8601>"}]}. All or nothing: 200 with the ids recorded now and those
    received before; 400 with every problem when any mark is wrong (nothing recorded).
    """
    if not current_user.is_authenticated:
        return _api_error(401, "not_signed_in", _("Sign in to send your progress."))
    try:
        payload = request.get_json() if request.is_json else None
    except JSONRefused as refused:  # not JSON, too deeply nested, a lone surrogate
        return _api_error(400, refused.reason, refused.user_message)
    try:
        result = sync_marks(current_user.id, payload)
    except BatchRefused as refused:
        db.session.rollback()
        return _api_error(400, refused.code, refused.message, marks=refused.problems)
    db.session.commit()
    courses = sorted(result.courses, key=lambda c: c.slug)
    progress = {course.slug: course_progress(current_user.id, course).percent for course in courses}
    return jsonify(recorded=result.recorded, already=result.already, progress=progress)

