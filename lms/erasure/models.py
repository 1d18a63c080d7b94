"""Requests to delete an account, requests that need an administrator, and retention warnings."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import one_of
from ..extensions import db
from ..timeutil import utcnow

#: what happens to the certificates a learner already gave to others when their account is deleted
KEEP, WITHDRAW = "keep", "withdraw"
CERTIFICATE_CHOICES = (KEEP, WITHDRAW)
#: why an account is erased: its holder asked, or it was not used for RETENTION_INACTIVE_DAYS
CAUSES = ("request", "retention")


class ErasureRequest(db.Model):
    """A learner's request to delete their account, carried out by `lms erasure run` after the grace period.

    One per account (a unique constraint): cancelling deletes it, carrying it out sets `executed_at` once (a
    conditional UPDATE claims it), and the row stays as the record that the account was erased.
    """

    __tablename__ = "erasure_requests"
    __table_args__ = (
        CheckConstraint(one_of("certificates", CERTIFICATE_CHOICES), name="known_choice"),
        CheckConstraint(one_of("cause", CAUSES), name="known_cause"),
        # the runs look for requests not carried out yet whose grace period is over (few)
        Index("ix_erasure_requests_due", "execute_after",
              postgresql_where=sql_text("executed_at IS NULL"), sqlite_where=sql_text("executed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: KEEP (still verifiable: the register keeps the name, course and dates) or WITHDRAW
    certificates: Mapped[str] = mapped_column(String(8))
    #: "request" (the learner asked) or "retention" (the account was not used for years)
    cause: Mapped[str] = mapped_column(String(10), default="request", server_default="request")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the end of the grace period: until then the account works and the request can be cancelled
    execute_after: Mapped[datetime]
    #: set once, by the run that carried it out
    executed_at: Mapped[datetime | None]


#: what a request to an administrator is about (the learner's own account, or someone else's)
REQUEST_KINDS = ("guardian", "dispute", "correction", "deletion", "other")
#: received → taken (an administrator works on it) → answered → closed; each step is in the audit log
REQUEST_STATUSES = ("received", "taken", "answered", "closed")
#: the legal deadline of an answer: three days of 24 hours after the request was received
ANSWER_WITHIN = timedelta(hours=3 * 24)


class PrivacyRequest(db.Model):
    """A request about personal data that needs a person: a guardian's request for a minor, a dispute, a
    correction the learner cannot make themselves. Filed by the learner, or by an administrator on someone's
    behalf; answered by an administrator within ANSWER_WITHIN."""

    __tablename__ = "privacy_requests"
    __table_args__ = (
        CheckConstraint(one_of("kind", REQUEST_KINDS), name="known_kind"),
        CheckConstraint(one_of("status", REQUEST_STATUSES), name="known_status"),
        # the queue: requests not closed, oldest (nearest deadline) first, in keyset pages
        Index("ix_privacy_requests_open", "received_at", "id",
              postgresql_where=sql_text("status <> 'closed'"), sqlite_where=sql_text("status <> 'closed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: what the person asks, in their words
    message: Mapped[str] = mapped_column(Text)
    #: the account it is about; None when the person has none (the contact says how to answer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: who typed it: the learner, or the administrator who took it down
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: how to reach someone who is not the account's holder (a guardian's phone); may be empty
    contact: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(10), default="received")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    taken_at: Mapped[datetime | None]
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    #: the administrator's answer, shown to the learner
    answer: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])

    @property
    def deadline(self) -> datetime:
        return self.received_at + ANSWER_WITHIN

    def overdue(self, now: datetime) -> bool:
        """Not answered (nor closed) by the deadline."""
        return self.status in ("received", "taken") and now > self.deadline


#: how a retention warning reached the person: by e-mail, or (no channel for a phone-only account) at sign-in
NOTICE_CHANNELS = ("email", "sign_in")


class RetentionNotice(db.Model):
    """A warning that an account not used for RETENTION_INACTIVE_DAYS will be erased after
    RETENTION_WARNING_DAYS more. Deleted when the account is used again."""

    __tablename__ = "retention_notices"
    __table_args__ = (CheckConstraint(one_of("channel", NOTICE_CHANNELS), name="known_channel"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    warned_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(8))
    #: when the next sign-in showed it (every channel: an e-mail may not have been read)
    shown_at: Mapped[datetime | None]
