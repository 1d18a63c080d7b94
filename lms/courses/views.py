"""Catalog, course page, lessons, images and the learner's dashboard."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web import template_helpers, texts_per_language
from ..database import retry_as_writer, writes_on_get
from ..extensions import db
from ..static_assets import IMMUTABLE
from . import bp
from .images import picture_resolver
from .markdown import render_markdown
from .narrations import lesson_narrations, narration_url
from .offline import build_bundle, human_size
from .progress import course_progress, progress_for
from .queries import (
    catalog_courses,
    course_skills,
    enrolled_courses,
    get_asset_or_404,
    get_course_and_lesson_or_404,
    get_course_or_404,
    get_lesson_or_404,
    get_variant_or_404,
    module_counts,
)
from .services import NotEnrollable, catch_up_for_learner, enroll, mark_lesson_done

# Served images may be SVG: even opened directly they can never run anything.
ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def step_url(course, step) -> str:
    """Where a next step lives: a lesson page, or the module's quiz."""
    if step is None:
        return url_for("courses.course", slug=course.slug)
    if step.kind == "lesson":
        return url_for("courses.lesson", slug=course.slug, lesson_slug=step.lesson.slug)
    return quiz_url(course, step.module)


def quiz_url(course, module) -> str:
    if "quizzes.quiz_home" not in current_app.view_functions:
        return url_for("courses.course", slug=course.slug)
    return url_for("quizzes.quiz_home", course_slug=course.slug, module_slug=module.slug)


def handout_url(course, module) -> str | None:
    """The module's printable handout (PDF), when the handouts feature is installed."""
    if "handouts.module_handout" not in current_app.view_functions:
        return None
    return url_for("handouts.module_handout", slug=course.slug, module_slug=module.slug)


@texts_per_language
def offline_texts() -> dict[str, str]:
    """What offline.js says on every page, in the page's language."""
    return {
        "waiting": _("Waiting to be sent"),
        "waiting_count": _("Lessons waiting to be sent: %(num)s", num="{n}"),
        "sent": _("Your progress made offline was sent."),
        "offline": _("You are offline. Lessons saved on this phone can still be read; "
                     "lessons you mark as done will be sent when the signal is back."),
    }


@template_helpers(bp)
def course_helpers():
    return {"step_url": step_url, "quiz_url": quiz_url, "handout_url": handout_url, "offline_texts": offline_texts}


@bp.route("/kursus")
def catalog():
    """Every published course, searchable, with the signed-in learner's progress."""
    # PostgreSQL text cannot hold NUL: control characters in a search become spaces.
    query = "".join(ch if ch.isprintable() else " " for ch in request.args.get("q", "")).strip()[:100]
    courses = catalog_courses(query)
    ids = [c.id for c in courses]
    progress = progress_for(_user_id(), courses) if current_user.is_authenticated else {}
    return render_template("courses/catalog.html", courses=courses, query=query, progress=progress,
                           module_counts=module_counts(ids))


@bp.route("/kursus/<slug>")
def course(slug: str):
    """The course outline: modules, lessons with ticks, quizzes, and the next step."""
    course = get_course_or_404(slug)
    progress = course_progress(_user_id(), course)
    return render_course_page(course, progress, build_bundle(progress))


def render_course_page(course, progress, bundle) -> str:
    """The course page's HTML; `bundle` is what "Save for offline reading" stores (None: no offer).

    The practical skills are listed when the course observes them (no query when it does not).
    """
    skills = course_skills(course) if course.practice != "none" else []
    numbers = {entry.module.id: index for index, entry in enumerate(progress.modules, start=1)}
    return render_template("courses/course.html", course=course, progress=progress, offline=bundle,
                           human_size=human_size, skills=skills, module_numbers=numbers)


@bp.route("/kursus/<slug>/mulai", methods=["POST"])
@login_required
def start(slug: str):
    """Enrol (on the first start) and go to the next unfinished step."""
    course = get_course_or_404(slug)
    try:
        enroll(current_user.id, course)
    except NotEnrollable:
        abort(404)
    db.session.commit()
    return redirect(step_url(course, course_progress(current_user.id, course).next_step))


def _lesson_neighbours(progress, lesson):
    ordered = [lsn for entry in progress.modules for lsn in entry.lessons]
    ids = [lsn.id for lsn in ordered]
    if lesson.id not in ids:
        return None, None
    index = ids.index(lesson.id)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


@texts_per_language
def callout_titles() -> dict[str, str]:
    return {"warning": _("Warning"), "tip": _("Tip"), "note": _("Good to know")}


def render_lesson_body(course, lesson, resolve=None):
    return render_markdown(lesson.body, resolve_asset=resolve or picture_resolver(course),
                           callout_titles=callout_titles())


def offline_next_url(course, progress, lesson) -> str:
    """Where "mark as done" leads without signal: the next lesson not yet done, in course order.

    Quizzes are skipped (they need a connection); after the last lesson, the course page.
    """
    ordered = [(candidate, entry) for entry in progress.modules for candidate in entry.lessons]
    ids = [candidate.id for candidate, _entry in ordered]
    start = ids.index(lesson.id) + 1 if lesson.id in ids else 0
    for candidate, entry in ordered[start:]:
        if candidate.id not in entry.done_lesson_ids:
            return url_for("courses.lesson", slug=course.slug, lesson_slug=candidate.slug)
    return url_for("courses.course", slug=course.slug)


def render_lesson_page(course, lesson, progress, resolve=None) -> str:
    """The lesson page's HTML (the view, and the offline size estimate)."""
    previous, following = _lesson_neighbours(progress, lesson)
    return render_template(
        "courses/lesson.html", course=course, lesson=lesson, body=render_lesson_body(course, lesson, resolve),
        progress=progress, previous=previous, following=following,
        module_entry=progress.module_progress(lesson.module_id), is_done=progress.is_lesson_done(lesson.id),
        offline_next=offline_next_url(course, progress, lesson),
        narrations=lesson_narrations(course, lesson), narration_url=narration_url, human_size=human_size,
        listen_texts=listen_texts(),
    )


@texts_per_language
def listen_texts() -> dict[str, str]:
    """What the listen control (static/listen.js) says, in the page's language."""
    return {
        "title": _("Listen to this lesson"),
        "hint": _("Read aloud by your phone's own voice: it uses no data."),
        "listen": _("Listen"),
        "resume": _("Continue listening"),
        "pause": _("Pause"),
        "restart": _("From the start"),
        "slower": _("Slower"),
        "faster": _("Faster"),
        "speed": _("Speed: %(rate)s", rate="{rate}"),
        "reading": _("Reading part %(part)s of %(total)s", part="{part}", total="{total}"),
        "paused": _("Paused at part %(part)s of %(total)s", part="{part}", total="{total}"),
        "finished": _("Finished reading the lesson."),
        "decimal": format_decimal(1.5)[1],
    }


@bp.route("/kursus/<slug>/materi/<lesson_slug>")
def lesson(slug: str, lesson_slug: str):
    """A lesson, readable without an account; progress needs one."""
    course, lesson = get_course_and_lesson_or_404(slug, lesson_slug)
    # The page never shows the enrolment: looked up only if asked for.
    return render_lesson_page(course, lesson, course_progress(_user_id(), course, with_enrollment=False))


@bp.route("/kursus/<slug>/materi/<lesson_slug>/selesai", methods=["POST"])
@login_required
def complete_lesson(slug: str, lesson_slug: str):
    """Record the lesson as done and move on to the next step."""
    course = get_course_or_404(slug)
    lesson = get_lesson_or_404(course, lesson_slug)
    if lesson.retired_at is not None:
        flash(_("This lesson is no longer part of the course."), "info")
        return redirect(url_for("courses.course", slug=course.slug))
    try:
        mark_lesson_done(current_user.id, lesson)
    except NotEnrollable:
        abort(404)
    # The next step, read in the same transaction (it counts this lesson) before the commit
    # expires the loaded user and course: nothing is loaded twice.
    progress = course_progress(current_user.id, course, with_enrollment=False)
    finished = progress.is_complete
    target = url_for("courses.course", slug=course.slug) if finished else step_url(course, progress.next_step)
    db.session.commit()
    if finished:
        flash(_("Congratulations! You have finished every step of this course."), "success")
    return redirect(target)


@bp.route("/kursus/<course_slug>/aset/<path:path>")
def asset(course_slug: str, path: str):
    """A course image, or (?w=360) its phone-sized WebP copy; cached for a year when the URL carries its hash."""
    course = get_course_or_404(course_slug)
    item = get_asset_or_404(course, path)
    if "w" in request.args:
        item = get_variant_or_404(item, request.args["w"])
    if request.if_none_match.contains_weak(item.sha256):
        response = Response(status=304)
    else:
        response = Response(item.data, mimetype=item.content_type)
    response.set_etag(item.sha256)
    versioned = request.args.get("v") == item.sha256[:12]
    response.headers["Cache-Control"] = IMMUTABLE if versioned else "public, max-age=3600"
    response.headers["Content-Security-Policy"] = ASSET_CSP
    return response


@bp.route("/dasbor")
@login_required
@writes_on_get("completes a course whose steps are all done and issues a certificate still owed "
               "(catch_up_for_learner): what the completing request could not do")
def dashboard():
    """The learner's courses: progress, last activity, next step, finished ones."""
    def load_and_catch_up():
        rows = enrolled_courses(current_user.id)
        progress = progress_for(current_user.id, [course for _enrollment, course in rows])
        wrote = catch_up_for_learner(current_user.id, rows, progress)  # e.g. a certificate the completion missed
        return rows, progress, wrote

    rows, progress, wrote = retry_as_writer(load_and_catch_up)
    if wrote:
        db.session.commit()
    in_progress = [(e, c) for e, c in rows if e.completed_at is None]
    finished = [(e, c) for e, c in rows if e.completed_at is not None]
    return render_template("courses/dashboard.html", in_progress=in_progress, finished=finished, progress=progress)
