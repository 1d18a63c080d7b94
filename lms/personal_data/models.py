"""Copies of a person's data made for them, and the groups they have left."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import one_of
from ..extensions import db
from ..timeutil import utcnow

#: pending until a builder claims it; building; ready to download (until expires_at); delivered (built in the
#: request that asked, sent at once, never stored); expired (its file purged); failed
STATUSES = ("pending", "building", "ready", "delivered", "expired", "failed")
#: an export waiting or being built: at most one per person (a partial unique index)
OPEN_STATUSES = ("pending", "building")


class DataExport(db.Model):
    """One copy of everything Rawat holds about a person (a ZIP), as they asked for it.

    A large copy is built in the background (`lms personal-data build`) and kept here, in the database, so
    any app server can hand it out; its file is purged when it expires. A small one is built in the request
    and sent at once: only this row remains.
    """

    __tablename__ = "data_exports"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="known_status"),
        # one copy in the making per person: a second request (a double tap, two phones) finds the first
        Index("uq_data_exports_open_user_id", "user_id", unique=True,
              postgresql_where=sql_text("status IN ('pending', 'building')"),
              sqlite_where=sql_text("status IN ('pending', 'building')")),
        # the builder's queue, oldest first; few rows
        Index("ix_data_exports_pending", "requested_at",
              postgresql_where=sql_text("status IN ('pending', 'building')"),
              sqlite_where=sql_text("status IN ('pending', 'building')")),
        # the purge: ready copies whose time is up
        Index("ix_data_exports_ready_expires_at", "expires_at",
              postgresql_where=sql_text("status = 'ready'"), sqlite_where=sql_text("status = 'ready'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: whose data it is; the only person who may download it
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: one of STATUSES
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: when a builder took it; a build still "building" long after is taken again (the builder died)
    claimed_at: Mapped[datetime | None]
    built_at: Mapped[datetime | None]
    #: the download link works until then (built_at + PERSONAL_DATA_EXPORT_DAYS); None when sent at once
    expires_at: Mapped[datetime | None]
    #: rows of the person's data it holds (what decided between the request and the background)
    rows: Mapped[int | None]
    #: size and SHA-256 of the ZIP, kept after the file itself is purged
    bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    #: the ZIP while it can be downloaded; None before it is built and after it expired
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class FormerMembership(db.Model):
    """A time a person was in a group they have since left (or that was deleted): the group reports made then
    held their data, so their "Data saya" page still lists those downloads. Written when they leave
    (cohorts' members_leaving signal)."""

    __tablename__ = "former_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the group's id, kept when the group itself is deleted (no foreign key)
    cohort_id: Mapped[int]
    #: the group's name when they left
    cohort_name: Mapped[str] = mapped_column(String(120))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime] = mapped_column(default=utcnow)
