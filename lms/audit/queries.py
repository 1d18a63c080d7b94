from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .models import AuditEntry


def filtered_entries(*, action: str | None = None, target_type: str | None = None, target_id: str | None = None,
                     actor_id: int | None = None, since: datetime | None = None, until: datetime | None = None):
    """The entries matching the filters, unordered (pages order them); their actors load in one more query."""
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == target_id)
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if since:
        stmt = stmt.where(AuditEntry.created_at >= since)
    if until:
        stmt = stmt.where(AuditEntry.created_at < until)
    return stmt
