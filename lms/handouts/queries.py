"""Reads for handouts: what a module's handout prints, its key, and the stored PDF for that key."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from flask_babel import get_locale
from sqlalchemy import select

from ..courses.models import Course, CourseAsset, Lesson, Module
from ..courses.views import callout_titles
from ..extensions import db
from .models import StoredHandout
from .pdf import HandoutContent, HandoutLesson, printable_picture

#: raise when the drawing changes in a way the files hashed by renderer_version() do not show
#: (a font, a library upgrade), so stored handouts are drawn again and browsers fetch them
HANDOUT_FORMAT = 2
#: the code that draws a handout: a deploy that changes any of it changes every key
_DRAWING_CODE = ("handouts/pdf.py", "handouts/markdown_pdf.py", "courses/markdown.py", "pdf/canvas.py")


@dataclass
class HandoutSource:
    """Everything a module's handout prints, read without the pictures' bytes."""

    course: Course
    module: Module
    number: int
    lessons: list[Lesson]
    urls: list[str]
    #: (path, sha256) of every picture of the course
    assets: list[tuple[str, str]]
    locale: str
    #: sha256 of all of the above, the drawing code and the catalogs: the stored PDF's key and the ETag
    key: str


@functools.cache
def renderer_version(package_root: str, translations: str) -> str:
    """A digest of the drawing code and the compiled catalogs, read once per process."""
    digest = hashlib.sha256(str(HANDOUT_FORMAT).encode())
    for name in _DRAWING_CODE:
        digest.update((Path(package_root) / name).read_bytes())
    for folder in translations.split(";"):
        for catalog in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(catalog.as_posix().encode() + catalog.read_bytes())
    return digest.hexdigest()


def handout_source(course: Course, module_slug: str) -> HandoutSource | None:
    """The current (not retired) module `module_slug` of `course` and what its handout prints; None if absent.

    Four queries: modules, lessons, pictures' hashes (plus the course, read by the caller).
    """
    modules = list(db.session.scalars(
        select(Module).where(Module.course_id == course.id, Module.retired_at.is_(None)).order_by(Module.position)
    ))
    module = next((m for m in modules if m.slug == module_slug), None)
    if module is None:
        return None
    lessons = list(db.session.scalars(
        select(Lesson).where(Lesson.module_id == module.id, Lesson.retired_at.is_(None))
        .order_by(Lesson.position, Lesson.id)
    ))
    assets = [tuple(row) for row in db.session.execute(
        select(CourseAsset.path, CourseAsset.sha256).where(CourseAsset.course_id == course.id)
        .order_by(CourseAsset.path)
    )]
    urls = [url_for("courses.lesson", slug=course.slug, lesson_slug=lesson.slug, _external=True) for lesson in lessons]
    locale = str(get_locale())
    number = modules.index(module) + 1
    version = renderer_version(current_app.root_path, current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    key = hashlib.sha256(repr((
        version, locale, course.title, course.version, module.title, module.summary, number,
        [(ls.slug, ls.title, ls.minutes, ls.body) for ls in lessons], urls, assets, callout_titles(),
    )).encode()).hexdigest()
    return HandoutSource(course, module, number, lessons, urls, assets, locale, key)


def stored_handout(source: HandoutSource) -> bytes | None:
    """The PDF drawn earlier for exactly this content and language, by any worker; None if not yet."""
    return db.session.scalar(select(StoredHandout.data).where(
        StoredHandout.module_id == source.module.id, StoredHandout.locale == source.locale,
        StoredHandout.content_key == source.key))


def handout_content(source: HandoutSource) -> HandoutContent:
    """What render_handout draws, with the pictures the lessons use (read and re-encoded here)."""
    course, lessons = source.course, source.lessons
    used = {path for path, _sha in source.assets if any(path in lesson.body for lesson in lessons)}
    pictures = {}
    if used:
        for path, content_type, data in db.session.execute(
            select(CourseAsset.path, CourseAsset.content_type, CourseAsset.data)
            .where(CourseAsset.course_id == course.id, CourseAsset.path.in_(used))
        ):
            pictures[path] = printable_picture(content_type, data)
    return HandoutContent(
        course_title=course.title, course_version=course.version, module_number=source.number,
        module_title=source.module.title, module_summary=source.module.summary,
        lessons=[HandoutLesson(ls.title, ls.minutes, ls.body, url)
                 for ls, url in zip(lessons, source.urls, strict=True)],
        pictures=pictures, callout_titles=callout_titles(),
    )
