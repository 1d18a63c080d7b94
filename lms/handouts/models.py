"""Handouts drawn once: the PDF of one module, for one version of its content and one language."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class StoredHandout(db.Model):
    """Derived data: drawn on the first request for its key, served to every later one, by any worker.

    Kept in the database rather than on an app server's disk (which holds nothing but the keys), so
    every worker and machine shares it and a restart keeps it. The unique key lets two workers draw
    the same handout at once: the first insert wins, the other is ignored.
    """

    __tablename__ = "stored_handouts"
    __table_args__ = (UniqueConstraint("module_id", "locale", "content_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"))
    #: the reader's language of the texts around the lessons (headings, page numbers)
    locale: Mapped[str] = mapped_column(String(16))
    #: sha256 of everything printed (queries.handout_source): new content or drawing code, new key
    content_key: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
