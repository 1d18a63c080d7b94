"""Progress marks made on a phone while offline, sent when the connection comes back.

A batch is checked whole before anything is written: one wrong mark refuses the batch
and nothing of it is recorded, with every problem listed so the phone can drop what
can never be recorded and send the rest. Each mark carries an id the phone made
(a UUID); a mark whose id was already received is not recorded again, so a phone that
sends the same batch twice (the answer was lost on the way back) changes nothing.
Marks name lessons by course and lesson slug, which stay the same across course
versions; a lesson retired since is still recorded, in the learner's history.
The learner is always the signed-in user: a batch cannot name anyone else.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import parse_iso_utc, utcnow
from .content_files import SLUG_RE
from .models import Course, Lesson, SyncedMark
from .services import mark_lesson_done

MAX_MARKS = 200
MARK_KEYS = {"id", "course", "lesson", "done_at"}
EARLIEST = datetime(2020, 1, 1)

PROBLEMS = {
    "not_an_object": _l("A mark must be an object with id, course, lesson and done_at."),
    "unknown_field": _l("This field is not accepted in a mark."),
    "missing": _l("This field is required."),
    "bad_id": _l("The id must be a UUID made on the phone."),
    "duplicate_id": _l("The same id is used twice in this batch."),
    "id_reused": _l("This id was already used for another lesson."),
    "unknown_course": _l("There is no open course with this slug."),
    "unknown_lesson": _l("This course has no lesson with this slug."),
    "bad_time": _l("done_at must be a date and time in ISO 8601 format, e.g. 2026-05-01T08:30:00+07:00."),
}


class BatchRefused(Exception):
    """The batch as a whole is wrong (code), or some marks are (problems)."""

    def __init__(self, code: str, message: str, problems: list[dict] | None = None):
        super().__init__(code)
        self.code = code
        self.message = message
        self.problems = problems or []


@dataclass
class Mark:
    client_id: str
    lesson: Lesson
    done_at: datetime


@dataclass
class SyncResult:
    #: ids recorded now, and ids that had been received before (sent twice)
    recorded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    courses: set[Course] = field(default_factory=set)


def _problem(index: int, mark_id, field_name: str | None, code: str) -> dict:
    entry = {"index": index, "field": field_name, "code": code, "message": str(PROBLEMS[code])}
    if isinstance(mark_id, str):
        entry["id"] = mark_id
    return entry


def parse_uuid(value) -> str | None:
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def parse_time(value) -> datetime | None:
    """An ISO 8601 time as naive UTC (a time without offset is taken as UTC); None if malformed or before 2020."""
    moment = parse_iso_utc(value)
    if moment is None or moment < EARLIEST:
        return None
    return min(moment, utcnow())  # a phone clock ahead of ours cannot date a mark in the future


def _lessons_by_slug(course_slugs: set[str]) -> tuple[dict[str, Course], dict[tuple[str, str], Lesson]]:
    """Published courses by slug, and their lessons (retired ones too) by (course slug, lesson slug)."""
    if not course_slugs:
        return {}, {}
    courses = {c.slug: c for c in db.session.scalars(
        select(Course).where(Course.slug.in_(course_slugs), Course.is_published.is_(True)))}
    lessons = {}
    if courses:
        by_id = {c.id: c.slug for c in courses.values()}
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id.in_(list(by_id)))):
            lessons[(by_id[lesson.course_id], lesson.slug)] = lesson
    return courses, lessons


def _marks_of(payload) -> list:
    """The batch's list of marks; BatchRefused when the batch is not {"marks": [...]} of 1 to MAX_MARKS marks."""
    if not isinstance(payload, dict) or not isinstance(payload.get("marks"), list) or set(payload) - {"marks"}:
        raise BatchRefused("bad_request", _('Send a JSON object {"marks": [...]}.'))
    raw = payload["marks"]
    if not raw:
        raise BatchRefused("empty_batch", _("The batch has no marks."))
    if len(raw) > MAX_MARKS:
        raise BatchRefused("too_many_marks", _("Send at most %(num)d marks at a time.", num=MAX_MARKS))
    return raw


#: a mark that passed every check of its own: (index in the batch, client id, lesson, done_at)
_Checked = tuple[int, str, Lesson, datetime]


class _MarkChecker:
    """Checks the marks of one batch in turn, collecting every problem and the ids seen so far."""

    def __init__(self, raw: list):
        slugs = {m["course"] for m in raw if isinstance(m, dict) and isinstance(m.get("course"), str)}
        # Only what can be a slug reaches the query (PostgreSQL refuses NUL in text, for one).
        self.courses, self.lessons = _lessons_by_slug({s for s in slugs if len(s) <= 80 and SLUG_RE.fullmatch(s)})
        #: client id -> index of the first mark that used it
        self.seen: dict[str, int] = {}
        self.problems: list[dict] = []

    def check(self, index: int, item) -> _Checked | None:
        """The mark as parsed, or None when it has a problem (listed in self.problems)."""
        if not isinstance(item, dict):
            self.problems.append(_problem(index, None, None, "not_an_object"))
            return None
        before = len(self.problems)
        self._check_fields(index, item)
        client_id = self._client_id(index, item)
        lesson = self._lesson(index, item)
        done_at = self._done_at(index, item)
        if len(self.problems) > before:
            return None
        return index, client_id, lesson, done_at

    def _refuse(self, index: int, item: dict, field_name: str | None, code: str) -> None:
        self.problems.append(_problem(index, item.get("id"), field_name, code))

    def _check_fields(self, index: int, item: dict) -> None:
        for key in sorted(set(item) - MARK_KEYS):
            self._refuse(index, item, str(key)[:40], "unknown_field")
        for key in sorted(MARK_KEYS - set(item)):
            self._refuse(index, item, key, "missing")

    def _client_id(self, index: int, item: dict) -> str | None:
        client_id = parse_uuid(item["id"]) if "id" in item else None
        if "id" in item and client_id is None:
            self._refuse(index, item, "id", "bad_id")
        elif client_id in self.seen:
            self._refuse(index, item, "id", "duplicate_id")
        if client_id:
            self.seen.setdefault(client_id, index)
        return client_id

    def _lesson(self, index: int, item: dict) -> Lesson | None:
        if "course" not in item:
            return None
        course_slug = item["course"]
        if not isinstance(course_slug, str) or course_slug not in self.courses:
            self._refuse(index, item, "course", "unknown_course")
            return None
        if "lesson" not in item:
            return None
        lesson = self.lessons.get((course_slug, item["lesson"])) if isinstance(item["lesson"], str) else None
        if lesson is None:
            self._refuse(index, item, "lesson", "unknown_lesson")
        return lesson

    def _done_at(self, index: int, item: dict) -> datetime | None:
        if "done_at" not in item:
            return None
        done_at = parse_time(item["done_at"])
        if done_at is None:
            self._refuse(index, item, "done_at", "bad_time")
        return done_at


def _reused_ids(user_id: int, seen: dict[str, int], parsed: list[_Checked], raw: list) -> list[dict]:
    """Marks whose id was received before for another lesson: a phone bug, not a repeat."""
    if not seen:
        return []
    earlier = dict(db.session.execute(
        select(SyncedMark.client_id, SyncedMark.lesson_id)
        .where(SyncedMark.user_id == user_id, SyncedMark.client_id.in_(list(seen)))
    ).all())
    return [_problem(index, raw[index].get("id"), "id", "id_reused") for index, client_id, lesson, _done_at in parsed
            if client_id in earlier and earlier[client_id] != lesson.id]


def check_batch(user_id: int, payload) -> list[Mark]:
    """Validate a whole batch; raise BatchRefused listing every problem, else return its marks."""
    raw = _marks_of(payload)
    checker = _MarkChecker(raw)
    parsed = [checked for index, item in enumerate(raw) if (checked := checker.check(index, item)) is not None]
    problems = checker.problems + _reused_ids(user_id, checker.seen, parsed, raw)
    if problems:
        problems.sort(key=lambda p: p["index"])
        raise BatchRefused("invalid_marks", _("Some marks cannot be recorded; nothing was recorded."),
                           problems)
    return [Mark(client_id, lesson, done_at) for _index, client_id, lesson, done_at in parsed]


def record_marks(user_id: int, marks: list[Mark]) -> SyncResult:
    """Record checked marks through the progress rules (mark_lesson_done); the caller commits."""
    result = SyncResult()
    received = utcnow()
    for mark in marks:
        new = insert_ignoring_conflict(
            SyncedMark,
            {"user_id": user_id, "client_id": mark.client_id, "lesson_id": mark.lesson.id, "done_at": mark.done_at,
             "received_at": received},
            ["user_id", "client_id"],
        )
        if new:
            mark_lesson_done(user_id, mark.lesson, done_at=mark.done_at)
            result.recorded.append(mark.client_id)
        else:
            result.already.append(mark.client_id)
        result.courses.add(mark.lesson.course)
    return result


def sync_marks(user_id: int, payload) -> SyncResult:
    """Check, then record, a batch sent by the learner's phone (all or nothing)."""
    return record_marks(user_id, check_batch(user_id, payload))
