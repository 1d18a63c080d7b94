"""A person's copy of their data, and the groups they leave. No request, no commit: the caller commits.

A copy of at most PERSONAL_DATA_INLINE_ROWS rows is built in the request that asks for it and sent at once;
a larger one is queued (a DataExport "pending") and built by `lms personal-data build` (background.py).
Each request is in the audit log (what was asked, never what the copy holds).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..extensions import db
from ..timeutil import utcnow
from . import archive
from .export import count_rows
from .models import DataExport, FormerMembership
from .queries import open_export

#: a build still "building" this long after it was claimed is taken again (its builder died)
STALE_BUILD = timedelta(hours=1)


@dataclass
class Requested:
    """What asking for a copy gave: the copy's row and, when it was built at once, the ZIP."""

    export: DataExport
    archive: archive.Archive | None = None
    #: a copy was already being prepared: nothing new was queued
    already_waiting: bool = False


def _audit(user: User, export: DataExport, way: str) -> None:
    audit.record("user.data_exported", actor_id=user.id, target_type="user", target_id=user.id,
                 target_label=user.full_name, export=export.id, way=way)


def request_export(user: User) -> Requested:
    """Build the person's copy now when it is small, else queue it (one waiting copy per person)."""
    waiting = open_export(user.id)
    if waiting is not None:
        return Requested(waiting, already_waiting=True)
    rows = count_rows(user.id)
    now = utcnow()
    if rows <= current_app.config["PERSONAL_DATA_INLINE_ROWS"]:
        built = archive.build(user)
        export = DataExport(user_id=user.id, requested_at=now, status="delivered", built_at=now, rows=built.rows,
                            bytes=len(built.data), sha256=built.sha256)
        db.session.add(export)
        db.session.flush()
        _audit(user, export, "direct")
        return Requested(export, built)
    export = DataExport(user_id=user.id, requested_at=now, status="pending", rows=rows)
    try:
        with db.session.begin_nested():  # the partial unique index: one waiting copy per person
            db.session.add(export)
            db.session.flush()
    except IntegrityError:
        return Requested(open_export(user.id), already_waiting=True)
    _audit(user, export, "background")
    return Requested(export)


def waiting_ids(now: datetime, limit: int = 100) -> list[int]:
    """Copies to build, oldest first: pending ones, and builds whose builder died."""
    return list(db.session.scalars(select(DataExport.id).where(or_(
        DataExport.status == "pending",
        (DataExport.status == "building") & (DataExport.claimed_at < now - STALE_BUILD)))
        .order_by(DataExport.requested_at, DataExport.id).limit(limit)))


def claim(export_id: int, now: datetime) -> bool:
    """Take one copy to build; False when another builder has it (a conditional UPDATE decides)."""
    return db.session.execute(update(DataExport).where(DataExport.id == export_id, or_(
        DataExport.status == "pending",
        (DataExport.status == "building") & (DataExport.claimed_at < now - STALE_BUILD)))
        .values(status="building", claimed_at=now).execution_options(synchronize_session=False)).rowcount == 1


def build_claimed(export_id: int, claimed_at: datetime) -> DataExport | None:
    """Build a claimed copy and store its ZIP (ready until PERSONAL_DATA_EXPORT_DAYS from now); None when it is
    no longer this builder's (taken again after STALE_BUILD) or its owner is gone."""
    export = db.session.get(DataExport, export_id, populate_existing=True)
    if export is None or export.status != "building" or export.claimed_at != claimed_at:
        return None
    user = db.session.get(User, export.user_id)
    built = archive.build(user)
    now = utcnow()
    stored = db.session.execute(update(DataExport).where(
        DataExport.id == export_id, DataExport.status == "building", DataExport.claimed_at == claimed_at)
        .values(status="ready", built_at=now, expires_at=now + timedelta(
            days=current_app.config["PERSONAL_DATA_EXPORT_DAYS"]), rows=built.rows, bytes=len(built.data),
            sha256=built.sha256, data=built.data).execution_options(synchronize_session=False)).rowcount
    if stored != 1:
        return None
    return db.session.get(DataExport, export_id, populate_existing=True)


def mark_failed(export_id: int) -> None:
    db.session.execute(update(DataExport).where(DataExport.id == export_id, DataExport.status == "building")
                       .values(status="failed").execution_options(synchronize_session=False))


def purge_expired(now: datetime) -> int:
    """Remove the files of the copies whose time is up (their rows stay, with size and SHA-256)."""
    return db.session.execute(update(DataExport).where(DataExport.status == "ready", DataExport.expires_at <= now)
                              .values(status="expired", data=None)
                              .execution_options(synchronize_session=False)).rowcount


def record_former_memberships(cohort, members: list[tuple[int, datetime]]) -> None:
    """cohorts' members_leaving: keep when each leaving member was in the group (one INSERT for all)."""
    now = utcnow()
    db.session.execute(insert(FormerMembership), [
        {"user_id": user_id, "cohort_id": cohort.id, "cohort_name": cohort.name, "joined_at": joined_at,
         "left_at": now} for user_id, joined_at in members])
