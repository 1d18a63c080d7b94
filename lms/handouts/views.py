"""The handout download: one module of a course as a printable A4 PDF, drawn once per version."""
from __future__ import annotations

from flask import Response, abort, current_app, request

from ..courses.queries import get_course_or_404
from ..database import retry_as_writer, writes_on_get
from ..extensions import db, rate_limits
from . import bp
from .pdf import render_handout
from .queries import handout_content, handout_source, stored_handout
from .services import store_handout


def _render_limit() -> str:
    return current_app.config.get("HANDOUT_RENDER_RATE_LIMIT", "10 per minute")


#: drawing a handout costs 0.1–0.8 s of CPU; anyone may ask, so the drawing (not a stored copy) is limited
#: per address. A stored copy is only missing once per module version and language.
RENDER_SCOPE = "handout-render"


@bp.route("/kursus/<slug>/modul/<module_slug>/handout.pdf")
@writes_on_get("stores the handout drawn on the first request for this module version and language, "
               "so that no worker draws it again")
def module_handout(slug: str, module_slug: str):
    """A module's lessons as a printable A4 PDF, for anyone who can read them (404 for a retired module).

    Drawn on the first request for its content and language, then served from the database by every
    worker; the ETag lets a phone keep its copy until the module changes.
    """
    course = get_course_or_404(slug)
    source = handout_source(course, module_slug)
    if source is None:
        abort(404)
    if request.if_none_match.contains_weak(source.key):
        response = Response(status=304)
    else:
        filename = f"rawat-{course.slug}-{source.number:02d}-{source.module.slug}.pdf"
        data = stored_handout(source)
        if data is None:
            rate_limits.consume(_render_limit, RENDER_SCOPE)
            data = render_handout(handout_content(source))

            def keep():
                store_handout(source, data)
                db.session.commit()

            retry_as_writer(keep)
        response = Response(data, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(source.key)
    # private: the language follows the reader's account or cookie
    response.headers["Cache-Control"] = "private, max-age=600"
    response.vary.add("Cookie")
    return response
