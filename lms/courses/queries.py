"""Read helpers for course pages."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..extensions import db
from .models import Course, CourseAsset, Enrollment, Lesson, Module


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


def asset_versions(course_id: int) -> dict[str, str]:
    """path -> short content hash, for cache-busting asset URLs."""
    rows = db.session.execute(select(CourseAsset.path, CourseAsset.sha256).where(CourseAsset.course_id == course_id))
    return {path: sha[:12] for path, sha in rows.all()}


def get_asset_or_404(course: Course, path: str) -> CourseAsset:
    asset = db.session.scalar(select(CourseAsset).where(CourseAsset.course_id == course.id, CourseAsset.path == path))
    if asset is None:
        abort(404)
    return asset
