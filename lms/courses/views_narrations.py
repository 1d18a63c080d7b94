"""Lesson narrations for learners: the recording, streamed in ranges and cached by its hash."""
from __future__ import annotations

from flask import Response, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from ..static_assets import IMMUTABLE
from . import bp
from .narrations import get_narration_or_404
from .queries import get_course_and_lesson_or_404


@bp.route("/kursus/<slug>/materi/<lesson_slug>/rekaman/<int:narration_id>.ogg")
def narration(slug: str, lesson_slug: str, narration_id: int):
    """A lesson's recording (Opus): whoever may read the lesson may hear it; Range requests answer 206.

    Cached for a year when the URL carries the recording's hash (?v=); a new recording gets a new URL.
    """
    _course, lesson = get_course_and_lesson_or_404(slug, lesson_slug)
    item = get_narration_or_404(lesson, narration_id)
    versioned = request.args.get("v") == item.sha256[:12]
    cache = IMMUTABLE if versioned else "public, max-age=3600"
    if request.if_none_match.contains_weak(item.sha256):
        response = Response(status=304)
        response.set_etag(item.sha256)
        response.headers["Cache-Control"] = cache
        return response
    response = Response(item.data, mimetype=item.content_type)
    response.set_etag(item.sha256)
    response.headers["Cache-Control"] = cache
    try:
        return response.make_conditional(request, accept_ranges=True, complete_length=item.size)
    except RequestedRangeNotSatisfiable:
        refused = Response(status=416)
        refused.headers["Content-Range"] = f"bytes */{item.size}"
        refused.headers["Accept-Ranges"] = "bytes"
        return refused
