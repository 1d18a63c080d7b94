"""Read helpers for authoring pages: who may edit what, lists, history, draft images."""
from __future__ import annotations

from flask import abort
from sqlalchemy import func, select

from ..accounts.models import User
from ..courses.models import Course
from ..extensions import db
from .models import CourseAuthor, CourseDraft, DraftImage, Publication


def author_role(user: User, draft: CourseDraft) -> str | None:
    """owner, co_author, or None."""
    return next((author.role for author in draft.authors if author.user_id == user.id), None)


def can_edit(user: User, draft: CourseDraft) -> bool:
    return user.is_admin or author_role(user, draft) is not None


def can_manage_authors(user: User, draft: CourseDraft) -> bool:
    return user.is_admin or author_role(user, draft) == "owner"


def get_draft_for(user: User, draft_id: int) -> CourseDraft:
    """The course being authored, for one of its authors or an admin: 404 if missing, 403 for anyone else."""
    draft = db.session.get(CourseDraft, draft_id)
    if draft is None:
        abort(404)
    if not can_edit(user, draft):
        abort(403)
    return draft


def drafts_for(user: User) -> list[CourseDraft]:
    """The courses a trainer authors (admins: every course authored in the browser), by title."""
    stmt = select(CourseDraft).order_by(func.lower(CourseDraft.title), CourseDraft.id)
    if not user.is_admin:
        stmt = stmt.join(CourseAuthor, CourseAuthor.draft_id == CourseDraft.id).where(CourseAuthor.user_id == user.id)
    return list(db.session.scalars(stmt))


def courses_without_draft() -> list[Course]:
    """Courses never edited in the browser (e.g. loaded from content/), for admins."""
    stmt = (select(Course).outerjoin(CourseDraft, CourseDraft.course_id == Course.id)
            .where(CourseDraft.id.is_(None)).order_by(func.lower(Course.title)))
    return list(db.session.scalars(stmt))


def last_publications(course_ids: list[int]) -> dict[int, Publication]:
    if not course_ids:
        return {}
    latest = (select(Publication.course_id, func.max(Publication.version).label("version"))
              .where(Publication.course_id.in_(course_ids)).group_by(Publication.course_id).subquery())
    rows = db.session.scalars(select(Publication).join(
        latest, (latest.c.course_id == Publication.course_id) & (latest.c.version == Publication.version)))
    return {row.course_id: row for row in rows}


def publication_history(course_id: int | None) -> list[Publication]:
    if course_id is None:
        return []
    return list(db.session.scalars(select(Publication).where(Publication.course_id == course_id)
                                   .order_by(Publication.version.desc())))


def image_list(draft: CourseDraft) -> list[DraftImage]:
    return list(db.session.scalars(select(DraftImage).where(DraftImage.draft_id == draft.id)
                                   .order_by(DraftImage.path)))


def image_versions(draft: CourseDraft) -> dict[str, str]:
    """path -> short content hash, for cache-busting image URLs."""
    rows = db.session.execute(select(DraftImage.path, DraftImage.sha256).where(DraftImage.draft_id == draft.id))
    return {path: sha[:12] for path, sha in rows.all()}


def get_image_or_404(draft: CourseDraft, path: str) -> DraftImage:
    image = db.session.scalar(select(DraftImage).where(DraftImage.draft_id == draft.id, DraftImage.path == path))
    if image is None:
        abort(404)
    return image
