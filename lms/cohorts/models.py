"""A care manager's groups of learners and the courses each group follows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..courses.models import Course
from ..extensions import db
from ..organisations.models import Organisation
from ..regions.models import CODE_LENGTH, Region
from ..timeutil import utcnow


class Cohort(db.Model):
    """A group of learners (families of a village, a Posyandu) that a care manager accompanies.

    Learners join with its code or by accepting an invitation; the care manager then follows
    their progress in the group's courses (cohorts.queries.cohort_report).
    """

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: the care manager's own notes on the group, shown on its page; may be empty
    description: Mapped[str] = mapped_column(Text, default="")
    #: the trainer (care manager) who accompanies the group
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: short code learners type or open as a link to join; unique while it exists
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the organisation that runs the group (a Sentra, an LKS, a Puskesmas partner, a village office); None
    #: when not said. Organisations are retired, never deleted, so this stays valid
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey(Organisation.id), index=True)
    #: the place the group's families live in, at any level; by default the organisation's. None when not said
    region_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH), ForeignKey(Region.code), index=True)

    owner: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    region: Mapped[Region | None] = relationship()
    #: the courses whose steps the group's report shows, by title
    courses: Mapped[list[Course]] = relationship(secondary="cohort_courses", order_by="Course.title")


class CohortCourse(db.Model):
    """A course a group follows: its steps are the columns of the group's report."""

    __tablename__ = "cohort_courses"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)


#: how a learner came into a group: every way is their own consent (or, for "created", an account the
#: care manager made with the family at their side)
JOINED_VIA = ("code", "invitation", "created")


class CohortMember(db.Model):
    """A learner in a group: from then on the group's care manager sees their progress."""

    __tablename__ = "cohort_members"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        CheckConstraint("joined_via IN ('code', 'invitation', 'created')", name="known_way"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: when the learner joined (not a contact: reach.py says who needs a visit)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the trainer who invited the learner or made their account; None when they joined with the code
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: one of JOINED_VIA
    joined_via: Mapped[str] = mapped_column(String(16), default="code", server_default="code")

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CohortInvitation(db.Model):
    """A care manager's invitation to the owner of a mobile number. The trainer sees nothing of that
    person (not even whether the number has an account) until they sign in and accept."""

    __tablename__ = "cohort_invitations"
    __table_args__ = (UniqueConstraint("cohort_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    #: E.164 mobile number as the trainer typed it; matched against users.phone when its owner signs in
    phone: Mapped[str] = mapped_column(String(16), index=True)
    #: the trainer who sent it; None once their account is deleted
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: after this the invitation is neither shown nor accepted (services.INVITATION_LIFETIME after sending)
    expires_at: Mapped[datetime]

    cohort: Mapped[Cohort] = relationship()
    invited_by: Mapped[User | None] = relationship()
