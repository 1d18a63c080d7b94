"""Append-only record of sensitive actions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # The log is read newest first, by (created_at, id), in keyset pages: one index per filter (migration 0018).
    __table_args__ = (
        Index("ix_audit_entries_created_at_id", "created_at", "id"),
        Index("ix_audit_entries_action_created_at_id", "action", "created_at", "id"),
        Index("ix_audit_entries_actor_id_created_at_id", "actor_id", "created_at", "id"),
        Index("ix_audit_entries_target", "target_type", "target_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: who acted; None for the command line or the system itself
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: dotted action name, e.g. "user.role_changed", "certificate.revoked"
    action: Mapped[str] = mapped_column(String(64))
    #: what was acted on, e.g. "user" and its id, or "certificate" and its public id
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    #: a short human-readable description of the target at the time (name, title)
    target_label: Mapped[str] = mapped_column(String(200), default="")
    #: details such as old and new values or a reason
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
