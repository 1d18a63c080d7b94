"""What "Save for offline reading" stores on the phone, and how many bytes that costs.

The list names every page and picture a learner needs to read a course without signal:
the course page, each current lesson, the dashboard (signed in), the two small pages
the service worker shows offline, and the lesson pictures (the smallest phone copy of
photos, SVG drawings as they are). The lessons' voice recordings are stored only when the
learner asks for them (they cost more than the text): the panel says how much more first.
The size is the real transfer: each page is rendered and gzip-compressed as it would be
sent, pictures count their stored bytes. Rendering a whole course takes a moment, so the
figure is kept per process for each course version (a cache only: nothing is kept on disk,
and any app server can compute it again).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..caches import OFFLINE_SIZES
from ..compression import COMPRESSIBLE_TYPES, MIN_COMPRESS_BYTES, gzip_bytes
from ..extensions import db
from .images import picture_resolver, picture_url
from .models import Course, CourseAsset
from .narrations import course_narrations, narration_url
from .outline import lessons_with_bodies
from .progress import CourseProgress
from .queries import course_pictures

#: files every saved course needs, from lms/static
STATIC_FILES = ("rawat.css", "offline.js", "listen.js", "favicon.svg")


@dataclass
class Bundle:
    """The URLs to store for one course, and their transfer size in bytes."""

    course: Course
    pages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    size: int = 0
    #: the voice recordings of the current lessons, and their bytes (stored only when chosen)
    audio: list[str] = field(default_factory=list)
    audio_size: int = 0
    with_audio: bool = False

    @property
    def urls(self) -> list[str]:
        return self.pages + self.files + (self.audio if self.with_audio else [])


def compressed_size(data: bytes | str, content_type: str = "text/html") -> int:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if content_type in COMPRESSIBLE_TYPES and len(data) >= MIN_COMPRESS_BYTES:
        return len(gzip_bytes(data))
    return len(data)


def human_size(size: int) -> str:
    """Bytes as a learner reads them on a data plan: "85 KB", "1.4 MB" (in the page's language)."""
    kilobytes = size / 1024
    if kilobytes < 1000:
        return _("%(size)s KB", size=format_decimal(max(1, round(kilobytes))))
    return _("%(size)s MB", size=format_decimal(round(kilobytes / 1024, 1), format="#,##0.0"))


def offline_page_urls() -> list[str]:
    return [url_for("courses.offline_page"), url_for("courses.offline_quiz_page")]


def build_bundle(progress: CourseProgress, *, with_size: bool = True, with_audio: bool = False) -> Bundle:
    """The pages and files of a course to store on the phone; `size` is their transfer size.

    The static files (stylesheet, script, icon) are listed but not counted: the page
    offering the download has just loaded them, so the browser already holds them.
    `audio` lists the lessons' recordings (`audio_size` their bytes, recordings are not
    compressed); `urls` holds them only `with_audio`.
    """
    course = progress.course
    bundle = Bundle(course=course, with_audio=with_audio)
    bundle.pages.append(url_for("courses.course", slug=course.slug))
    lessons = [lesson for entry in progress.modules for lesson in entry.lessons]
    bundle.pages += [url_for("courses.lesson", slug=course.slug, lesson_slug=lesson.slug) for lesson in lessons]
    if current_user.is_authenticated:
        bundle.pages.append(url_for("courses.dashboard"))
    bundle.pages += offline_page_urls()
    pictures = course_pictures(course)
    for picture in pictures.values():
        variant = picture.variants[0] if picture.variants else None
        bundle.files.append(picture_url(course, picture, variant))
    bundle.files += [url_for("static", filename=name) for name in STATIC_FILES]
    narrations = course_narrations(course)
    for lesson in lessons:
        for narration in narrations.get(lesson.id, []):
            bundle.audio.append(narration_url(course, lesson, narration))
            bundle.audio_size += narration.size
    if with_size:
        bundle.size = _transfer_size(progress, lessons, pictures, len(bundle.pages))
    return bundle


def _transfer_size(progress: CourseProgress, lessons, pictures, page_count: int) -> int:
    from .views import render_course_page, render_lesson_page  # views import this module

    course = progress.course
    key = (course.id, course.slug, course.version, course.updated_at, str(get_locale()),
           current_user.is_authenticated, len(lessons), len(pictures))
    cached = OFFLINE_SIZES.get(key)
    if cached is not None:
        return cached
    resolve = picture_resolver(course)
    lesson_bytes = sum(compressed_size(render_lesson_page(course, lesson, progress, resolve))
                       for lesson in lessons_with_bodies(lessons))
    course_bytes = compressed_size(render_course_page(course, progress, bundle=None))
    # The dashboard and the two small offline pages: counted as one lesson page each.
    other_pages = page_count - 1 - len(lessons)
    size = course_bytes + lesson_bytes + other_pages * (lesson_bytes // max(1, len(lessons)))
    size += sum(_picture_transfer(course, picture) for picture in pictures.values())
    OFFLINE_SIZES.put(key, size)
    return size


def _picture_transfer(course: Course, picture) -> int:
    """What the stored copy of a picture costs: the smallest phone copy, or the SVG compressed."""
    if picture.variants:
        return picture.variants[0][3]
    if picture.content_type not in COMPRESSIBLE_TYPES:
        return picture.size
    data = db.session.scalar(select(CourseAsset.data).where(CourseAsset.course_id == course.id,
                                                            CourseAsset.path == picture.path))
    return compressed_size(data or b"", picture.content_type)
