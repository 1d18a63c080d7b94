"""People who use Rawat and what they may do."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class Role(enum.StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_contact"),
        CheckConstraint("role IN ('learner', 'trainer', 'admin')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: name as the person wants it on certificates
    full_name: Mapped[str] = mapped_column(String(120))
    #: Indonesian mobile number in E.164 form (+628…), unique when present
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    #: lower-cased e-mail address, unique when present
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.LEARNER, server_default=Role.LEARNER.value)
    #: preferred interface language; None follows the site default
    locale: Mapped[str | None] = mapped_column(String(8))
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

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
        return self.phone or self.email or ""

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
