"""The handout download: one module of a course as a printable A4 PDF."""
from __future__ import annotations

import hashlib

from flask import Response, abort, request, url_for
from flask_babel import get_locale
from sqlalchemy import select

from ..courses.models import CourseAsset, Lesson, Module
from ..courses.queries import get_course_or_404
from ..courses.views import callout_titles
from ..extensions import db
from . import bp
from .pdf import HandoutContent, HandoutLesson, printable_picture, render_handout

#: raise when the drawing changes, so browsers fetch the new handout
HANDOUT_FORMAT = 1


def _current_modules(course_id: int) -> list[Module]:
    return list(db.session.scalars(
        select(Module).where(Module.course_id == course_id, Module.retired_at.is_(None)).order_by(Module.position)
    ))


@bp.route("/kursus/<slug>/modul/<module_slug>/handout.pdf")
def module_handout(slug: str, module_slug: str):
    """A module's lessons as a printable A4 PDF, for anyone who can read them (404 for a retired module)."""
    course = get_course_or_404(slug)
    modules = _current_modules(course.id)
    module = next((m for m in modules if m.slug == module_slug), None)
    if module is None:
        abort(404)
    lessons = list(db.session.scalars(
        select(Lesson).where(Lesson.module_id == module.id, Lesson.retired_at.is_(None))
        .order_by(Lesson.position, Lesson.id)
    ))
    assets = db.session.execute(
        select(CourseAsset.path, CourseAsset.sha256).where(CourseAsset.course_id == course.id)
        .order_by(CourseAsset.path)
    ).all()
    urls = [url_for("courses.lesson", slug=course.slug, lesson_slug=lesson.slug, _external=True) for lesson in lessons]
    fingerprint = hashlib.sha256(repr((
        HANDOUT_FORMAT, str(get_locale()), course.title, course.version, module.title, module.summary,
        modules.index(module), [(ls.slug, ls.title, ls.minutes, ls.body) for ls in lessons], urls,
        [tuple(a) for a in assets],
    )).encode()).hexdigest()[:32]
    if request.if_none_match.contains_weak(fingerprint):
        response = Response(status=304)
    else:
        used = {path for path, _sha in assets if any(path in lesson.body for lesson in lessons)}
        pictures = {}
        if used:
            for path, content_type, data in db.session.execute(
                select(CourseAsset.path, CourseAsset.content_type, CourseAsset.data)
                .where(CourseAsset.course_id == course.id, CourseAsset.path.in_(used))
            ):
                pictures[path] = printable_picture(content_type, data)
        content = HandoutContent(
            course_title=course.title, course_version=course.version, module_number=modules.index(module) + 1,
            module_title=module.title, module_summary=module.summary,
            lessons=[HandoutLesson(ls.title, ls.minutes, ls.body, url) for ls, url in zip(lessons, urls, strict=True)],
            pictures=pictures, callout_titles=callout_titles(),
        )
        response = Response(render_handout(content), mimetype="application/pdf")
        filename = f"rawat-{course.slug}-{modules.index(module) + 1:02d}-{module.slug}.pdf"
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(fingerprint)
    response.headers["Cache-Control"] = "private, max-age=600"
    return response

