"""Reads for practice observations: one current skill of a course with its current steps."""
from __future__ import annotations

from sqlalchemy import func, select

from ..courses.models import Course, Module, Skill, SkillStep
from ..courses.queries import CourseSkill
from ..extensions import db


def current_skill(course: Course, skill_slug: str) -> CourseSkill | None:
    """The skill `skill_slug` of `course` with its current steps in order; None when it is unknown, retired
    or in a retired module. Two queries (the skill with its module, then its steps)."""
    row = db.session.execute(
        select(Skill, Module).join(Module, Module.id == Skill.module_id)
        .where(Skill.course_id == course.id, Skill.slug == skill_slug, Skill.retired_at.is_(None),
               Module.retired_at.is_(None))
    ).first()
    if row is None:
        return None
    skill, module = row
    steps = list(db.session.scalars(
        select(SkillStep).where(SkillStep.skill_id == skill.id, SkillStep.retired_at.is_(None))
        .order_by(SkillStep.position, SkillStep.id)
    ))
    return CourseSkill(skill, module, steps)


def module_number(module: Module) -> int:
    """The module's number as the course page shows it (its place among the current modules). One query."""
    earlier = db.session.scalar(
        select(func.count(Module.id)).where(Module.course_id == module.course_id, Module.retired_at.is_(None),
                                            Module.position < module.position)
    )
    return (earlier or 0) + 1
