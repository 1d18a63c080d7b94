"""Certificates as issued, their signed PDFs, and what happened to them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..courses.models import Course
from ..extensions import db
from ..timeutil import utcnow
from ..word_search import WORD_LENGTH

#: "withdrawn": at the holder's request, when their account was deleted (lms/erasure)
EVENT_KINDS = ("issued", "revoked", "reinstated", "withdrawn")


@dataclass(frozen=True)
class CertifiedSkill:
    """One observed skill as a certificate lists it (an entry of Certificate.skills, read back)."""

    #: the skill's id in the course files
    id: str
    title: str
    #: the day it was seen done, in the issuer's time zone
    observed: date
    #: the care manager (or admin) who saw it, as named then
    observer: str
    #: "trainer" or "admin"
    observer_role: str
    #: the learner confirmed by signing the printed sheet, not from their own account
    confirmed_on_paper: bool
    #: the SKKNI/BNSP unit the skill relates to, or None
    competency_unit: str | None


class Certificate(db.Model):
    """What was certified, as it was on the day: later edits of names or courses never change it."""

    __tablename__ = "certificates"
    # One certificate per learner, course and certification cycle: the database decides
    # when two completions race.
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "cycle"),
        # the admin list, newest first in keyset pages (migration 0018), and its revoked ones (few), exactly those
        # it lists, so that counting them reads the index alone (migration 0029)
        Index("ix_certificates_issued_at_id", "issued_at", "id"),
        Index("ix_certificates_revoked_issued_at_id", "issued_at", "id",
              postgresql_where=sql_text("revoked_at IS NOT NULL AND withdrawn_at IS NULL"),
              sqlite_where=sql_text("revoked_at IS NOT NULL AND withdrawn_at IS NULL")),
        Index("ix_certificates_renews_id", "renews_id",
              postgresql_where=sql_text("renews_id IS NOT NULL"), sqlite_where=sql_text("renews_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the ID people read and type, e.g. RWT-2026-7K3M-9QXH-F (see public_id.py)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id", ondelete="SET NULL"))
    #: 1 for the first certificate of this learner and course, 2 after the first renewal…
    cycle: Mapped[int] = mapped_column(default=1)
    #: the expired certificate this one renews
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    #: the learner's name as printed
    holder_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    course_version: Mapped[int]
    #: hours of study (JP)
    hours: Mapped[int]
    #: the day the course was completed, in the issuer's time zone
    completed_on: Mapped[date] = mapped_column(Date)
    #: last day of validity; None means no expiry
    valid_until: Mapped[date | None] = mapped_column(Date)
    #: issuing organisation, signatory and their position, as printed
    issuer: Mapped[str] = mapped_column(String(200))
    signatory_name: Mapped[str] = mapped_column(String(120))
    signatory_position: Mapped[str] = mapped_column(String(120))
    #: language of the PDF (the learner's language when issued)
    locale: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: id of the key whose Ed25519 half signed the payload (see keys.py)
    key_id: Mapped[str] = mapped_column(String(32))
    #: Ed25519 signature of the canonical payload, base64url (see signing.py)
    signature: Mapped[str] = mapped_column(String(100))
    #: set while the certificate is revoked; the history is in certificate_events
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    #: set once when the holder deleted their account and chose to withdraw it: the holder's name and skills are
    #: gone from the register, verifiers read "withdrawn at the holder's request" and its status bit is set. Not a
    #: revocation: the training happened, so programme figures keep counting it (services.withdraw)
    withdrawn_at: Mapped[datetime | None]
    #: the skills seen done competently, as signed: [{id, title, observed, observer, observer_role,
    #: confirmed_on_paper, competency_unit}] in course order (see signing.py); [] before payload version 2
    skills: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    holder: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    renews: Mapped[Certificate | None] = relationship(remote_side=[id])

    @property
    def observed_skills(self) -> list[CertifiedSkill]:
        """`skills` with their dates as dates, for pages and the PDF."""
        return [CertifiedSkill(id=item["id"], title=item["title"], observed=date.fromisoformat(item["observed"]),
                               observer=item["observer"], observer_role=item["observer_role"],
                               confirmed_on_paper=bool(item["confirmed_on_paper"]),
                               competency_unit=item.get("competency_unit") or None)
                for item in self.skills or ()]

    def __repr__(self) -> str:
        return f"<Certificate {self.public_id}>"


#: a word as the words table holds it: compared byte by byte on PostgreSQL too (collation "C"), so that the words
#: beginning "rina" are one range of its index, as they are on SQLite
WORD_TYPE = String(WORD_LENGTH).with_variant(String(WORD_LENGTH, collation="C"), "postgresql")


class CertificateWord(db.Model):
    """One word of a certificate's holder name or course title, with the certificate's issue date: each word's
    certificates, newest first, are one stretch of the primary key.

    The admin list's word search (queries.walk_words) reads the newest certificates of one word and checks the
    others against the second index, stopping at a page: "agus disabilitas" among 291,000 certificates reads
    some 80 rows, where the word index (migration 0031) finds all 6,090 matches and sorts them (issue #21).
    Written with the certificate (services), rewritten when the holder's name is withdrawn; migration 0032 wrote
    those issued before. The words are lms.word_search.indexed_words'."""

    __tablename__ = "certificate_words"
    __table_args__ = (Index("ix_certificate_words_certificate_word", "certificate_id", "word"),)

    word: Mapped[str] = mapped_column(WORD_TYPE, primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True)


class CertificateDocument(db.Model):
    """The signed PDF exactly as handed out; stored in the database so any app server can serve it."""

    __tablename__ = "certificate_documents"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"),
                                                primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: sha256 of `data`; an uploaded file is genuine when it hashes to this
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: the key whose X.509 half made the PAdES signature
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateEvent(db.Model):
    """Issue, revocation, reinstatement, withdrawal: who, when, why. Rows are only ever added."""

    __tablename__ = "certificate_events"
    __table_args__ = (CheckConstraint("kind IN ('issued', 'revoked', 'reinstated', 'withdrawn')", name="known_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: who acted; None for the system or the command line
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: how the actor is shown, kept even if the account goes: a name, or "command line (user)"
    actor_label: Mapped[str] = mapped_column(String(160), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
