"""Observations of practical skills: what a care manager saw a learner do, and the learner's answer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..courses.models import Skill, SkillStep
from ..database import one_of
from ..extensions import db
from ..timeutil import utcnow

PLACES = ("home", "posyandu", "sentra", "other")
RESULTS = ("competent", "not_yet")
#: pending until the learner answers; confirmed (by the learner, or on the signed paper sheet), rejected
#: (flagged for an admin), or withdrawn by the observer
STATUSES = ("pending", "confirmed", "rejected", "withdrawn")
STEP_STATES = ("done", "not_done", "not_seen")


class Observation(db.Model):
    """One observation of one skill, made by a care manager who accompanies the learner.

    Counts only once confirmed. `client_id` is made where the observation was written (the
    trainer's phone, offline, or the form): sending it again records nothing new.
    """

    __tablename__ = "skill_observations"
    __table_args__ = (
        CheckConstraint(one_of("place", PLACES), name="known_place"),
        CheckConstraint(one_of("result", RESULTS), name="known_result"),
        CheckConstraint(one_of("status", STATUSES), name="known_status"),
        CheckConstraint("observer_id <> learner_id", name="not_oneself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the UUID the observer's phone or form made for it (lower case, with hyphens)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: when the observation was made (the phone's clock, never later than recorded_at)
    observed_at: Mapped[datetime]
    #: when it reached the server
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    place: Mapped[str] = mapped_column(String(10))
    result: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: entered later from a printed sheet filled in at the visit
    from_paper: Mapped[bool] = mapped_column(default=False)
    #: confirmed by the learner's signature on the printed sheet (an account the trainer made for them)
    confirmed_on_paper: Mapped[bool] = mapped_column(default=False)
    #: when the learner confirmed or rejected it, or the observer withdrew it
    answered_at: Mapped[datetime | None]

    skill: Mapped[Skill] = relationship()
    steps: Mapped[list[ObservedStep]] = relationship(back_populates="observation", cascade="all, delete-orphan")


class ObservedStep(db.Model):
    """What the observer saw of one step of the checklist."""

    __tablename__ = "skill_observation_steps"
    __table_args__ = (CheckConstraint(one_of("state", STEP_STATES), name="known_state"),)

    observation_id: Mapped[int] = mapped_column(ForeignKey("skill_observations.id", ondelete="CASCADE"),
                                                primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("skill_steps.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(10))

    observation: Mapped[Observation] = relationship(back_populates="steps")
    step: Mapped[SkillStep] = relationship()
