"""Course outlines: the current modules, lessons and skills of a course, in order, as plain data.

Every page of a course needs its outline; it is cached per course revision in this process
(lms/caches.py: COURSE_OUTLINES) and dropped at once when a module, lesson or skill is written here.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session, defer

from ..caches import COURSE_OUTLINES, revision_key
from ..extensions import db
from .models import Course, Lesson, Module, Skill

@dataclass(frozen=True, slots=True)
class OutlineModule:
    """A current module as outlines show it: plain data, shared by every request of this process."""

    id: int
    course_id: int
    slug: str
    position: int
    title: str
    summary: str
    has_quiz: bool
    retired_at: datetime | None = None
    #: the module's current practical skills (skills.yaml), in order
    skill_ids: tuple[int, ...] = ()

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True, slots=True)
class OutlineLesson:
    """A current lesson as outlines show it (no text): plain data, like OutlineModule."""

    id: int
    course_id: int
    module_id: int
    slug: str
    position: int
    title: str
    minutes: int
    retired_at: datetime | None = None

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


def load_outline(course_ids: Iterable[int]) -> dict[int, list[tuple[Module, list[Lesson]]]]:
    """Current modules with their current lessons, in order, for several courses (2 queries)."""
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id.in_(course_ids), Module.retired_at.is_(None))
        .order_by(Module.course_id, Module.position)
    ).all()
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.course_id.in_(course_ids), Lesson.retired_at.is_(None))
        .order_by(Lesson.position, Lesson.id)
        .options(defer(Lesson.body))  # outlines never show the text; a course's bodies weigh ~100 KB
    ).all()
    by_module: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_module[lesson.module_id].append(lesson)
    outline: dict[int, list[tuple[Module, list[Lesson]]]] = defaultdict(list)
    for module in modules:
        outline[module.course_id].append((module, by_module.get(module.id, [])))
    return outline


#: plain outlines per course revision (see lms/caches.py): the importer moves the revision whenever
#: modules or lessons change, and every ORM write to them in this process drops the entry at once
#: (see _forget_written_outlines), so an entry is never stale
_OUTLINES = COURSE_OUTLINES


def course_outline(course: Course) -> list[tuple[OutlineModule, list[OutlineLesson]]]:
    """Current modules with their current lessons, in order, as plain data; no query once cached."""
    return cached_outlines([course])[course.id]


def cached_outlines(courses: list[Course]) -> dict[int, list[tuple[OutlineModule, list[OutlineLesson]]]]:
    """course id -> plain outline for several courses; the missing ones in 2 queries."""
    result, missing = {}, {}
    for course in courses:
        key = revision_key(course)
        outline = _OUTLINES.get(key)
        if outline is None:
            missing[course.id] = key
        else:
            result[course.id] = outline
    if missing:
        loaded = load_outline(missing)
        skills = _current_skill_ids(missing)
        fresh = {
            course_id: [
                (OutlineModule(m.id, m.course_id, m.slug, m.position, m.title, m.summary, bool(m.has_quiz),
                               skill_ids=skills.get(m.id, ())),
                 [OutlineLesson(ls.id, ls.course_id, ls.module_id, ls.slug, ls.position, ls.title, ls.minutes)
                  for ls in lessons])
                for m, lessons in loaded.get(course_id, [])
            ]
            for course_id in missing
        }
        result.update(fresh)
        for course_id, key in missing.items():
            _OUTLINES.put(key, fresh[course_id])
    return result


def _current_skill_ids(course_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """module id -> its current skills' ids in order, for several courses (1 query)."""
    by_module: dict[int, list[int]] = defaultdict(list)
    for module_id, skill_id in db.session.execute(
        select(Skill.module_id, Skill.id).where(Skill.course_id.in_(list(course_ids)), Skill.retired_at.is_(None))
        .order_by(Skill.module_id, Skill.position, Skill.id)
    ):
        by_module[module_id].append(skill_id)
    return {module_id: tuple(ids) for module_id, ids in by_module.items()}


def forget_outline(course_id: int) -> None:
    """Drop this process's outlines of a course at once (its modules or lessons were written)."""
    _OUTLINES.forget_course(course_id)


@event.listens_for(Session, "after_flush")
def _forget_written_outlines(session, _flush_context) -> None:
    # Any module, lesson or skill written through the ORM (importer, quiz loader, a test) drops its course's outline.
    written = {obj.course_id for obj in (*session.new, *session.dirty, *session.deleted)
               if isinstance(obj, Module | Lesson | Skill) and obj.course_id is not None}
    for course_id in written:
        forget_outline(course_id)
    if written:
        session.info.setdefault("outline_courses", set()).update(written)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_outlines_at_end(session) -> None:
    # Again once the transaction ends: another thread may have cached the old rows in between.
    for course_id in session.info.pop("outline_courses", ()):
        forget_outline(course_id)


def lessons_with_bodies(lessons: list) -> list[Lesson]:
    """The full lessons (with their texts) of outline lessons, in the same order, in one query."""
    by_id = {lesson.id: lesson for lesson in db.session.scalars(
        select(Lesson).where(Lesson.id.in_([lesson.id for lesson in lessons])))} if lessons else {}
    return [by_id[lesson.id] for lesson in lessons]
