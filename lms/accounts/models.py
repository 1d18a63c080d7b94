"""People who use Rawat and what they may do."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from ..database import one_of
from ..extensions import db
from ..regions.models import CODE_LENGTH, Region
from ..timeutil import utcnow


class Role(enum.StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    ADMIN = "admin"
    #: a programme officer (pengelola program): aggregates of their area only, never a list of people
    PROGRAMME = "programme"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # an erased account (erased_at) keeps no way to sign in at all
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL OR login_id IS NOT NULL OR erased_at IS NOT NULL",
                        name="has_contact"),
        CheckConstraint("role IN ('learner', 'trainer', 'admin', 'programme')", name="known_role"),
        # the admin list, newest first in keyset pages (migration 0018; trigram indexes on PostgreSQL there)
        Index("ix_users_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: name as the person wants it on certificates
    full_name: Mapped[str] = mapped_column(String(120))
    #: Indonesian mobile number in E.164 form (+628…), unique when present
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    #: lower-cased e-mail address, unique when present
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: sign-in ID made for a family without a phone (e.g. "K7M3QX92"), by the care manager who created the account
    login_id: Mapped[str | None] = mapped_column(String(16), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.LEARNER, server_default=Role.LEARNER.value)
    #: preferred interface language; None follows the site default
    locale: Mapped[str | None] = mapped_column(String(8))
    #: the village the learner gave (optional), for programme reports by area; a retired code stays valid
    village_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH), ForeignKey(Region.code), index=True)
    #: a programme officer's area: a province ("32") or regency or city ("32.76") code; None is the whole
    #: country. Only read for Role.PROGRAMME (queries.scope_of); cleared when the role changes
    scope_region_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH), ForeignKey(Region.code))
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: the latest privacy notice version the person agreed to (a PrivacyConsent row says when and how); None
    #: until they agree. Read on every signed-in request from the row already loaded, so the check costs no query
    privacy_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: when the person's data was erased (lms/erasure: at their request, or after years without use). The row
    #: stays as a stub without personal data, so the de-identified facts programme figures count keep their
    #: person; it never signs in again, and care managers no longer see it in their groups
    erased_at: Mapped[datetime | None]

    #: the raw token of the signed-in session this object was loaded for (lms/accounts/sessions.py);
    #: never stored, only its hash is
    session_token = None
    #: the UserSession row of that session
    session_id = None
    #: what other features read with that session's look-up (sessions.read_with_session_user)
    session_extras = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def get_id(self) -> str:
        # What Flask-Login keeps in the session and the remember cookie: the account and the session, so a
        # session ended on the server can never be brought back by replaying a cookie.
        if not self.session_token:
            raise RuntimeError("sign in through lms.accounts.sessions.sign_in")
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_trainer(self) -> bool:
        return self.role in (Role.TRAINER, Role.ADMIN)

    @property
    def contact(self) -> str:
        """What the person signs in with, for their own eyes only."""
        return self.phone or self.email or self.login_id or ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class PasswordResetCode(db.Model):
    """A one-time code to set a new password, given by a care manager, an admin, or by e-mail."""

    __tablename__ = "password_reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the code; the code itself is shown once and never stored
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "helper" (issued by a trainer or admin) or "email" (requested by the learner)
    channel: Mapped[str] = mapped_column(String(8))
    #: who issued it; None when the learner asked by e-mail
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    #: set once, when the code is used; a used code never works again
    used_at: Mapped[datetime | None]


class UserSession(db.Model):
    """One signed-in browser or phone. Deleting the row ends that session, remember cookie included."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the random token kept in the signed session and remember cookies
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "keep me signed in": the session also lives in a remember cookie
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the session ends then at the latest, whatever the cookies say
    expires_at: Mapped[datetime]


class PrivacyConsent(db.Model):
    """A person's agreement to one version of the privacy notice (lms/accounts/privacy.py): the record UU 27/2022
    asks a controller to be able to show. One per person and version, whatever the number of clicks."""

    __tablename__ = "privacy_consents"
    __table_args__ = (
        UniqueConstraint("user_id", "notice_version"),
        CheckConstraint(one_of("age_basis", ("adult", "guardian")), name="known_age_basis"),
        CheckConstraint("age_basis = 'adult' OR guardian_name IS NOT NULL", name="guardian_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the unique constraint's index (user_id first) finds a person's answers
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    notice_version: Mapped[int]
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: "adult" (17 or older, the age of a KTP) or "guardian" (younger, with a parent's or guardian's consent)
    age_basis: Mapped[str] = mapped_column(String(8))
    #: the parent or guardian who agreed, for "guardian"
    guardian_name: Mapped[str | None] = mapped_column(String(120))
