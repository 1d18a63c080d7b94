"""Recording, confirming and removing a lesson's narration, each written to the audit log: what learners hear
is course content, and who changed it, when and in which language stays on record."""
from __future__ import annotations

from ..audit.services import record
from ..courses import narrations as recordings
from ..courses.models import Lesson, LessonNarration


def _record(action: str, actor, lesson: Lesson, narration: LessonNarration, **details) -> None:
    record(action, actor_id=actor.id, target_type="lesson", target_id=lesson.id, target_label=lesson.title,
           course=lesson.course.slug, language=narration.language, **details)


def save(lesson: Lesson, actor, language: str, data: bytes) -> LessonNarration:
    """Convert and store the upload as the lesson's recording in `language` (recordings.save_narration)."""
    narration = recordings.save_narration(lesson, actor, language, data)
    _record("narration.saved", actor, lesson, narration, bytes=narration.size,
            seconds=round(narration.duration_ms / 1000))
    return narration


def confirm(actor, narration: LessonNarration, lesson: Lesson) -> None:
    recordings.confirm_narration(narration, lesson)
    _record("narration.confirmed", actor, lesson, narration, version=lesson.course.version)


def remove(actor, narration: LessonNarration, lesson: Lesson) -> None:
    _record("narration.removed", actor, lesson, narration)
    recordings.remove_narration(narration, lesson)
