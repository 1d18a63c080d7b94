"""The observation sheet download: a skill's checklist as a printable A4 PDF, for care managers."""
from __future__ import annotations

from flask import Response, abort, current_app
from flask_login import current_user

from ..courses.queries import get_course_or_404
from ..extensions import rate_limits
from . import bp
from .queries import current_skill, module_number
from .sheet import SheetContent, SheetStep, render_sheet


def _render_limit() -> str:
    return current_app.config["PRACTICE_SHEET_RATE_LIMIT"]


#: a sheet is drawn on every request (~0.03 s of CPU, nothing is stored), so the drawing is limited per
#: address, as handouts are
RENDER_SCOPE = "practice-sheet"


@bp.route("/kursus/<slug>/keterampilan/<skill_slug>/lembar.pdf")
def sheet(slug: str, skill_slug: str):
    """A skill's observation sheet (PDF, A4) for trainers and admins; 404 for anyone else, for an unknown or
    retired skill, and for a course without practice."""
    if not (current_user.is_authenticated and current_user.is_trainer):
        abort(404)
    course = get_course_or_404(slug)
    found = current_skill(course, skill_slug) if course.practice != "none" else None
    if found is None:
        abort(404)
    content = SheetContent(
        course_title=course.title, course_version=course.version, practice=course.practice,
        module_number=module_number(found.module), module_title=found.module.title,
        skill_title=found.skill.title, why=found.skill.why, performed_on=found.skill.performed_on,
        competency_unit=found.skill.competency_unit,
        steps=[SheetStep(step.text, step.critical) for step in found.steps],
    )
    rate_limits.consume(_render_limit, RENDER_SCOPE)
    data = render_sheet(content)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="rawat-{course.slug}-{found.skill.slug}.pdf"'
    # private: trainers only, and the language follows the reader's account or cookie
    response.headers["Cache-Control"] = "private, max-age=600"
    response.vary.add("Cookie")
    return response
