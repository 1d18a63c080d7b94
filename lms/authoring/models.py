"""Course drafts as files, who may edit them, and every publication."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..courses.models import Course
from ..extensions import db
from ..timeutil import utcnow

AUTHOR_ROLES = ("owner", "co_author")


class CourseDraft(db.Model):
    """The authoring side of one course: its editors and, while being edited, its next version as files.

    The row lives as long as the course is edited in the browser; `files` is None when
    nothing is being changed (right after a publish, or before a draft is started).
    """

    __tablename__ = "course_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the published course; None until the first publish
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), unique=True)
    #: the course folder name, which becomes (or is) the course's slug; never changes
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: title from course.yaml, kept for lists
    title: Mapped[str] = mapped_column(String(200))
    #: relative path -> UTF-8 text of every course file except images; None: no draft in progress
    files: Mapped[dict | None] = mapped_column(JSON)
    #: the course version the draft was started from; None for a course never published
    base_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: last change to the draft's files or images
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: raised on every write; two requests saving the same draft at once cannot both win
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": revision}

    course: Mapped[Course | None] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    authors: Mapped[list[CourseAuthor]] = relationship(back_populates="draft", cascade="all, delete-orphan",
                                                       order_by="CourseAuthor.id")

    @property
    def has_draft(self) -> bool:
        return self.files is not None

    @property
    def is_published(self) -> bool:
        return self.course_id is not None


class DraftImage(db.Model):
    """An image of a draft (images/<name>), published with it as a CourseAsset."""

    __tablename__ = "course_draft_images"
    __table_args__ = (UniqueConstraint("draft_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (the unique constraint indexes draft_id)
    draft_id: Mapped[int] = mapped_column(ForeignKey("course_drafts.id", ondelete="CASCADE"))
    #: path relative to the course folder, e.g. images/cuci-tangan.png
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CourseAuthor(db.Model):
    """A trainer who may edit a course: its owner, or a co-author the owner added."""

    __tablename__ = "course_authors"
    __table_args__ = (
        UniqueConstraint("draft_id", "user_id"),
        CheckConstraint("role IN ('owner', 'co_author')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (the unique constraint indexes draft_id)
    draft_id: Mapped[int] = mapped_column(ForeignKey("course_drafts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: owner or co_author; only the owner (and admins) manage co-authors
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    draft: Mapped[CourseDraft] = relationship(back_populates="authors")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Publication(db.Model):
    """One publish of a course: who, when, which version. Never changed afterwards."""

    __tablename__ = "course_publications"
    # Two publishes of the same draft at once cannot both create version N.
    __table_args__ = (UniqueConstraint("course_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (the unique constraint indexes course_id)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    version: Mapped[int]
    #: the course title at the time
    title: Mapped[str] = mapped_column(String(200))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: what an author calls changes: lessons, modules, questions, pictures… added, changed, moved or removed
    #: (publications before migration 0011 hold the importer's row count and no summary)
    changes: Mapped[int] = mapped_column(default=0)
    #: the same, by kind: {"lessons_changed": 1, …} (kinds in lms.authoring.changes.KINDS); None before 0011
    summary: Mapped[dict | None] = mapped_column(JSON)

    published_by: Mapped[User | None] = relationship()
