"""Read helpers for course pages."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import abort
from flask_login import current_user
from sqlalchemy import and_, bindparam, func, or_, select

from ..extensions import db
from .models import Course, CourseAsset, CourseAssetVariant, Enrollment, Lesson, Module, Skill, SkillStep
from ..caches import COURSE_PICTURES, revision_key


def can_see_unpublished() -> bool:
    return bool(current_user and current_user.is_authenticated and current_user.is_trainer)


def get_course_or_404(slug: str) -> Course:
    """A published course by slug; unpublished ones only for trainers and admins (404 otherwise)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or (not course.is_published and not can_see_unpublished()):
        abort(404)
    return course


def get_lesson_or_404(course: Course, lesson_slug: str) -> Lesson:
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug))
    if lesson is None:
        abort(404)
    return lesson


# The lesson page's statement, built once: SQLAlchemy then reuses its cache key and compiled
# form instead of constructing both on every view (the most frequent request).
_COURSE_AND_LESSON = (
    select(Course, Lesson)
    .outerjoin(Lesson, and_(Lesson.course_id == Course.id, Lesson.slug == bindparam("lesson_slug")))
    .where(Course.slug == bindparam("course_slug"))
)


def get_course_and_lesson_or_404(slug: str, lesson_slug: str) -> tuple[Course, Lesson]:
    """get_course_or_404 then get_lesson_or_404, in one query (the lesson page)."""
    row = db.session.execute(_COURSE_AND_LESSON, {"course_slug": slug, "lesson_slug": lesson_slug}).first()
    if row is None or (not row[0].is_published and not can_see_unpublished()):
        abort(404)
    if row[1] is None:
        abort(404)
    return row[0], row[1]


def catalog_courses(search: str | None = None) -> list[Course]:
    stmt = select(Course).where(Course.is_published.is_(True)).order_by(Course.title)
    if search:
        words = [w for w in search.lower().split() if w][:8]
        for word in words:
            like = f"%{word}%"
            stmt = stmt.where(or_(func.lower(Course.title).like(like), func.lower(Course.summary).like(like),
                                  func.lower(Course.audience).like(like)))
    return list(db.session.scalars(stmt))


def module_counts(course_ids: list[int]) -> dict[int, int]:
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Module.course_id, func.count(Module.id))
        .where(Module.course_id.in_(course_ids), Module.retired_at.is_(None))
        .group_by(Module.course_id)
    )
    return dict(rows.all())


def enrolled_courses(user_id: int) -> list[tuple[Enrollment, Course]]:
    rows = db.session.execute(
        select(Enrollment, Course)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user_id)
        .order_by(Enrollment.last_activity_at.desc())
    )
    return list(rows.all())


def get_asset_or_404(course: Course, path: str) -> CourseAsset:
    asset = db.session.scalar(select(CourseAsset).where(CourseAsset.course_id == course.id, CourseAsset.path == path))
    if asset is None:
        abort(404)
    return asset


@dataclass
class Picture:
    """A course image as lessons link it: its own hash and type, and its phone copies (width, height, hash)."""

    path: str
    content_type: str
    sha256: str
    size: int
    variants: list[tuple[int, int, str, int]] = field(default_factory=list)


#: course pictures per course revision (see lms/caches.py): every change to a course's images goes
#: through the importer, which moves the revision and forgets this process's entry
_PICTURES = COURSE_PICTURES


def course_pictures(course: Course) -> dict[str, Picture]:
    """path -> Picture for every image of the course, without loading any image bytes.

    Two queries the first time a process meets this version of the course, none afterwards:
    every lesson and quiz page needs the mapping.
    """
    return _PICTURES.get_or_load(revision_key(course), lambda: _load_pictures(course.id))


def forget_pictures(course_id: int) -> None:
    """Drop this process's copies at once (the importer, after changing a course's images)."""
    _PICTURES.forget_course(course_id)


def _load_pictures(course_id: int) -> dict[str, Picture]:
    rows = db.session.execute(
        select(CourseAsset.id, CourseAsset.path, CourseAsset.content_type, CourseAsset.sha256,
               func.length(CourseAsset.data))
        .where(CourseAsset.course_id == course_id)
    ).all()
    by_id = {row.id: Picture(row.path, row.content_type, row.sha256, row[4] or 0) for row in rows}
    if not by_id:
        return {}
    variants = defaultdict(list)
    for asset_id, width, height, sha, size in db.session.execute(
        select(CourseAssetVariant.asset_id, CourseAssetVariant.width, CourseAssetVariant.height,
               CourseAssetVariant.sha256, func.length(CourseAssetVariant.data))
        .where(CourseAssetVariant.asset_id.in_(list(by_id)))
        .order_by(CourseAssetVariant.width)
    ):
        variants[asset_id].append((width, height, sha, size or 0))
    for asset_id, picture in by_id.items():
        picture.variants = variants.get(asset_id, [])
    return {picture.path: picture for picture in by_id.values()}


def get_variant_or_404(asset: CourseAsset, width: str | None) -> CourseAssetVariant:
    variant = None
    if width and width.isdigit() and len(width) <= 5:
        variant = db.session.scalar(select(CourseAssetVariant).where(CourseAssetVariant.asset_id == asset.id,
                                                                     CourseAssetVariant.width == int(width)))
    if variant is None:
        abort(404)
    return variant


@dataclass
class CourseSkill:
    """A current skill of a course as its page lists it: the module it belongs to and its current steps."""

    skill: Skill
    module: Module
    steps: list[SkillStep]


def course_skills(course: Course) -> list[CourseSkill]:
    """The current skills of the course's current modules, in course order, with their current steps in order.

    Two queries (skills with their modules, then every step), one when the course has no skill.
    """
    rows = db.session.execute(
        select(Skill, Module).join(Module, Module.id == Skill.module_id)
        .where(Skill.course_id == course.id, Skill.retired_at.is_(None), Module.retired_at.is_(None))
        .order_by(Module.position, Skill.position, Skill.id)
    ).all()
    if not rows:
        return []
    steps: dict[int, list[SkillStep]] = defaultdict(list)
    for step in db.session.scalars(
        select(SkillStep).where(SkillStep.skill_id.in_([skill.id for skill, _module in rows]),
                                SkillStep.retired_at.is_(None))
        .order_by(SkillStep.skill_id, SkillStep.position, SkillStep.id)
    ):
        steps[step.skill_id].append(step)
    return [CourseSkill(skill, module, steps[skill.id]) for skill, module in rows]
