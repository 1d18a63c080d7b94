"""Rules and writes of authoring: drafts, images, publishing, zips, co-authors.

No request and no commit here: views and tests commit. A draft is its files; every
check of what makes a valid course is the importer's, run on those files written to
a temporary folder (`check_draft`, `publish`, `import_zip`). Changes to the draft's
content (settings, modules, lessons, quizzes) are in `editing`.
"""
from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from ..accounts.identifiers import InvalidIdentifier, normalize_phone
from ..accounts.models import User
from ..audit.services import record
from ..content_checker.checker import advise
from ..content_checker.findings import Finding
from ..courses.content_files import Problem
from ..courses.importer import ASSET_TYPES, CourseSpec, apply_course, parse_course
from ..courses.models import Course
from ..extensions import db
from ..timeutil import utcnow
from . import draft_files as df
from .archive import CourseArchive, build_zip, read_zip
from .changes import summarize, total
from .exporter import export_course
from .images import check_image
from .models import CourseAuthor, CourseDraft, DraftImage, Publication


class AuthoringError(Exception):
    """A refused action; `code` names the reason (the view words it in the user's language)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Located:
    """A problem in a course file, located relative to the course folder.

    `message` is the importer's English; `code` and `params` are what lms.authoring.problems
    words for authors.
    """

    path: str
    message: str
    line: int | None = None
    code: str = ""
    params: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" if where else self.message


class ContentRefused(Exception):
    """The importer found problems; nothing was changed. `files` and `slug`: the course files checked."""

    def __init__(self, problems: list[Located], files: dict[str, str] | None = None, slug: str = ""):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
        self.files = files or {}
        self.slug = slug


@dataclass
class DraftCheck:
    spec: CourseSpec | None
    #: what stops publishing (the importer's problems)
    problems: list[Located] = field(default_factory=list)
    #: what the content checker advises to change (publishing goes on)
    warnings: list[Located] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- files on disk, for the importer ---------------------------------------------------------


def _materialize(root: Path, slug: str, files: dict[str, str], images: dict[str, bytes]) -> Path:
    folder = (root / slug).resolve()
    for path, content in [*files.items(), *images.items()]:
        target = (folder / path).resolve()
        if not target.is_relative_to(folder):  # paths come from our forms or a checked zip; never trust them
            raise ValueError(f"path outside the course folder: {path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _located(problems: list[Problem] | list[Finding], folder: Path) -> list[Located]:
    result = []
    for problem in problems:
        try:
            relative = problem.path.resolve().relative_to(folder)
            path = "" if str(relative) == "." else relative.as_posix()
        except ValueError:
            path = problem.path.name
        result.append(Located(path=path or folder.name, message=problem.message, line=problem.line,
                              code=problem.code, params=problem.params))
    return result


def draft_images(draft: CourseDraft) -> dict[str, DraftImage]:
    rows = db.session.scalars(select(DraftImage).where(DraftImage.draft_id == draft.id).order_by(DraftImage.path))
    return {image.path: image for image in rows}


def _image_bytes(draft: CourseDraft) -> dict[str, bytes]:
    return {path: image.data for path, image in draft_images(draft).items()}


def _slug_taken_problem(draft: CourseDraft) -> Located | None:
    if draft.course_id is None and db.session.scalar(select(Course.id).where(Course.slug == draft.slug)):
        return Located(path=draft.slug, message=f"a course with the slug '{draft.slug}' already exists",
                       code="slug_taken", params={"slug": draft.slug})
    return None


def check_draft(draft: CourseDraft, *, with_advice: bool = True) -> DraftCheck:
    """Parse the draft with the importer, collecting every problem (nothing is written); with
    `with_advice`, also the content checker's warnings (pages that show none skip their cost)."""
    if draft.files is None:
        return DraftCheck(spec=None)
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = _materialize(Path(tmp), draft.slug, draft.files, _image_bytes(draft))
        spec = parse_course(folder, problems)
        located = _located(problems, folder)
        warnings = _located(advise(spec), folder) if with_advice and not problems else []
    taken = _slug_taken_problem(draft)
    return DraftCheck(spec=spec, problems=[taken, *located] if taken else located, warnings=warnings)


# --- drafts -----------------------------------------------------------------------------------


def grant(draft: CourseDraft, user: User, role: str, actor: User | None = None) -> CourseAuthor:
    author = CourseAuthor(draft=draft, user_id=user.id, role=role, added_by_id=actor.id if actor else None)
    db.session.add(author)
    return author


def slug_in_use(slug: str) -> bool:
    return bool(db.session.scalar(select(Course.id).where(Course.slug == slug))
                or db.session.scalar(select(CourseDraft.id).where(CourseDraft.slug == slug)))


def create_course(actor: User, slug: str, settings: dict) -> CourseDraft:
    """A new, unpublished course whose owner is `actor`; raise AuthoringError('slug_taken')."""
    if slug_in_use(slug):
        raise AuthoringError("slug_taken", slug=slug)
    data = {**settings, "version": 1, "authors": settings.get("authors") or [actor.full_name],
            "sources": settings.get("sources") or []}
    draft = CourseDraft(slug=slug, title=settings["title"], files=df.set_course({}, data), base_version=None,
                        updated_by_id=actor.id)
    db.session.add(draft)
    grant(draft, actor, "owner", actor)
    db.session.flush()
    return draft


def workspace_for_course(course: Course, actor: User) -> CourseDraft:
    """The authoring row of a published course (e.g. one imported from content/), made on first use."""
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.course_id == course.id))
    if draft is None:
        draft = CourseDraft(course_id=course.id, slug=course.slug, title=course.title, files=None,
                            updated_by_id=actor.id)
        db.session.add(draft)
        grant(draft, actor, "owner", actor)
        db.session.flush()
    return draft


def start_draft(draft: CourseDraft, actor: User) -> None:
    """Begin the next version: the published course exported as files (no-op if a draft exists)."""
    if draft.files is not None or draft.course is None:
        return
    exported = export_course(draft.course)
    _replace_images(draft, {path: data for path, (_type, data) in exported.images.items()})
    draft.files = exported.files
    draft.base_version = draft.course.version
    _touch(draft, actor)


def discard_draft(draft: CourseDraft) -> bool:
    """Throw the draft away; a course never published goes entirely. True if the row was deleted."""
    db.session.execute(delete(DraftImage).where(DraftImage.draft_id == draft.id))
    if draft.course_id is None:
        db.session.delete(draft)
        return True
    draft.files = None
    draft.base_version = None
    return False


def _touch(draft: CourseDraft, actor: User) -> None:
    draft.updated_at = utcnow()
    draft.updated_by_id = actor.id


def save_files(draft: CourseDraft, actor: User, files: dict[str, str]) -> None:
    """Store the draft's new files (a new dict: JSON columns are replaced, not mutated)."""
    if draft.files is None:
        raise AuthoringError("no_draft")
    draft.files = dict(sorted(files.items()))
    title = df.course_data(files).get("title")
    if isinstance(title, str) and title.strip():
        draft.title = title.strip()[:200]
    _touch(draft, actor)


# --- images -----------------------------------------------------------------------------------


def _replace_images(draft: CourseDraft, images: dict[str, bytes]) -> None:
    db.session.execute(delete(DraftImage).where(DraftImage.draft_id == draft.id))
    for path, data in images.items():
        content_type = _content_type(path)
        db.session.add(DraftImage(draft_id=draft.id, path=path, content_type=content_type,
                                  sha256=hashlib.sha256(data).hexdigest(), data=data))


def _content_type(path: str) -> str:
    return ASSET_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def add_image(draft: CourseDraft, actor: User, filename: str, data: bytes) -> str:
    """Store an uploaded image (replacing one of the same name); raise ImageRefused. Return its path."""
    if draft.files is None:
        raise AuthoringError("no_draft")
    path, content_type, data = check_image(filename, data)  # an SVG comes back cleaned
    image = db.session.scalar(select(DraftImage).where(DraftImage.draft_id == draft.id, DraftImage.path == path))
    if image is None:
        image = DraftImage(draft_id=draft.id, path=path)
        db.session.add(image)
    image.content_type, image.data, image.sha256 = content_type, data, hashlib.sha256(data).hexdigest()
    _touch(draft, actor)
    return path


def remove_image(draft: CourseDraft, actor: User, path: str) -> None:
    """Delete an image no file mentions; raise AuthoringError('image_in_use', paths=[the files that do])."""
    users = df.image_references(draft.files or {}, path)
    if users:
        raise AuthoringError("image_in_use", paths=users)
    db.session.execute(delete(DraftImage).where(DraftImage.draft_id == draft.id, DraftImage.path == path))
    _touch(draft, actor)


# --- publishing -------------------------------------------------------------------------------


def _parse_or_refuse(folder: Path, files: dict[str, str]) -> CourseSpec:
    """The course in `folder`, or ContentRefused with every problem. The folder is the course even without
    its course.yaml (`parse_content` would take such a folder for a folder of courses)."""
    problems: list[Problem] = []
    spec = parse_course(folder, problems)
    if problems:
        raise ContentRefused(_located(problems, folder), files, folder.name)
    return spec


def _published_spec(course: Course | None) -> CourseSpec | None:
    """What learners see now, read as the importer reads files (to compare with the draft)."""
    if course is None:
        return None
    exported = export_course(course)
    with tempfile.TemporaryDirectory() as tmp:
        folder = _materialize(Path(tmp), course.slug, exported.files,
                              {path: data for path, (_type, data) in exported.images.items()})
        return parse_course(folder, [])


def publish(draft: CourseDraft, actor: User) -> Publication:
    """Import the draft as the course's next version, all or nothing; raise ContentRefused."""
    if draft.files is None:
        raise AuthoringError("no_draft")
    taken = _slug_taken_problem(draft)
    if taken:
        raise ContentRefused([taken], draft.files, draft.slug)
    version = draft.course.version + 1 if draft.course is not None else 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = _materialize(Path(tmp), draft.slug, draft.files, _image_bytes(draft))
        spec = _parse_or_refuse(folder, draft.files)
    summary = summarize(_published_spec(draft.course), spec)
    spec.version = version
    spec.is_published = True
    apply_course(spec)
    course = db.session.scalar(select(Course).where(Course.slug == draft.slug))
    publication = Publication(course_id=course.id, version=version, title=course.title, published_by_id=actor.id,
                              changes=total(summary), summary=summary)
    db.session.add(publication)
    record("course.published", actor_id=actor.id, target_type="course", target_id=course.id,
           target_label=course.title, version=version)
    db.session.execute(delete(DraftImage).where(DraftImage.draft_id == draft.id))
    draft.course = course
    draft.title = course.title
    draft.files = None
    draft.base_version = None
    _touch(draft, actor)
    db.session.flush()
    return publication


# --- zip export and import -------------------------------------------------------------------


def export_zip(draft: CourseDraft | None, course: Course | None, *, source: str) -> bytes:
    """The draft's files, or the published course's, as a zip in the content/ format."""
    if source == "draft":
        if draft is None or draft.files is None:
            raise AuthoringError("no_draft")
        return build_zip(draft.slug, draft.files, _image_bytes(draft))
    if course is None:
        raise AuthoringError("not_published")
    exported = export_course(course)
    return build_zip(course.slug, exported.files, {p: data for p, (_t, data) in exported.images.items()})


def _validate_archive(archive: CourseArchive) -> CourseSpec:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _materialize(Path(tmp), archive.slug, archive.files, archive.images)
        return _parse_or_refuse(folder, archive.files)


def import_zip(data: bytes, actor: User, draft: CourseDraft | None = None) -> CourseDraft:
    """Replace a draft's files with a zip's, or make a new course of it; all or nothing.

    Raise ZipRefused (unsafe or unreadable zip), ContentRefused (the importer's
    problems) or AuthoringError('slug_taken') for a new course whose folder name is used.
    """
    archive = read_zip(data)
    spec = _validate_archive(archive)
    if draft is None:
        if slug_in_use(archive.slug):
            raise AuthoringError("slug_taken", slug=archive.slug)
        draft = CourseDraft(slug=archive.slug, title=spec.title, files={}, updated_by_id=actor.id)
        db.session.add(draft)
        grant(draft, actor, "owner", actor)
        db.session.flush()
    elif draft.course is not None and draft.files is None:
        draft.base_version = draft.course.version
    draft.files = dict(archive.files)
    draft.title = spec.title
    _replace_images(draft, archive.images)
    _touch(draft, actor)
    db.session.flush()
    return draft


# --- co-authors --------------------------------------------------------------------------------


def add_coauthor(draft: CourseDraft, phone: str, actor: User) -> User:
    """Let the trainer with this mobile number edit the course; raise AuthoringError."""
    try:
        number = normalize_phone(phone)
    except InvalidIdentifier:
        raise AuthoringError("bad_phone") from None
    user = db.session.scalar(select(User).where(User.phone == number))
    if user is None:
        raise AuthoringError("no_such_user")
    if not user.is_trainer:
        raise AuthoringError("not_a_trainer", name=user.full_name)
    if any(author.user_id == user.id for author in draft.authors):
        raise AuthoringError("already_author", name=user.full_name)
    grant(draft, user, "co_author", actor)
    db.session.flush()
    return user


def remove_coauthor(draft: CourseDraft, user_id: int) -> None:
    """Take a co-author off the course (the owner stays)."""
    for author in list(draft.authors):
        if author.user_id == user_id and author.role == "co_author":
            draft.authors.remove(author)
    db.session.flush()
