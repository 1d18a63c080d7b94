"""Creating groups, joining and leaving them. Callers commit.

Nobody is put in a group without their consent: a learner joins with the group's code, accepts a
care manager's invitation after signing in, or has their account made by the care manager with
the family at their side (a family without a phone).
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from ..accounts import rescue
from ..accounts.identifiers import new_login_id
from ..accounts.models import Role, User
from ..accounts.services import register_user
from ..audit import services as audit
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..courses.models import Course
from ..timeutil import utcnow
from .models import Cohort, CohortCourse, CohortInvitation, CohortMember
from .signals import members_leaving

INVITATION_LIFETIME = timedelta(days=30)

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


def create_cohort(owner: User, name: str, description: str, course_ids: list[int], *,
                  organisation_id: int | None = None, region_code: str | None = None) -> Cohort:
    """A new group with a fresh join code. `organisation_id` (an active organisation) and `region_code` (a
    current region) are checked by the form."""
    cohort = Cohort(name=name, description=description, owner_id=owner.id, join_code=new_join_code(),
                    organisation_id=organisation_id, region_code=region_code or None)
    db.session.add(cohort)
    db.session.flush()
    set_courses(cohort, course_ids)
    return cohort


def update_cohort(cohort: Cohort, name: str, description: str, course_ids: list[int], *,
                  organisation_id: int | None = None, region_code: str | None = None) -> None:
    cohort.name, cohort.description = name, description
    cohort.organisation_id, cohort.region_code = organisation_id, region_code or None
    set_courses(cohort, course_ids)


def set_courses(cohort: Cohort, course_ids: list[int]) -> None:
    valid = set(db.session.scalars(select(Course.id).where(Course.id.in_(course_ids or [-1]))))
    db.session.execute(delete(CohortCourse).where(CohortCourse.cohort_id == cohort.id))
    for course_id in sorted(valid):
        db.session.add(CohortCourse(cohort_id=cohort.id, course_id=course_id))
    db.session.flush()
    db.session.expire(cohort, ["courses"])


def set_region(cohort: Cohort, region_code: str | None) -> None:
    """The group's region (a current region's code, checked by the form), or None."""
    cohort.region_code = region_code or None


def regenerate_code(cohort: Cohort) -> str:
    cohort.join_code = new_join_code()
    return cohort.join_code


def find_by_code(raw: str) -> Cohort | None:
    code = normalize_code(raw)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(Cohort).where(Cohort.join_code == code))


def add_member(cohort: Cohort, user: User, *, actor: User | None, via: str | None = None) -> bool:
    """Put a learner in the group (idempotent); True if they were not a member yet.

    Only for a learner's own consent: the join code (actor None), an accepted invitation, or an
    account the care manager made with the family.
    """
    if user.id == cohort.owner_id:
        raise CohortError("owner")
    by_someone_else = actor is not None and actor.id != user.id
    via = via or ("invitation" if by_someone_else else "code")
    added = insert_ignoring_conflict(
        CohortMember,
        {"cohort_id": cohort.id, "user_id": user.id, "added_by_id": actor.id if by_someone_else else None,
         "joined_via": via},
        ["cohort_id", "user_id"],
    )
    if user.phone:  # an invitation to this group is answered by joining it, however that happened
        db.session.execute(delete(CohortInvitation).where(CohortInvitation.cohort_id == cohort.id,
                                                          CohortInvitation.phone == user.phone))
    if added:
        audit.record("cohort.member_added", actor_id=user.id if via != "created" else actor.id,
                     target_type="cohort", target_id=cohort.id, target_label=cohort.name, learner=user.full_name,
                     learner_id=user.id, how=via)
    return added


def invite(cohort: Cohort, phone: str, *, actor: User) -> None:
    """Invite the owner of a mobile number. Whether an account uses the number is not looked at, so
    the answer never tells a trainer who has an account."""
    if phone == actor.phone:
        raise CohortError("owner")
    now = utcnow()
    values = {"cohort_id": cohort.id, "phone": phone, "invited_by_id": actor.id, "created_at": now,
              "expires_at": now + INVITATION_LIFETIME}
    if not insert_ignoring_conflict(CohortInvitation, values, ["cohort_id", "phone"]):
        # Invited again: the invitation runs for another full period.
        db.session.execute(update(CohortInvitation).where(
            CohortInvitation.cohort_id == cohort.id, CohortInvitation.phone == phone).values(
            invited_by_id=actor.id, expires_at=now + INVITATION_LIFETIME))
    audit.record("cohort.invitation_sent", actor_id=actor.id, target_type="cohort", target_id=cohort.id,
                 target_label=cohort.name, phone_ending=phone[-4:])


def cancel_invitation(cohort: Cohort, invitation_id: int) -> bool:
    return bool(db.session.execute(delete(CohortInvitation).where(
        CohortInvitation.id == invitation_id, CohortInvitation.cohort_id == cohort.id)).rowcount)


def answer_invitation(invitation: CohortInvitation, user: User, *, accept: bool) -> bool:
    """The invited learner accepts (joins the group) or declines; either way the invitation goes.

    Raises CohortError("not_yours") unless the invitation is for this user's number and still open.
    """
    if not user.phone or invitation.phone != user.phone or invitation.expires_at <= utcnow():
        raise CohortError("not_yours")
    cohort = invitation.cohort
    inviter = invitation.invited_by
    db.session.execute(delete(CohortInvitation).where(CohortInvitation.id == invitation.id))
    audit.record("cohort.invitation_answered", actor_id=user.id, target_type="cohort", target_id=cohort.id,
                 target_label=cohort.name, accepted=accept)
    if not accept:
        return False
    if inviter is None or inviter.id == user.id:
        inviter = None
    return add_member(cohort, user, actor=inviter or user, via="invitation")


def create_family_account(cohort: Cohort, full_name: str, *, actor: User) -> tuple[User, str]:
    """Make a learner account for a family without a phone, in this group, and return it with a
    one-time code to choose the password. It signs in with a sign-in ID (User.login_id)."""
    while True:
        login_id = new_login_id()
        if db.session.scalar(select(User.id).where(User.login_id == login_id)) is None:
            break
    # Nobody knows this password: the family chooses theirs with the code.
    user = register_user(full_name, "login_id", login_id, secrets.token_urlsafe(32), role=Role.LEARNER,
                         locale=actor.locale)
    audit.record("user.created_for_family", actor_id=actor.id, target_type="user", target_id=user.id,
                 target_label=full_name, cohort=cohort.name)
    add_member(cohort, user, actor=actor, via="created")
    code = rescue.issue_code(user, channel="helper", issued_by=actor, reason="account made for a family",
                             cohort=cohort.name)
    return user, code


def _take_out(cohort: Cohort, *conditions) -> int:
    """Delete the group's memberships matching `conditions` and tell who left (members_leaving): the rows the
    DELETE returned, so a removal made twice at once tells it once."""
    leaving = db.session.execute(delete(CohortMember).where(CohortMember.cohort_id == cohort.id, *conditions)
                                 .returning(CohortMember.user_id, CohortMember.joined_at)).all()
    if leaving:
        members_leaving.send(cohort, members=[tuple(row) for row in leaving])
    return len(leaving)


def remove_member(cohort: Cohort, user: User, *, actor: User) -> bool:
    removed = _take_out(cohort, CohortMember.user_id == user.id)
    if removed:
        audit.record("cohort.member_removed", actor_id=actor.id, target_type="cohort", target_id=cohort.id,
                     target_label=cohort.name, learner=user.full_name, learner_id=user.id)
    return bool(removed)


def leave_group(cohort: Cohort, user: User) -> bool:
    """The learner leaves the group by their own choice, withdrawing their consent to its care manager's view:
    from now on the care manager sees nothing of them (the group page, its CSV, their page, their observations).
    Their progress stays theirs. True when they were a member."""
    left = db.session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
    ).rowcount
    if left:
        audit.record("cohort.member_left", actor_id=user.id, target_type="cohort", target_id=cohort.id,
                     target_label=cohort.name, learner=user.full_name, learner_id=user.id)
    return bool(left)


def delete_cohort(cohort: Cohort) -> None:
    _take_out(cohort)
    db.session.delete(cohort)
