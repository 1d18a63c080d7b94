"""Lesson narrations: a trainer's recording of a lesson, in Indonesian or a regional language.

Languages are a fixed list (LANGUAGES). A recording is converted once (lms/courses/audio.py)
and stored in the database, one per lesson and language; a new one replaces the old.
It is made for the lesson's text as it was (`lesson_text_hash`): when the lesson changes,
the learner's page and the trainer's say it may be out of date, until the trainer
confirms it still matches (or records it again).

Reads (`course_narrations`, `lesson_narrations`) never load the audio bytes and are kept
per course revision (lms/caches.py); writes (`save_narration`, `confirm_narration`,
`remove_narration`) follow the services' rule, no request and no commit, and move the
course's revision, so every page and every saved copy sees the change.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..caches import COURSE_NARRATIONS, revision_key
from ..extensions import db
from ..timeutil import utcnow
from . import audio
from .models import Course, Lesson, LessonNarration

#: code -> name, in the order the form offers them: Indonesian, then the largest regional languages
#: (ISO 639 codes, also the `lang` of the recording)
LANGUAGES = {
    "id": _l("Indonesian"),
    "jv": _l("Javanese"),
    "su": _l("Sundanese"),
    "mad": _l("Madurese"),
    "min": _l("Minangkabau"),
    "bug": _l("Buginese"),
    "ban": _l("Balinese"),
    "bjn": _l("Banjarese"),
    "ace": _l("Acehnese"),
    "bbc": _l("Batak Toba"),
    "sas": _l("Sasak"),
    "mak": _l("Makassarese"),
    "bew": _l("Betawi"),
    "ms": _l("Malay"),
}


def language_name(code: str) -> str:
    return str(LANGUAGES.get(code, code))


def lesson_text_hash(lesson) -> str:
    """What a recording is made for: the lesson's title and text (not its place in the course)."""
    return hashlib.sha256(f"{lesson.title}\n\n{lesson.body}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Narration:
    """A narration as pages show it, without its bytes."""

    id: int
    lesson_id: int
    language: str
    sha256: str
    size: int
    duration_ms: int
    lesson_hash: str
    course_version: int
    recorded_at: object
    confirmed_at: object

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    def matches(self, lesson) -> bool:
        """Whether the recording was made (or confirmed) for the lesson's current text."""
        return self.lesson_hash == lesson_text_hash(lesson)


def course_narrations(course: Course) -> dict[int, list[Narration]]:
    """lesson id -> its narrations in LANGUAGES order; one query the first time a process meets a revision."""
    return COURSE_NARRATIONS.get_or_load(revision_key(course), lambda: _load(course.id))


def _load(course_id: int) -> dict[int, list[Narration]]:
    rows = db.session.execute(
        select(LessonNarration.id, LessonNarration.lesson_id, LessonNarration.language, LessonNarration.sha256,
               LessonNarration.size, LessonNarration.duration_ms, LessonNarration.lesson_hash,
               LessonNarration.course_version, LessonNarration.recorded_at, LessonNarration.confirmed_at)
        .where(LessonNarration.course_id == course_id)
    ).all()
    order = {code: index for index, code in enumerate(LANGUAGES)}
    by_lesson: dict[int, list[Narration]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (order.get(r.language, len(order)), r.id)):
        by_lesson[row.lesson_id].append(Narration(*row))
    return dict(by_lesson)


def lesson_narrations(course: Course, lesson) -> list[Narration]:
    return course_narrations(course).get(lesson.id, [])


def narration_url(course: Course, lesson, narration: Narration) -> str:
    """The long-cacheable URL of a recording: it carries the hash of its bytes."""
    return url_for("courses.narration", slug=course.slug, lesson_slug=lesson.slug, narration_id=narration.id,
                   v=narration.sha256[:12])


def get_narration_or_404(lesson: Lesson, narration_id: int) -> LessonNarration:
    narration = db.session.get(LessonNarration, narration_id)
    if narration is None or narration.lesson_id != lesson.id:
        abort(404)
    return narration


def narration_count(course_ids: list[int]) -> dict[int, int]:
    """course id -> how many narrations its lessons have (the authoring lists)."""
    if not course_ids:
        return {}
    rows = db.session.execute(select(LessonNarration.course_id, func.count(LessonNarration.id))
                              .where(LessonNarration.course_id.in_(course_ids)).group_by(LessonNarration.course_id))
    return dict(rows.all())


# --- writes (no request, no commit) -----------------------------------------------------------


class NarrationRefused(ValueError):
    """A language outside LANGUAGES, or an upload audio.convert refused (`refusal`)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _touch(course: Course) -> None:
    # a new revision: lesson pages list the change, saved copies see they are out of date
    course.updated_at = utcnow()
    COURSE_NARRATIONS.forget_course(course.id)


def save_narration(lesson: Lesson, user, language: str, data: bytes) -> LessonNarration:
    """Convert an upload and store it as the lesson's narration in `language` (replacing an older one).

    Raises NarrationRefused with the reason in the trainer's words. The conversion runs before any
    write, so a refused upload changes nothing.
    """
    if language not in LANGUAGES:
        raise NarrationRefused(str(_l("Choose the language of the recording.")))
    try:
        converted = audio.convert(data)
    except audio.AudioRefused as refused:
        raise NarrationRefused(refused.message) from None
    course = lesson.course
    values = {"content_type": audio.CONTENT_TYPE, "data": converted.data,
              "sha256": hashlib.sha256(converted.data).hexdigest(), "size": len(converted.data),
              "duration_ms": converted.duration_ms, "lesson_hash": lesson_text_hash(lesson),
              "course_version": course.version, "recorded_by_id": user.id, "recorded_at": utcnow(),
              "confirmed_at": None}
    narration = db.session.scalar(select(LessonNarration).where(LessonNarration.lesson_id == lesson.id,
                                                                LessonNarration.language == language))
    if narration is None:
        narration = LessonNarration(lesson_id=lesson.id, course_id=lesson.course_id, language=language, **values)
        db.session.add(narration)
    else:
        for name, value in values.items():
            setattr(narration, name, value)
    _touch(course)
    db.session.flush()
    return narration


def confirm_narration(narration: LessonNarration, lesson: Lesson) -> None:
    """The trainer listened again: the recording still matches the changed lesson."""
    narration.lesson_hash = lesson_text_hash(lesson)
    narration.course_version = lesson.course.version
    narration.confirmed_at = utcnow()
    _touch(lesson.course)


def remove_narration(narration: LessonNarration, lesson: Lesson) -> None:
    db.session.delete(narration)
    _touch(lesson.course)
