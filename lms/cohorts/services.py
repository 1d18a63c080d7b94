"""Creating groups, joining and leaving them. Callers commit."""
from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from ..accounts.models import User
from ..audit import services as audit
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..courses.models import Course
from .models import Cohort, CohortCourse, CohortMember

# No look-alikes (0/O, 1/I/L) and no vowels-only words: easy to read out and to type.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6


class CohortError(Exception):
    """A rule was broken; `reason` is a stable code the view turns into a message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def create_cohort(owner: User, name: str, description: str, course_ids: list[int]) -> Cohort:
    cohort = Cohort(name=name, description=description, owner_id=owner.id, join_code=new_join_code())
    db.session.add(cohort)
    db.session.flush()
    set_courses(cohort, course_ids)
    return cohort


def update_cohort(cohort: Cohort, name: str, description: str, course_ids: list[int]) -> None:
    cohort.name, cohort.description = name, description
    set_courses(cohort, course_ids)


def set_courses(cohort: Cohort, course_ids: list[int]) -> None:
    valid = set(db.session.scalars(select(Course.id).where(Course.id.in_(course_ids or [-1]))))
    db.session.execute(delete(CohortCourse).where(CohortCourse.cohort_id == cohort.id))
    for course_id in sorted(valid):
        db.session.add(CohortCourse(cohort_id=cohort.id, course_id=course_id))
    db.session.flush()
    db.session.expire(cohort, ["courses"])


def regenerate_code(cohort: Cohort) -> str:
    cohort.join_code = new_join_code()
    return cohort.join_code


def find_by_code(raw: str) -> Cohort | None:
    code = normalize_code(raw)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(Cohort).where(Cohort.join_code == code))


def add_member(cohort: Cohort, user: User, *, actor: User | None) -> bool:
    """Add a learner (idempotent); True if they were not a member yet."""
    if user.id == cohort.owner_id:
        raise CohortError("owner")
    added = insert_ignoring_conflict(
        CohortMember,
        {"cohort_id": cohort.id, "user_id": user.id, "added_by_id": actor.id if actor and actor.id != user.id else None},
        ["cohort_id", "user_id"],
    )
    if added:
        audit.record("cohort.member_added", actor_id=actor.id if actor else user.id, target_type="cohort",
                     target_id=cohort.id, target_label=cohort.name, learner=user.full_name,
                     how="code" if actor is None or actor.id == user.id else "trainer")
    return added


def remove_member(cohort: Cohort, user: User, *, actor: User) -> bool:
    removed = db.session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
    ).rowcount
    if removed:
        audit.record("cohort.member_removed", actor_id=actor.id, target_type="cohort", target_id=cohort.id,
                     target_label=cohort.name, learner=user.full_name)
    return bool(removed)


def delete_cohort(cohort: Cohort) -> None:
    db.session.delete(cohort)
